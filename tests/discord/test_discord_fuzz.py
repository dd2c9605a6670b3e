"""Seeded junk through the real discord.py client (issue 16, point 3): no crash, no internal error, every
interaction answered, nothing in the logs that names a member or quotes them (discord.py's own loggers at
DEBUG included), and the bot still answers afterwards. ``benchmarks/fuzz_bench.py --platform discord``
runs ten thousand."""

from __future__ import annotations

import contextlib
import logging
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.discord.fuzz import add_elsewhere, fuzz
from tests.discord.harness import (
    GENERAL,
    GUILD,
    USERS,
    Discord,
    populate,
    running_discord,
    set_up_server,
    uid,
)
from tests.emulators.discord import DiscordEmulator

UPDATES = 300
INTERNAL = ("use case failed", "Ignoring exception", "Traceback", "discord update failed")
WENT_WRONG = ("Something went wrong", "Un problème est survenu")


def said_by_bot(d: Discord) -> list[str]:
    channels = {m.channel_id for m in d.dc._messages.values()}
    return [
        (m.content or "") + " ".join(str(e.get("description", "")) for e in m.embeds)
        for channel in channels
        for m in d.dc.messages(channel)
        if m.author_id == d.dc.bot_id
    ]


class ProcessLog(logging.Handler):
    """What the process's own log shows: the records reaching the root logger's handlers. (pytest's caplog
    also hooks every logger that doesn't propagate, so it sees discord.py's records before they are
    rewritten: not what a log file of the process holds.)"""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(logging.Formatter("%(name)s %(message)s").format(record))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@contextlib.contextmanager
def process_log() -> Iterator[ProcessLog]:
    handler = ProcessLog()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


def leaks(log: str, texts: list[str]) -> list[str]:
    """What of the members' ids, names and writing the log holds."""
    found = [
        str(value)
        for user_id, username, display in USERS.values()
        for value in (user_id, username, display)
        if str(value) in log
    ]
    return found + [text[:40] for text in texts if len(text.strip()) >= 12 and text.strip() in log]


async def test_three_hundred_junk_events_cause_no_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with DiscordEmulator() as dc, contextlib.AsyncExitStack() as stack:
        log = stack.enter_context(process_log())
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            # discord.py's loggers at their most talkative: they may say nothing of an event's content
            monkeypatch.setattr(logging.getLogger("discord"), "level", logging.DEBUG)
            await set_up_server(d)
            await add_elsewhere(d)
            await d.post("alice", "A card to press on.")
            outcome = await fuzz(d, random.Random(16), UPDATES, give_up_after=5)
            await dc.user_sends_dm(uid("bob"), "Still listening after the junk?")
            await d.dm_until("bob", "Still listening after the junk")
            said = said_by_bot(d)
    records = [r for r in caplog.records if r.name.startswith(("discord", "adapters", "bot", "murmure"))]
    failures = [r.getMessage() for r in records if any(k in r.getMessage() for k in INTERNAL)]
    errors = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    assert outcome.interactions > 150 and outcome.raw > 5
    assert not failures, failures[:5]
    assert not errors, errors[:5]
    assert not outcome.unanswered, outcome.unanswered[:10]
    assert not [s for s in said if any(w in s for w in WENT_WRONG)]
    assert not leaks(log.text, outcome.texts)


async def test_an_event_discord_py_cant_read_is_skipped_and_named_nowhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A DM whose dispatch lacks what discord.py indexes (an older or broken gateway): it used to raise out of
    the read loop, and the bot heard nothing more, silently."""
    caplog.set_level(logging.DEBUG)
    user_id, username, display = USERS["carol"]
    async with DiscordEmulator() as dc, contextlib.AsyncExitStack() as stack:
        log = stack.enter_context(process_log())
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            monkeypatch.setattr(logging.getLogger("discord"), "level", logging.DEBUG)
            await dc.user_sends_dm(uid("carol"), "Opening my DM first.")
            channel = await d.dm_until("carol", "Opening my DM first")
            author = {"id": str(user_id), "username": username, "global_name": display}  # no discriminator
            await dc.dispatch_raw(
                "MESSAGE_CREATE",
                {
                    "id": "1",
                    "channel_id": str(channel.channel_id),
                    "author": author,
                    "content": "Carol's words",
                },
            )
            await dc.user_sends_dm(uid("carol"), "Heard after the broken one?")
            await d.dm_until("carol", "Heard after the broken one")
            pressed = await dc.user_runs_command(uid("bob"), GUILD, GENERAL, "help")
            await pressed.response()
    skipped = [r.getMessage() for r in caplog.records if "can't read was skipped" in r.getMessage()]
    assert len(skipped) == 1 and skipped[0].startswith("discord: a MESSAGE_CREATE event")
    assert not leaks(log.text, ["Carol's words"])
