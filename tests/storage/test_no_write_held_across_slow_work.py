"""A use case never holds SQLite's one writer across slow work: a platform's round trip (membership, admins,
readers, join dates) or a text's scoring. Its transaction holds the writer from its first write to its
commit, and the recording of a card the platform just took (the commit closing the send-to-commit window,
in which a kill sends the card twice on Telegram) waits behind it: a membership written before the text was
scored held that commit for the scoring's length (hundreds of milliseconds on a loaded machine).

Each slow call of these flows blocks until a recording commits a write; it must commit at once. A use case
holding the writer keeps it until the call returns, so the recording would wait, and the test fails."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.charts import MatplotlibCharts
from bot.actions import Moderate, React, ReplyLink, Report, ReportLink, ToggleWarning
from bot.messages import Say
from bot.model import CommunitySettings, ModerationMode, ModOperation, Reaction, ReportReason, Token
from storage.database import SqlDatabase
from tests.conftest import migrated
from tests.core.harness import GROUP, Harness, post_action, text_of
from tests.fakes.platforms import FakeDirectory, KeywordFilter
from tests.pictures.photos import jpeg_with_gps

WAIT = 1.0  # a recording that waits this long waits for a use case holding the writer
STALE = 11  # minutes: past a membership's freshness, each event asks the platform again


class Probe:
    """Makes every slow call wait until a recording on ``database`` commits, and notes those that waited."""

    def __init__(self, database: SqlDatabase) -> None:
        self.database = database
        self.loop = asyncio.get_running_loop()
        self.calls: Counter[str] = Counter()
        self.waited: list[str] = []

    async def recording_commits(self, what: str) -> None:
        self.calls[what] += 1
        try:
            async with asyncio.timeout(WAIT):
                async with self.database.recording() as uow:
                    await uow.outbox.beat(datetime.now(UTC))  # a write, as a card's recording is
                    await uow.commit()
        except TimeoutError:
            self.waited.append(what)

    def from_thread(self, what: str) -> None:
        """From the scoring's worker thread: the loop is free meanwhile, as it is for the real scoring."""
        asyncio.run_coroutine_threadsafe(self.recording_commits(what), self.loop).result()


def _probing(monkeypatch: pytest.MonkeyPatch, probe: Probe) -> None:
    for name in ("is_member", "is_admin", "reader_count", "joined_at"):
        original = getattr(FakeDirectory, name)

        async def slow(self: FakeDirectory, *args: Any, _name: str = name, _original: Any = original) -> Any:
            await probe.recording_commits(_name)
            return await _original(self, *args)

        monkeypatch.setattr(FakeDirectory, name, slow)
    check = KeywordFilter.check

    def scored(self: KeywordFilter, *args: Any, **kwargs: Any) -> Any:
        probe.from_thread("scoring")
        return check(self, *args, **kwargs)

    monkeypatch.setattr(KeywordFilter, "check", scored)
    # every text scored in the worker thread, as a long one is (a short one is scored on the loop, which
    # nothing else can use meanwhile)
    monkeypatch.setattr(KeywordFilter, "ready", lambda self: False, raising=False)


async def _token(database: SqlDatabase, secret_id: int) -> Token:
    async with database.unit_of_work() as uow:
        secret = await uow.secrets.get(secret_id)
    assert secret is not None and secret.card_ref is not None
    return secret.token


async def test_no_use_case_holds_the_writer_across_a_platform_call_or_a_scoring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with migrated(f"sqlite+aiosqlite:///{tmp_path / 'murmure.db'}") as database:
        h = await Harness(database=database).setup()
        probe = Probe(database)
        _probing(monkeypatch, probe)

        preview = await h.service.text(h.actor("u1"), "A first secret: its author was never verified.")
        h.clock.advance(minutes=STALE)
        await h.press("u1", ToggleWarning(post_action(preview).draft))
        h.clock.advance(minutes=STALE)
        posted = await h.press("u1", post_action(preview))
        assert "Sent!" in text_of(posted), text_of(posted)
        token = await _token(database, 1)

        h.clock.advance(minutes=STALE)
        assert "Write your reply" in text_of(await h.service.start(h.actor("u2"), ReplyLink(token).encode()))
        h.clock.advance(minutes=STALE)
        reply = await h.service.text(h.actor("u2"), "A reply, scored after its writer was verified.")
        h.clock.advance(minutes=STALE)
        assert "posted" in text_of(await h.press("u2", post_action(reply)))

        h.clock.advance(minutes=STALE)
        await h.press("u3", React(token, Reaction.HEART))
        h.clock.advance(minutes=STALE)
        await h.service.start(h.actor("u4"), ReportLink(token).encode())
        await h.press("u4", Report(token, ReportReason.HARASSMENT))

        h.clock.advance(minutes=STALE)
        assert "Settings" in text_of(await h.service.settings(h.actor("u6"), GROUP))
        await h.service.sanction(h.actor("u6"), GROUP, "remove", "1")

        for slow in ("is_member", "is_admin", "reader_count", "joined_at", "scoring"):
            assert probe.calls[slow], f"{slow} was never called: the flows no longer reach it"
        assert probe.waited == [], f"a recording waited behind a use case during {probe.waited}"


async def test_a_held_secrets_moderator_decides_without_holding_the_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    review = CommunitySettings(publication_delay_seconds=0, mode=ModerationMode.REVIEW)  # every secret waits
    async with migrated(f"sqlite+aiosqlite:///{tmp_path / 'murmure.db'}") as database:
        h = await Harness(review, database=database).setup()
        await h.post("u1", "A secret that waits for its moderators.")
        async with database.unit_of_work() as uow:
            item = await uow.moderation.open_item_for(1)
        assert item is not None
        probe = Probe(database)
        _probing(monkeypatch, probe)
        h.clock.advance(minutes=STALE)
        await h.press("u6", Moderate(item.token, ModOperation.APPROVE))
        assert probe.calls["is_admin"]
        assert probe.waited == [], f"a recording waited behind a use case during {probe.waited}"


async def test_no_use_case_holds_the_writer_across_work_in_a_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A photo's re-encoding, a chart's drawing, a member's list keys' derivation and a text's scoring run in
    worker threads: each must start with no write of its use case's transaction uncommitted."""
    async with migrated(f"sqlite+aiosqlite:///{tmp_path / 'murmure.db'}") as database:
        h = await Harness(database=database, charts=MatplotlibCharts()).setup()
        probe = Probe(database)
        to_thread = asyncio.to_thread

        async def probed(function: Any, /, *args: Any, **kwargs: Any) -> Any:
            await probe.recording_commits(getattr(function, "__name__", "thread"))
            return await to_thread(function, *args, **kwargs)

        monkeypatch.setattr(asyncio, "to_thread", probed)
        photo = jpeg_with_gps((64, 48))
        h.clock.advance(minutes=STALE)
        preview = await h.service.picture(h.actor("u1"), photo, "A photo of the sea.", len(photo))
        h.clock.advance(minutes=STALE)
        assert "Sent" in text_of(await h.press("u1", post_action(preview)))  # (photos are held for review)
        h.clock.advance(minutes=STALE)
        await h.service.command(h.actor("u2"), "mine")
        h.clock.advance(minutes=STALE)
        assert any(isinstance(r, Say) for r in await h.service.sanction(h.actor("u6"), GROUP, "stats"))
        for slow in ("clean", "render", "own_list"):
            assert probe.calls[slow], (
                f"{slow} never ran in a thread: the flows no longer reach it ({probe.calls})"
            )
        assert probe.waited == [], f"a recording waited behind a use case during {probe.waited}"
