"""/export and /forget over one million secrets and replies, on SQLite and PostgreSQL.

    python benchmarks/forget_bench.py [--secrets 1000000] [--postgres URL] [--skip-postgres]

What a member's keys reach is found without any lookup table of a person: their latest secrets and the
threads they replied in through their two sealed lists, their replies there under their thread key,
recomputed. Seeds ``--secrets`` secrets with one
reply each (random authors), and MEMBERS members with SECRETS_EACH secrets and REPLIES_EACH replies among
them; then, through the router, as a member's command and buttons would:
- /export (the JSON file of what their keys reach);
- /forget, cut every tie (the confirmation press: found, re-keyed, person rows deleted);
- /forget, delete everything, for other members.
Prints the median and the largest of each. These run once per member, on request: no goal but to stay
within seconds (a long unit of work holds SQLite's write lock).
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
from bot.actions import Forget
from bot.actor import Actor
from bot.anonymity import Anonymizer, Sealer, new_salt
from bot.messages import Say
from bot.model import CommunitySettings
from bot.service import Murmure
from storage.database import SqlDatabase
from storage.migrate import upgrade
from storage.tables import CommunityRow, OwnListRow, ReplyRow, SecretRow
from tests.fakes import FakeDirectory, KeywordFilter
from tests.support import FixedClock

NOW = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)
COMMUNITIES = 200
MEMBERS = 6  # measured: two export, two cut every tie, two delete everything
SECRETS_EACH = 50
REPLIES_EACH = 20
SPAN = timedelta(days=60)
BATCH = 20_000
PLATFORM = "bench"
PEPPER = b"p" * 32


async def seed(database: SqlDatabase, secrets: int, anonymizer: Anonymizer) -> list[str]:
    rng = random.Random(11)
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
    members = [f"m{n}" for n in range(MEMBERS)]
    keys = {member: anonymizer.keys(PLATFORM, member) for member in members}
    chosen = rng.sample(range(1, secrets + 1), MEMBERS * (SECRETS_EACH + REPLIES_EACH))
    wrote = {m: sorted(chosen[n * SECRETS_EACH : (n + 1) * SECRETS_EACH]) for n, m in enumerate(members)}
    replied_at = chosen[MEMBERS * SECRETS_EACH :]  # each measured reply sits under another secret
    replier = {sid: members[n // REPLIES_EACH] for n, sid in enumerate(replied_at)}
    author_of = {sid: member for member, ids in wrote.items() for sid in ids}
    numbers = [0] * (COMMUNITIES + 1)
    for start in range(0, secrets, BATCH):
        secret_rows, reply_rows = [], []
        for secret_id in range(start + 1, min(start + BATCH, secrets) + 1):
            member = author_of.get(secret_id)
            community = rng.randint(1, COMMUNITIES)
            numbers[community] += 1
            salt = new_salt() if member else rng.randbytes(16)
            tag = keys[member].author_tag(salt) if member else f"{rng.getrandbits(256):064x}"
            at = NOW - SPAN + SPAN * (secret_id / secrets)
            secret_rows.append(
                {
                    "id": secret_id, "community_id": community, "number": numbers[community],
                    "author_salt": salt, "author_tag": tag, "token": f"s{secret_id:019d}",
                    "text": "A secret written for the benchmark, about as long as real ones are.",
                    "content_warning": False, "status": "published", "created_at": at,
                    "card_ref": str(secret_id), "author_locale": "en", "collection": None, "points": 1.0,
                }
            )  # fmt: skip
            who = replier.get(secret_id)
            thread_key = keys[who].thread(secret_id) if who else f"{rng.getrandbits(256):064x}"
            reply_rows.append(
                {
                    "id": secret_id, "secret_id": secret_id, "thread_key": thread_key,
                    "text": "A reply written for the benchmark.", "pseudonym": "Amber Fox",
                    "by_author": False, "created_at": at + timedelta(minutes=5),
                    "message_ref": f"r{secret_id}", "status": "published", "token": f"r{secret_id:019d}",
                }
            )  # fmt: skip
        async with database.engine.begin() as connection:
            await connection.execute(insert(SecretRow), secret_rows)
            await connection.execute(insert(ReplyRow), reply_rows)
    lists = []
    threads = {m: [sid for sid in replied_at if replier[sid] == m] for m in members}
    for member, ids in wrote.items():
        for (locator, key), listed in (
            (keys[member].own_list(), ids),
            (keys[member].own_threads(), threads[member]),
        ):
            lists.append({"locator": locator, "sealed": own_list.seal(listed, key, locator), "version": "v1"})
    async with database.engine.begin() as connection:
        await connection.execute(insert(OwnListRow), lists)
    return members


def _ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:.0f} ms, max {max(samples) * 1000:.0f} ms"


async def measure(database: SqlDatabase, members: list[str]) -> dict[str, list[float]]:
    service = Murmure(
        database, {PLATFORM: FakeDirectory()}, Anonymizer(PEPPER), Sealer(b"k" * 32), FixedClock(NOW),
        KeywordFilter(), CommunitySettings(),
    )  # fmt: skip
    found: dict[str, list[float]] = {"export": [], "cut": [], "erase": []}
    for index, member in enumerate(members):
        actor = Actor(PLATFORM, member, f"dm-{member}", "en")
        await service.command(actor, "mine")  # the list key derived once, as any earlier event would
        started = time.perf_counter()
        answer = await service.command(actor, "export")
        found["export"].append(time.perf_counter() - started)
        said = answer[0]
        assert isinstance(said, Say), answer
        assert said.message.document is not None, answer
        assert f"{SECRETS_EACH} secrets and {REPLIES_EACH} replies" in said.message.text.plain_text
        erase = index % 2 == 1
        started = time.perf_counter()
        answer = await service.press(actor, Forget(erase=erase, confirmed=True).encode())
        found["erase" if erase else "cut"].append(time.perf_counter() - started)
        assert f"{SECRETS_EACH} secrets and {REPLIES_EACH} replies" in repr(answer), answer
    return found


async def bench(url: str, secrets: int, reset: bool) -> None:
    database = SqlDatabase.from_url(url)
    try:
        if reset:
            await drop_schema(database)
        await upgrade(database.engine)
        started = time.perf_counter()
        members = await seed(database, secrets, Anonymizer(PEPPER))
        seeded = time.perf_counter() - started
        if url.startswith("postgresql"):
            async with database.engine.begin() as connection:
                await connection.execute(text("ANALYZE"))
        found = await measure(database, members)
        engine = url.split("+")[0]
        print(f"{engine}: {secrets:,} secrets and as many replies seeded in {seeded:.0f} s")
        print(f"  /export ({SECRETS_EACH} secrets, {REPLIES_EACH} replies):     {_ms(found['export'])}")
        print(f"  /forget, cut every tie (confirmed):   {_ms(found['cut'])}")
        print(f"  /forget, delete everything (confirmed): {_ms(found['erase'])}")
    finally:
        if reset:
            await drop_schema(database)
        await database.dispose()


if __name__ == "__main__":
    asyncio.run(on_both_engines(bench))
