"""An interaction deferred ("thinking…") while the core works on it is answered even if the process stops
before its answer goes out: the outbox keeps an answer for it, sent at its follow-up (Discord takes one for
15 minutes) by the next process, and called off once the core's own answer shows."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from bot.actor import Actor
from bot.messages import Response
from bot.service import PENDING_ANSWER_AFTER, Murmure
from tests.discord.harness import (
    GENERAL,
    GUILD,
    TEXT_ID,
    populate,
    running_discord,
    set_up_discord,
    set_up_server,
    uid,
)
from tests.emulators.discord import DiscordEmulator, PendingInteraction
from tests.support import FixedClock

DEFERRED_WITH_THINKING = 5
LOST = "could not answer your form in time"


def _kept_answers(database: Path) -> int:
    with closing(sqlite3.connect(database)) as db:
        (count,) = db.execute("SELECT COUNT(*) FROM outbox WHERE kind = 'pending_answer'").fetchone()
    return int(count)


async def _submitted(dc: DiscordEmulator, text: str) -> PendingInteraction:
    opened = await dc.user_runs_command(uid("alice"), GUILD, GENERAL, "secret")
    assert (await opened.response())["type"] == 9
    submitted = await dc.user_submits_modal(uid("alice"), opened, {TEXT_ID: text})
    assert (await submitted.response())["type"] == DEFERRED_WITH_THINKING
    return submitted


async def test_a_form_left_thinking_by_a_stopped_process_is_answered_by_the_next_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FixedClock()
    never = asyncio.Event()
    stuck: list[asyncio.Task[Any]] = []
    text = Murmure.text

    async def stuck_text(self: Murmure, actor: Actor, raw: str) -> list[Response]:
        stuck.append(asyncio.current_task())  # type: ignore[arg-type]
        await never.wait()  # the process stops before the core answers
        return await text(self, actor, raw)

    try:
        async with DiscordEmulator() as dc:
            await populate(dc)
            async with running_discord(tmp_path, monkeypatch, dc, clock=clock) as d:
                await set_up_server(d)
                monkeypatch.setattr(Murmure, "text", stuck_text)
                submitted = await _submitted(dc, "What I wrote as it stopped.")
                await dc.wait_until(lambda: _kept_answers(tmp_path / "murmure.db") == 1, within=8)
            monkeypatch.setattr(Murmure, "text", text)
            assert not (submitted.original().content or "")  # still "thinking…"
            async with running_discord(tmp_path, monkeypatch, dc, clock=clock):
                clock.advance(seconds=PENDING_ANSWER_AFTER.total_seconds() + 1)
                await dc.wait_until(lambda: LOST in (submitted.original().content or ""), within=10)
            assert submitted.original().flags & 64  # as private as the answer it stands for
            assert _kept_answers(tmp_path / "murmure.db") == 0
    finally:
        for task in stuck:
            task.cancel()


async def test_an_answer_that_showed_calls_off_the_kept_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FixedClock()
    text = Murmure.text

    async def slow_text(self: Murmure, actor: Actor, raw: str) -> list[Response]:
        await asyncio.sleep(1.5)  # past the acknowledgement's budget: deferred, then answered
        return await text(self, actor, raw)

    async with set_up_discord(tmp_path, monkeypatch, clock) as d:
        monkeypatch.setattr(Murmure, "text", slow_text)
        submitted = await _submitted(d.dc, "Slow, but answered.")
        await d.dc.wait_until(lambda: "Preview" in (submitted.original().content or ""), within=8)
        await d.dc.wait_until(lambda: _kept_answers(tmp_path / "murmure.db") == 0, within=8)
        clock.advance(seconds=PENDING_ANSWER_AFTER.total_seconds() + 1)
        await asyncio.sleep(2.5)  # two polls of the outbox
        assert "Preview" in (submitted.original().content or "")
        assert submitted.followups() == []
