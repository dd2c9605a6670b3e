"""Feeds and the sweep over one million secrets in 200 communities, on SQLite and PostgreSQL.

    python benchmarks/feeds_bench.py [--secrets 1000000] [--postgres postgresql+asyncpg://postgres@127.0.0.1/test]
                                     [--skip-postgres] [--reuse FOLDER]

``--reuse FOLDER`` keeps the seeded databases between runs (seeding a million rows takes minutes): the
first run seeds them, later ones only measure. The sweep's first run erases what a fresh seed leaves to
erase, so a reused database's "first run" of the sweep is not the fresh one.

Prints the median time of the top-10 query for one community over the last 24 hours, and of building
that community's digest (the query, the ranking and the rendering). Goals: < 5 ms and < 50 ms.
Then a member's ``/latest`` page (the query a page of it sends) for a member of 10 communities, without and
with two topics followed in 20 public communities, first page and fifth; and the hourly sweep over that
table (5 % of the secrets removed, a week of return addresses). Goals: < 10 ms, < 20 ms, sweep < 20 ms.
Each figure: the median of many runs (warm), and the first run (cold, after the seeding).
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
from bot import digests, ranking, render
from bot.messages import MessageLink
from bot.records import FeedQuery, PublicCommunity
from bot.usecases import communities
from bot.usecases.context import Services
from storage.database import SqlDatabase
from storage.migrate import upgrade
from storage.tables import CommunityRow, ReturnAddressRow, SecretRow

NOW = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)
COMMUNITIES = 200
SPAN = timedelta(days=60)
BATCH = 20_000


async def seed(database: SqlDatabase, secrets: int) -> None:
    rng = random.Random(7)
    async with database.engine.begin() as connection:
        await connection.execute(
            insert(CommunityRow),
            [
                {
                    "platform": "bench", "chat_ref": f"g{n}", "title": f"Group {n}", "active": True,
                    "locale": "en", "mode": "open", "report_threshold": 3, "min_members": 5,
                    "publication_delay_seconds": 0, "hold_new_authors": False, "max_secrets_per_day": 5,
                    "max_replies_per_hour": 20, "digest_time": "21:00", "timezone": "UTC", "public": False,
                    "collections": "love,work", "secret_count": 0, "created_at": NOW - SPAN,
                }
                for n in range(COMMUNITIES)
            ],
        )  # fmt: skip
    numbers = [0] * (COMMUNITIES + 1)
    for start in range(0, secrets, BATCH):
        rows = []
        for _ in range(min(BATCH, secrets - start)):
            community = rng.randint(1, COMMUNITIES)
            numbers[community] += 1
            rows.append(
                {
                    "community_id": community, "number": numbers[community],
                    "author_salt": rng.randbytes(16), "author_tag": f"{rng.getrandbits(256):064x}",
                    "token": f"f{start + len(rows):019d}",
                    "text": "A secret written for the benchmark, about as long as real ones are.",
                    "content_warning": False, "status": status(rng.random()),
                    "created_at": (created := NOW - SPAN * rng.random()),
                    "published_at": created + timedelta(minutes=rng.randint(1, 15)),
                    "card_ref": str(rng.randint(1, 10**6)),
                    "author_locale": "en", "collection": rng.choice([None, "love", "work"]),
                    "points": float(rng.randint(0, 30)),
                }
            )  # fmt: skip
        async with database.engine.begin() as connection:
            await connection.execute(insert(SecretRow), rows)
    # a week of sealed return addresses (each erased once used or after 7 days): a few thousand a day
    addresses = [
        {"secret_id": n, "sealed": rng.randbytes(60), "expires_at": NOW + timedelta(days=7) * rng.random()}
        for n in range(1, min(secrets, 30_000) + 1)
    ]
    async with database.engine.begin() as connection:
        await connection.execute(insert(ReturnAddressRow), addresses)


def status(draw: float) -> str:
    return "published" if draw > 0.05 else "hidden" if draw > 0.025 else "removed"


async def measure(database: SqlDatabase, runs: int = 50) -> tuple[float, float]:
    queries, builds = [], []
    for run in range(runs):
        community_id = 1 + run % COMMUNITIES
        started = time.perf_counter()
        async with database.unit_of_work() as uow:
            pool = await uow.feeds.top_since(community_id, NOW - timedelta(hours=24), 100)
        ranking.by_hotness(pool, NOW)[:10]
        queries.append(time.perf_counter() - started)
        started = time.perf_counter()
        async with database.unit_of_work() as uow:
            pool = await uow.feeds.top_since(community_id, NOW - digests.DIGEST_WINDOW, 100)
        chosen = digests.pick(list(pool), NOW)
        render.digest("en", "Group", [(s, MessageLink("-100123", s.card_ref or "1")) for s in chosen])
        builds.append(time.perf_counter() - started)
    return statistics.median(queries) * 1000, statistics.median(builds) * 1000


MINE = list(range(1, 11))  # the member's ten communities
PUBLIC = [PublicCommunity(c, NOW - SPAN) for c in range(100, 120)]  # twenty sharing their topics


async def latest(database: SqlDatabase, topics: bool, page: int, runs: int = 50) -> tuple[float, float]:
    """(first run, median) in ms of one ``/latest`` page's query."""
    took = []
    query = FeedQuery(
        community_ids=MINE,
        collections=["love", "work"] if topics else [],
        public=PUBLIC if topics else [],
        offset=page * 5,
        limit=6,
    )
    for _ in range(runs):
        started = time.perf_counter()
        async with database.unit_of_work() as uow:
            found = await uow.feeds.page(query)
        took.append(time.perf_counter() - started)
        assert len(found) == 6
    return took[0] * 1000, statistics.median(took) * 1000


