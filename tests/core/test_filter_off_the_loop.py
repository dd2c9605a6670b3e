"""The text filter's scoring runs in a worker thread: while one member's secret is being scored (tens of
milliseconds of CPU, seconds on a loaded machine), another member's press is handled; on the event loop it
waited for the scoring to end (a burst of first DMs held presses' answers 3 to 7 s in a chaos run)."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.actions import React
from bot.model import Reaction
from tests.core.harness import Harness
from tests.fakes.platforms import KeywordFilter

SCORING = 1.5  # seconds of CPU the scoring of one text takes here


async def test_a_press_is_handled_while_a_text_is_being_scored(monkeypatch: pytest.MonkeyPatch) -> None:
    h = await Harness().setup()
    await h.post("u1", "A secret to react to while another is scored.")
    [secret_id] = h.db.state.secrets
    check = KeywordFilter.check

    def slow_check(self: KeywordFilter, *args: object, **kwargs: object) -> object:
        time.sleep(SCORING)  # CPU-bound work: holds its thread, as the real scoring does
        return check(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(KeywordFilter, "check", slow_check)
    scoring = asyncio.create_task(h.service.text(h.actor("u2"), "Scored slowly, as on a loaded machine."))
    await asyncio.sleep(0.1)  # the scoring has started
    started = time.monotonic()
    await h.service.press(h.actor("u3"), React(h.token(secret_id), Reaction.HEART).encode())
    took = time.monotonic() - started
    assert not scoring.done()  # the press was handled while the text was still being scored
    assert "Preview" in str(await scoring)
    assert took < SCORING / 2, took
