"""An interaction deferred ("thinking…") while the core works on it is answered even if the process stops
before its answer goes out: the outbox keeps an answer for it, sent at its follow-up (Discord takes one for
15 minutes) by the next process, and called off once the core's own answer shows. A form's text is kept with
it before the deferral: the next process answers with its preview (a reply's too), or, past the
interaction's 15 minutes, sends that preview to the member's DM."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, closing, contextmanager
from pathlib import Path
from typing import Any

import pytest

from adapters.discord import client as discord_client
from bot.actor import Actor
from bot.messages import Response
from bot.service import PENDING_ANSWER_AFTER, Murmure
from tests.discord.harness import (
    GENERAL,
    GUILD,
    TEXT_ID,
    Discord,
    populate,
    running_discord,
    set_up_discord,
    set_up_server,
    uid,
)
from tests.emulators.discord import DiscordEmulator, Message, PendingInteraction
from tests.support import FixedClock

DEFERRED_WITH_THINKING = 5
DEFERRED_UPDATE = 6
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


def _kept_rows(database: Path) -> list[str]:
    """Every stored value of the kept answers' rows, as text."""
    with closing(sqlite3.connect(database)) as db:
        rows = db.execute("SELECT * FROM outbox WHERE kind = 'pending_answer'").fetchall()
    return [str(value) for row in rows for value in row]


def _offers_post(message: Message) -> bool:
    return any("Post" in choice for choice in Discord.choices(message))


@contextmanager
def _stuck(monkeypatch: pytest.MonkeyPatch, name: str) -> Iterator[None]:
    """The core's ``name`` (a form's use case) never answers while in this block: the process stops first."""
    never = asyncio.Event()
    stuck: list[asyncio.Task[Any]] = []
    original = getattr(Murmure, name)

    async def stuck_use_case(self: Murmure, actor: Actor, *args: Any) -> list[Response]:
        stuck.append(asyncio.current_task())  # type: ignore[arg-type]
        await never.wait()
        return list(await original(self, actor, *args))

    monkeypatch.setattr(Murmure, name, stuck_use_case)
    try:
        yield
    finally:
        monkeypatch.setattr(Murmure, name, original)
        for task in stuck:
            task.cancel()


async def _left_thinking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dc: DiscordEmulator, clock: FixedClock, text: str
) -> PendingInteraction:
    """A /secret form submitted with ``text`` to a process that stops before its core answers it."""
    await populate(dc)
    async with running_discord(tmp_path, monkeypatch, dc, clock=clock) as d:
        await set_up_server(d)
        with _stuck(monkeypatch, "text"):
            submitted = await _submitted(dc, text)
            assert _kept_answers(tmp_path / "murmure.db") == 1  # kept before the deferral
            stored = _kept_rows(tmp_path / "murmure.db")
            # neither what was written nor who wrote it, nor the interaction's id (it dates the submission)
            secret = (text, str(uid("alice")), str(submitted.id))
            assert not any(part in value for value in stored for part in secret)
    assert not (submitted.original().content or "")  # still "thinking…"
    return submitted


@asynccontextmanager
async def _restarted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dc: DiscordEmulator, clock: FixedClock
) -> AsyncIterator[Discord]:
    """The next process, once the kept answers are due."""
    async with running_discord(tmp_path, monkeypatch, dc, clock=clock) as d:
        clock.advance(seconds=PENDING_ANSWER_AFTER.total_seconds() + 1)
        yield d


async def test_a_form_left_thinking_by_a_stopped_process_is_previewed_by_the_next_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FixedClock()
    text = "What I wrote as it stopped."
    async with DiscordEmulator() as dc:
        submitted = await _left_thinking(tmp_path, monkeypatch, dc, clock, text)
        async with _restarted(tmp_path, monkeypatch, dc, clock) as d:
            await dc.wait_until(lambda: _offers_post(submitted.original()), within=10)
            preview = submitted.original()
            assert text in (preview.content or "") and LOST not in (preview.content or "")
            assert preview.flags & 64  # as private as the answer it stands for
            assert _kept_answers(tmp_path / "murmure.db") == 0
            await d.click("alice", preview, "Post")  # the draft is the member's: Post takes it
            await d.until(GENERAL, re.escape(text))


