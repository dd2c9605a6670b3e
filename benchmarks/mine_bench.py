"""/mine and "is it mine?" over one million secrets, on SQLite and PostgreSQL, with scoped keys.

    python benchmarks/mine_bench.py [--secrets 1000000] [--postgres postgresql+asyncpg://postgres@127.0.0.1/test]

The database holds no lookup table of a person's secrets: /mine opens the member's sealed list (one row,
found by a locator derived from the person) and fetches those secrets; "is it mine?" recomputes the salted
tag of one secret. Both run through the router (Murmure), as a member's command and button would.

Prints the median and the 95th percentile of:
- /mine for a member with 50 secrets in their 3 communities (of 200), the first of the process (cold: the
  memory-hard derivation of the list's key is paid) and again (warm);
- "is it mine?": the delete button of one of the member's secrets (the secret fetched, its tag recomputed,
  the confirmation built), and the same button pressed by someone else (refused).
Goal: < 50 ms each.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text

from benchmarks.engines import drop_schema, on_both_engines
from bot import own_list
from bot.actions import AskDelete
from bot.actor import Actor
from bot.anonymity import Anonymizer, Sealer, new_salt
from bot.model import CommunitySettings, Token
from bot.service import Murmure
from storage.database import SqlDatabase
from storage.migrate import upgrade
from storage.tables import CommunityRow, OwnListRow, SecretRow
from tests.fakes import FakeDirectory, KeywordFilter
from tests.support import FixedClock

NOW = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)
COMMUNITIES = 200
MEMBERS = 30  # members measured, each with SECRETS_EACH secrets among the million
SECRETS_EACH = 50
SPAN = timedelta(days=60)
BATCH = 20_000
PLATFORM = "bench"
PEPPER = b"p" * 32


async def seed(database: SqlDatabase, secrets: int, anonymizer: Anonymizer) -> dict[str, list[int]]:
    """A million secrets of random authors, among them the measured members' (with their sealed lists)."""
    rng = random.Random(7)
    async with database.engine.begin() as connection:
        await connection.execute(
            insert(CommunityRow),
            [
                {
                    "platform": PLATFORM, "chat_ref": f"g{n}", "title": f"Group {n}", "active": True,
                    "locale": "en", "mode": "open", "report_threshold": 3, "min_members": 5,
                    "publication_delay_seconds": 0, "hold_new_authors": False, "max_secrets_per_day": 5,
                    "max_replies_per_hour": 20, "digest_time": "21:00", "timezone": "UTC", "public": False,
                    "collections": "love,work", "secret_count": 0, "created_at": NOW - SPAN,
                }
                for n in range(COMMUNITIES)
            ],
        )  # fmt: skip
    chosen = rng.sample(range(1, secrets + 1), MEMBERS * SECRETS_EACH)  # no secret has two authors
    theirs = {f"m{n}": sorted(chosen[n * SECRETS_EACH : (n + 1) * SECRETS_EACH]) for n in range(MEMBERS)}
    author_of = {secret_id: member for member, ids in theirs.items() for secret_id in ids}
    keys = {member: anonymizer.keys(PLATFORM, member) for member in theirs}
    home = {member: rng.sample(range(1, COMMUNITIES + 1), 3) for member in theirs}
    numbers = [0] * (COMMUNITIES + 1)
    for start in range(0, secrets, BATCH):
        rows = []
        for secret_id in range(start + 1, min(start + BATCH, secrets) + 1):
            member = author_of.get(secret_id)
            # a member writes in their own few communities
            community = home[member][secret_id % 3] if member else rng.randint(1, COMMUNITIES)
            numbers[community] += 1
            salt = new_salt() if member else rng.randbytes(16)
            tag = keys[member].author_tag(salt) if member else f"{rng.getrandbits(256):064x}"
            rows.append(
                {
                    "id": secret_id, "community_id": community, "number": numbers[community],
                    "author_salt": salt, "author_tag": tag, "token": token_of(secret_id),
                    "text": "A secret written for the benchmark, about as long as real ones are.",
                    "content_warning": False, "status": "published" if rng.random() > 0.05 else "hidden",
                    "created_at": NOW - SPAN + SPAN * (secret_id / secrets), "card_ref": str(secret_id),
                    "author_locale": "en", "collection": rng.choice([None, "love", "work"]),
                    "points": float(rng.randint(0, 30)),
                }
            )  # fmt: skip
        async with database.engine.begin() as connection:
            await connection.execute(insert(SecretRow), rows)
    lists = []
    for member, ids in theirs.items():
        locator, key = keys[member].own_list()
        lists.append({"locator": locator, "sealed": own_list.seal(ids, key, locator), "version": "v1"})
    async with database.engine.begin() as connection:
        await connection.execute(insert(OwnListRow), lists)
    return theirs


def token_of(secret_id: int) -> Token:
    """What buttons carry (random in the bot; unique here is enough)."""
    return Token(f"b{secret_id:019d}")


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


async def measure(database: SqlDatabase, theirs: dict[str, list[int]]) -> dict[str, list[float]]:
    # a fresh Anonymizer: no derived list key is cached yet, as in a process that just started
    service = Murmure(
        database, {PLATFORM: FakeDirectory()}, Anonymizer(PEPPER), Sealer(b"k" * 32), FixedClock(NOW),
        KeywordFilter(), CommunitySettings(),
    )  # fmt: skip
    found: dict[str, list[float]] = {"cold": [], "warm": [], "mine": [], "not mine": []}
    for member, ids in theirs.items():
        actor = Actor(PLATFORM, member, f"dm-{member}", "en")
        for kind in ("cold", "warm"):
            started = time.perf_counter()
            answer = await service.command(actor, "mine")
            found[kind].append(time.perf_counter() - started)
            assert len(answer) == 21, answer  # the title and the 20 latest
        started = time.perf_counter()
        answer = await service.press(actor, AskDelete(token_of(ids[-1])).encode())
        found["mine"].append(time.perf_counter() - started)
        assert "Delete" in repr(answer), answer
        stranger = Actor(PLATFORM, f"stranger-{member}", "dm-x", "en")
        started = time.perf_counter()
        answer = await service.press(stranger, AskDelete(token_of(ids[-1])).encode())
        found["not mine"].append(time.perf_counter() - started)
        assert "Delete" not in repr(answer), answer
    return found


async def bench(url: str, secrets: int, reset: bool) -> None:
    database = SqlDatabase.from_url(url)
    try:
        if reset:
            await drop_schema(database)
        await upgrade(database.engine)
        started = time.perf_counter()
        theirs = await seed(database, secrets, Anonymizer(PEPPER))
        seeded = time.perf_counter() - started
        if url.startswith("postgresql"):
            async with database.engine.begin() as connection:
                await connection.execute(text("ANALYZE"))
        found = await measure(database, theirs)
        engine = url.split("+")[0]
        print(
            f"{engine}: {secrets:,} secrets seeded in {seeded:.0f} s; {MEMBERS} members, {SECRETS_EACH} each"
        )
        print(f"  /mine, first of the process (list key derived): {_ms(found['cold'])}")
        print(f"  /mine again:                                    {_ms(found['warm'])}")
        print(f"  is it mine? (delete button, the author):        {_ms(found['mine'])}")
        print(f"  is it mine? (delete button, someone else):      {_ms(found['not mine'])}")
    finally:
        if reset:
            await drop_schema(database)
        await database.dispose()


if __name__ == "__main__":
    asyncio.run(on_both_engines(bench))
