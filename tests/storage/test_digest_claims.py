"""Two schedulers sharing one database produce one digest per community and period (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.anonymity import Anonymizer, Sealer, new_token
from bot.model import CommunitySettings, SecretStatus
from bot.outbox import CommunityDigest
from bot.records import NewSecret
from bot.service import Murmure
from storage.database import SqlDatabase
from tests.fakes import FakeDirectory, KeywordFilter
from tests.support import FixedClock

DIGEST_AT = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)


def scheduler_process(url: str, clock: FixedClock) -> tuple[Murmure, SqlDatabase]:
    """What one bot process has: its own engine on the shared database, the same keys."""
    database = SqlDatabase.from_url(url)
    service = Murmure(
        database, {"test": FakeDirectory()}, Anonymizer(b"p" * 32), Sealer(b"k" * 32), clock, KeywordFilter()
    )
    return service, database


async def _seed(database: SqlDatabase, communities: int) -> None:
    async with database.unit_of_work() as uow:
        for n in range(communities):
            community = await uow.communities.add(
                "test", f"g{n}", f"Group {n}", CommunitySettings(), DIGEST_AT
            )
            secret = await uow.secrets.add(NewSecret(community_id=community.id, number=1, author_salt=b"s" * 16, author_tag="a" * 64, text="worth it", content_warning=False, status=SecretStatus.PUBLISHED, created_at=DIGEST_AT - timedelta(hours=3), author_locale="en", token=new_token()))  # fmt: skip
            await uow.secrets.add_points(secret.id, 3)
        await uow.commit()


async def _digests(database: SqlDatabase) -> list[int]:
    async with database.unit_of_work() as uow:
        entries = await uow.outbox.claim_due(
            DIGEST_AT + timedelta(days=1), 1000, DIGEST_AT + timedelta(days=1)
        )
    return sorted(e.message.community_id for e in entries if isinstance(e.message, CommunityDigest))


async def test_two_schedulers_produce_exactly_one_digest_per_community(database: SqlDatabase) -> None:
    url = database.engine.url.render_as_string(hide_password=False)
    await _seed(database, communities=3)
    clock = FixedClock(DIGEST_AT + timedelta(seconds=5))
    (one, db_one), (two, db_two) = scheduler_process(url, clock), scheduler_process(url, clock)
    try:
        produced = []
        for _ in range(3):  # both run their minute job several times, at the same moments
            produced += await asyncio.gather(one.run_due_digests(), two.run_due_digests())
        assert sum(produced) == 3
        assert len(await _digests(database)) == 3
        assert len(set(await _digests(database))) == 3
    finally:
        await db_one.dispose()
        await db_two.dispose()


async def test_a_process_started_after_digest_time_catches_up_once(database: SqlDatabase) -> None:
    url = database.engine.url.render_as_string(hide_password=False)
    await _seed(database, communities=2)
    late = FixedClock(DIGEST_AT + timedelta(hours=2))
    first, db_first = scheduler_process(url, late)
    try:
        assert await first.run_due_digests() == 2
    finally:
        await db_first.dispose()
    restarted, db_restarted = scheduler_process(url, late)  # the process restarts: no second digest
    try:
        assert await restarted.run_due_digests() == 0
        assert len(await _digests(database)) == 2
    finally:
        await db_restarted.dispose()