async def test_a_reply_form_left_waiting_by_a_stopped_process_is_previewed_by_the_next_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FixedClock()
    reply = "My reply, written as it stopped."
    async with DiscordEmulator() as dc:
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc, clock=clock) as d:
            await set_up_server(d)
            card = await d.post("alice", "A card to reply to.")
            opened = await dc.user_clicks(uid("bob"), card, d.custom_id(card, "Reply"))
            assert (await opened.response())["type"] == 9
            with _stuck(monkeypatch, "write"):
                submitted = await dc.user_submits_modal(uid("bob"), opened, {TEXT_ID: reply})
                assert (await submitted.response())["type"] == DEFERRED_UPDATE  # the card may be edited
                assert _kept_answers(tmp_path / "murmure.db") == 1
        async with running_discord(tmp_path, monkeypatch, dc, clock=clock) as d:
            clock.advance(seconds=PENDING_ANSWER_AFTER.total_seconds() + 1)
            await dc.wait_until(lambda: any(_offers_post(m) for m in submitted.followups()), within=10)
            preview = next(m for m in submitted.followups() if _offers_post(m))
            assert reply in (preview.content or "")
            await d.click("bob", preview, "Post")
            # the reply goes in the card's thread (its id is the card's)
            await dc.wait_until(
                lambda: any(reply in (m.content or "") for m in dc.messages(card.id)), within=8
            )


async def test_a_form_kept_past_its_interactions_time_is_previewed_in_the_members_dm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FixedClock()
    text = "Written long before the restart."
    async with DiscordEmulator(token_ttl=1.0) as dc:  # loosened: the 15 minutes of Discord in 1 s
        submitted = await _left_thinking(tmp_path, monkeypatch, dc, clock, text)
        await asyncio.sleep(1.1)  # the interaction's follow-up no longer opens
        async with _restarted(tmp_path, monkeypatch, dc, clock) as d:
            preview = await d.dm_until("alice", re.escape(text))
            assert _offers_post(preview)
            assert not (submitted.original().content or "")
            await d.click("alice", preview, "Post")
            await d.until(GENERAL, re.escape(text))


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


async def test_a_form_kept_that_can_be_shown_nowhere_leaves_its_draft_and_no_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FixedClock()
    async with DiscordEmulator(token_ttl=1.0) as dc:  # loosened: the 15 minutes of Discord in 1 s
        await _left_thinking(tmp_path, monkeypatch, dc, clock, "Nowhere to show it.")
        dc.users[uid("alice")].dms_open = False
        await asyncio.sleep(1.1)  # the interaction's follow-up no longer opens
        async with _restarted(tmp_path, monkeypatch, dc, clock):
            await dc.wait_until(lambda: _kept_answers(tmp_path / "murmure.db") == 0, within=10)
            assert _drafts(tmp_path / "murmure.db") == ["Nowhere to show it."]  # swept when stale
        assert dc.dm_channel_id(uid("alice")) is None or not dc.messages(dc.dm_channel_id(uid("alice")))


def _drafts(database: Path) -> list[str]:
    with closing(sqlite3.connect(database)) as db:
        return [str(row[0]) for row in db.execute("SELECT text FROM drafts")]


async def test_a_kept_answer_stays_put_while_the_process_still_works_on_the_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FixedClock()
    text = Murmure.text
    release = asyncio.Event()

    async def slower_than_the_kept_answer(self: Murmure, actor: Actor, raw: str) -> list[Response]:
        await release.wait()  # the process lives on, at work on it past PENDING_ANSWER_AFTER
        return await text(self, actor, raw)

    monkeypatch.setattr(discord_client, "STILL_WORKING_EVERY", 0.1)
    async with set_up_discord(tmp_path, monkeypatch, clock) as d:
        monkeypatch.setattr(Murmure, "text", slower_than_the_kept_answer)
        submitted = await _submitted(d.dc, "Slow, and still at work.")
        for _ in range(4):  # a minute of the bot's clock, the outbox polling meanwhile
            clock.advance(seconds=PENDING_ANSWER_AFTER.total_seconds() / 2)
            await asyncio.sleep(0.6)
        assert submitted.followups() == [] and not (submitted.original().content or "")
        release.set()
        await d.dc.wait_until(lambda: "Preview" in (submitted.original().content or ""), within=8)
        await d.dc.wait_until(lambda: _kept_answers(tmp_path / "murmure.db") == 0, within=8)
        assert submitted.followups() == []


async def test_a_form_whose_process_stops_before_acknowledging_it_is_previewed_in_the_dm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FixedClock()
    text = "Written just as it stopped, before any answer."
    async with DiscordEmulator() as dc:
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc, clock=clock) as d:
            await set_up_server(d)
            with _stuck(monkeypatch, "text"):
                opened = await dc.user_runs_command(uid("alice"), GUILD, GENERAL, "secret")
                assert (await opened.response())["type"] == 9
                submitted = await dc.user_submits_modal(uid("alice"), opened, {TEXT_ID: text})
                await dc.wait_until(lambda: _kept_answers(tmp_path / "murmure.db") == 1, within=0.8)
        assert not submitted.acknowledged  # stopped within its first second: Discord got no answer
        async with _restarted(tmp_path, monkeypatch, dc, clock) as d:
            preview = await d.dm_until("alice", re.escape(text))  # its follow-up never opened
            assert _offers_post(preview)
            await d.click("alice", preview, "Post")
            await d.until(GENERAL, re.escape(text))
