"""Top-10 query and digest build over one million secrets in 200 communities, on SQLite and PostgreSQL.

    python benchmarks/feeds_bench.py [--secrets 1000000] [--postgres postgresql+asyncpg://postgres@127.0.0.1/test]

Prints the median time of the top-10 query for one community over the last 24 hours, and of building
that community's digest (the query, the ranking and the rendering). Goals: < 5 ms and < 50 ms.
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
from storage.database import SqlDatabase
from storage.migrate import upgrade
from storage.tables import CommunityRow, SecretRow

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
                    "content_warning": False, "status": "published" if rng.random() > 0.05 else "hidden",
                    "created_at": NOW - SPAN * rng.random(), "card_ref": str(rng.randint(1, 10**6)),
                    "author_locale": "en", "collection": rng.choice([None, "love", "work"]),
                    "points": float(rng.randint(0, 30)),
                }
            )  # fmt: skip
        async with database.engine.begin() as connection:
            await connection.execute(insert(SecretRow), rows)


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


async def bench(url: str, secrets: int, reset: bool) -> None:
    database = SqlDatabase.from_url(url)
    try:
        if reset:
            await drop_schema(database)
        await upgrade(database.engine)
        started = time.perf_counter()
        await seed(database, secrets)
        seeded = time.perf_counter() - started
        if url.startswith("postgresql"):
            async with database.engine.begin() as connection:
                await connection.execute(text("ANALYZE secrets"))
        query_ms, digest_ms = await measure(database)
        engine = url.split("+")[0]
        print(
            f"{engine}: {secrets:,} secrets seeded in {seeded:.0f} s; "
            f"top-10 of one community over 24 h: {query_ms:.2f} ms; one digest: {digest_ms:.2f} ms"
        )
    finally:
        if reset:
            await drop_schema(database)
        await database.dispose()


if __name__ == "__main__":
    asyncio.run(on_both_engines(bench))
