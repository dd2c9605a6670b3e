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


async def test_two_schedulers_send_each_member_one_digest_at_their_own_time(database: SqlDatabase) -> None:
    """Members in three time zones, two processes running the minute job over a whole day: each member's
    digest is produced once, at their chosen local time (issue 15, point 4)."""
    from bot.outbox import MemberDigest
    from bot.records import DigestAddress

    url = database.engine.url.render_as_string(hide_password=False)
    day = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    chosen = {
        "p" * 64: ("08:30", "Europe/Paris"),
        "n" * 64: ("07:00", "America/New_York"),
        "u" * 64: ("", ""),
    }
    async with database.unit_of_work() as uow:
        community = await uow.communities.add("test", "pub", "Public", CommunitySettings(public=True), day)
        secret = await uow.secrets.add(NewSecret(community_id=community.id, number=1, author_salt=b"s" * 16, author_tag="a" * 64, text="worth it", content_warning=False, status=SecretStatus.PUBLISHED, created_at=day + timedelta(minutes=1), author_locale="en", token=new_token(), collection="love"))  # fmt: skip
        await uow.secrets.add_points(secret.id, 3)
        for key, (at, zone) in chosen.items():
            await uow.preferences.set_subscription(key, "love", True)
            expiry = day + timedelta(days=7)
            address = (
                DigestAddress("test", b"sealed", "en", expiry, at, zone)
                if at
                else DigestAddress("test", b"sealed", "en", expiry)
            )
            await uow.digests.set_address(key, address)
        await uow.commit()
    clock = FixedClock(day)
    (one, db_one), (two, db_two) = scheduler_process(url, clock), scheduler_process(url, clock)
    produced_at: dict[str, list[datetime]] = {}
    seen: set[int] = set()
    try:
        # every ten minutes from 01:00 (yesterday's 19:00 UTC digest is past its 6 hours of catching up) to
        # the end of the day, both processes at once
        for minute in range(60, 24 * 60, 10):
            clock.current = day + timedelta(minutes=minute, seconds=5)
            await asyncio.gather(one.run_due_digests(), two.run_due_digests())
            async with database.unit_of_work() as uow:
                entries = await uow.outbox.claim_due(clock.current + timedelta(days=2), 1000, clock.current)
            for entry in entries:
                if isinstance(entry.message, MemberDigest) and entry.id not in seen:
                    seen.add(entry.id)
                    produced_at.setdefault(entry.message.author_key, []).append(clock.current)
    finally:
        await db_one.dispose()
        await db_two.dispose()
    assert {key: [when.strftime("%H:%M") for when in times] for key, times in produced_at.items()} == {
        "p" * 64: ["07:30"],  # 08:30 in Paris in November (UTC+1)
        "n" * 64: ["12:00"],  # 07:00 in New York (UTC-5)
        "u" * 64: ["19:00"],  # never chose: 19:00 UTC
    }
