"""A long text's scoring runs in a worker thread, and so does any text's while the filter is still being
built: while one member's secret is being scored (tens of milliseconds of CPU, seconds on a loaded machine,
the build a second or more), another member's press is handled; on the event loop it waited for the scoring
to end (a burst of first DMs held presses' answers 3 to 7 s in a chaos run). A short text with the filter
built is scored at once (about a millisecond: less than the hop to a thread costs)."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from bot.actions import React
from bot.model import Reaction
from bot.usecases.words import INLINE_CHECK_LENGTH
from tests.core.harness import Harness
from tests.fakes.platforms import KeywordFilter

SCORING = 1.5  # seconds of CPU the scoring of one text takes here
LONG = "Scored slowly, as a long text is on a loaded machine. " * (INLINE_CHECK_LENGTH // 50)
SHORT = "Scored slowly, as on a loaded machine."


async def _press_while_scoring(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    h = await Harness().setup()
    await h.post("u1", "A secret to react to while another is scored.")
    [secret_id] = h.db.state.secrets
    check = KeywordFilter.check

    def slow_check(self: KeywordFilter, *args: object, **kwargs: object) -> object:
        time.sleep(SCORING)  # CPU-bound work: holds its thread, as the real scoring does
        return check(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(KeywordFilter, "check", slow_check)
    scoring = asyncio.create_task(h.service.text(h.actor("u2"), text))
    await asyncio.sleep(0.1)  # the scoring has started
    started = time.monotonic()
    await h.service.press(h.actor("u3"), React(h.token(secret_id), Reaction.HEART).encode())
    took = time.monotonic() - started
    assert not scoring.done()  # the press was handled while the text was still being scored
    assert "Preview" in str(await scoring)
    assert took < SCORING / 2, took


async def test_a_press_is_handled_while_a_long_text_is_being_scored(monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(LONG) > INLINE_CHECK_LENGTH
    await _press_while_scoring(monkeypatch, LONG)


async def test_a_press_is_handled_while_the_filter_is_being_built(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(KeywordFilter, "ready", lambda self: False, raising=False)
    await _press_while_scoring(monkeypatch, SHORT)


async def test_a_short_text_is_scored_on_the_loop_once_the_filter_is_built() -> None:
    h = await Harness().setup()
    threads: list[threading.Thread] = []
    check = KeywordFilter.check

    def recorded(self: KeywordFilter, *args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread())
        return check(self, *args, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(KeywordFilter, "check", recorded)
        assert "Preview" in str(await h.service.text(h.actor("u2"), SHORT))
        assert "Preview" in str(await h.service.text(h.actor("u3"), LONG))
    assert threads[0] is threading.main_thread()
    assert threads[1] is not threading.main_thread()