async def sweep(database: SqlDatabase, runs: int = 15) -> tuple[float, float]:
    """(first run, median) in ms of the hourly sweep's statements (what the scheduler runs each hour, as
    ``Murmure.sweep`` runs them, without the SQLite checkpoint)."""

    class Clock:
        def now(self) -> datetime:
            return NOW

    class NoSealer:
        rotating = False

    services = Services({}, None, NoSealer(), Clock(), None)  # type: ignore[arg-type]
    took = []
    for _ in range(runs):
        started = time.perf_counter()
        async with database.unit_of_work() as uow:
            await communities.sweep(uow, services)
            await uow.commit()
        while True:  # as Murmure.sweep: the removed texts a batch per unit of work
            async with database.unit_of_work() as uow:
                batch = await communities.erase_removed(uow, services)
                await uow.commit()
            if batch == 0:
                break
        took.append(time.perf_counter() - started)
    return took[0] * 1000, statistics.median(took) * 1000


async def bench(url: str, secrets: int, reset: bool) -> None:
    database = SqlDatabase.from_url(url)
    try:
        if reset:
            await drop_schema(database)
        await upgrade(database.engine)
        started = time.perf_counter()
        async with database.engine.connect() as connection:
            present = (await connection.execute(text("SELECT count(*) FROM secrets"))).scalar_one()
        if present != secrets:
            if present:
                await drop_schema(database)
                await upgrade(database.engine)
            await seed(database, secrets)
        seeded = time.perf_counter() - started
        if url.startswith("postgresql"):
            # as autovacuum leaves a table that has been written to: statistics, and a visibility map that
            # lets index-only scans skip the table
            async with database.engine.connect() as connection:
                autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await autocommit.execute(text("VACUUM ANALYZE secrets"))
        engine = url.split("+")[0]
        for name, topics, page in (
            ("/latest, 10 communities", False, 0),
            ("/latest, 10 communities, page 5", False, 4),
            ("/latest, 10 communities and 2 topics", True, 0),
            ("/latest, 10 communities and 2 topics, page 5", True, 4),
        ):
            cold, warm = await latest(database, topics, page)
            print(f"{engine}: {name}: {warm:.2f} ms (first run {cold:.2f} ms)")
        cold, warm = await sweep(database)
        print(f"{engine}: the sweep: {warm:.2f} ms (first run {cold:.2f} ms)")
        query_ms, digest_ms = await measure(database)
        how = "reused" if present == secrets else "seeded"
        print(
            f"{engine}: {secrets:,} secrets {how} in {seeded:.0f} s; "
            f"top-10 of one community over 24 h: {query_ms:.2f} ms; one digest: {digest_ms:.2f} ms"
        )
    finally:
        if reset:
            await drop_schema(database)
        await database.dispose()


if __name__ == "__main__":
    asyncio.run(on_both_engines(bench, reusable=True))
