"""The engine per use case, in-process: the real core and storage, a directory that answers at once.

    python benchmarks/engine_bench.py [--posts 300] [--toggles 1000] [--concurrency 50]
        [--postgres URL] [--skip-postgres]

Prints, on SQLite and on PostgreSQL:
- posts a second at concurrency 1 (a member's text, its preview, then Post: the secret stored, numbered and
  its card queued), with the SQL statements one post costs (SELECT / INSERT / UPDATE / DELETE / WITH, a
  write that reads too / COMMIT);
- reaction toggles a second at concurrency 1 (a tap on a card's reaction), with the statements one costs;
- p50 and p95 of one use case when ``--concurrency`` members post or tap at once, each five times in a row
  (their next once the last was answered), and how many a second were answered meanwhile;
- a member's first DM (their preview) with 50 communities on their platform, each membership asked of a
  platform 50 ms away, and another member's DM sent meanwhile.
No dispatcher runs: what is measured is the members' side (the card goes out later, see delivery_bench).
The posts and taps go through the bot's own composition root (``murmure.bootstrap.build_app``, as
``murmure run`` builds it from a configuration file), with a platform directory that answers at once.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import collections
import hashlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, text

from benchmarks.engines import drop_schema
from bot.actions import Post, React
from bot.actor import Actor
from bot.anonymity import Anonymizer, Sealer
from bot.clock import SystemClock
from bot.messages import EditPressed, Response, Say
from bot.model import CommunitySettings, Reaction, Token
from bot.moderation.pipeline import default_filter
from bot.service import Murmure
from murmure.bootstrap import App, build_app
from murmure.config import load_config
from murmure.keys import PEPPER_ENV, SEALING_KEY_ENV
from storage.database import SqlDatabase

PLATFORM = "bench"
COUNTED = 20  # posts and toggles whose statements are counted, after the timed ones
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
COMMUNITIES = 5
ROUNDS = 5  # at concurrency 50: each member's posts (taps) in a row
WORDS = [
    "lamp",
    "river",
    "orange",
    "window",
    "garden",
    "thunder",
    "pencil",
    "violin",
    "harbour",
    "meadow",
    "candle",
    "puzzle",
    "mirror",
    "ticket",
    "biscuit",
    "ladder",
    "compass",
    "blanket",
    "lantern",
    "pepper",
    "saddle",
    "tunnel",
    "velvet",
    "walnut",
    "anchor",
    "basket",
    "cactus",
    "dolphin",
    "engine",
    "feather",
    "glacier",
    "hammock",
    "igloo",
    "jacket",
    "kettle",
    "lemon",
    "marble",
    "needle",
    "oyster",
    "parrot",
    "quartz",
    "ribbon",
    "scooter",
    "teapot",
    "umbrella",
    "vessel",
    "wagon",
    "yogurt",
    "zipper",
    "acorn",
    "bridge",
    "cherry",
    "desert",
    "falcon",
    "goblet",
    "hazel",
    "island",
    "jungle",
]


class Directory:
    """Everyone is a member since long ago; the platform answers at once."""

    async def is_member(self, chat_ref: str, user_id: str) -> bool:
        return user_id.startswith(chat_ref + "-")

    async def is_admin(self, chat_ref: str, user_id: str) -> bool:
        return False

    async def reader_count(self, chat_ref: str) -> int | None:
        return 100

    async def joined_at(self, chat_ref: str, user_id: str) -> datetime | None:
        return LONG_AGO


class Statements:
    """SQL statements sent, by their first word; heard only while counting (a listener on the engine's
    statements costs each of them CPU that the bot, which has none, does not spend: not in the timed runs)."""

    def __init__(self, database: SqlDatabase) -> None:
        self.counts: collections.Counter[str] = collections.Counter()
        self._engine = database.engine.sync_engine

    def _statement(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.counts[statement.split(None, 1)[0].upper()] += 1

    def _commit(self, conn: Any) -> None:
        self.counts["COMMIT"] += 1

    async def per(self, uses: int, use: Callable[[int], Awaitable[None]]) -> str:
        """The statements of ``use(n)`` for n in range(uses), one at a time, per use."""
        self.counts.clear()
        event.listen(self._engine, "before_cursor_execute", self._statement)
        event.listen(self._engine, "commit", self._commit)
        try:
            await timed(uses, use, 1)
        finally:
            event.remove(self._engine, "before_cursor_execute", self._statement)
            event.remove(self._engine, "commit", self._commit)
        kinds = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "COMMIT")  # WITH: writes that read too
        return ", ".join(f"{self.counts[k] / uses:.1f} {k}" for k in kinds if self.counts[k])


def text_for(n: int) -> str:
    """A secret of its own for each ``n`` (near-duplicates of a member's recent ones are refused)."""
    digest = hashlib.sha256(str(n).encode()).digest()
    a, b, c, d, e, f = (WORDS[byte % len(WORDS)] for byte in digest[:6])
    return f"I keep a {a} next to the {b}; my {c} and the {d} know why, the {e} and {f} never will."


def post_button(responses: list[Response]) -> Post:
    for response in responses:
        if isinstance(response, Say | EditPressed):
            for row in response.message.buttons:
                for button in row:
                    if isinstance(button.action, Post):
                        return button.action
    raise AssertionError(f"no Post button in {responses}")


# the configuration the bench's bot runs with: no publication delay (numbers given at Post), and a daily limit
# that lets each member post as often as the bench asks
CONFIG = "[community]\npublication_delay_seconds = 0\nmax_secrets_per_day = 1000\n"


async def built(url: str, directory: Path) -> App:
    """The bot as ``murmure run`` builds it, on ``url``, its filter built before the first text."""
    path = directory / "config.toml"
    path.write_text(f'[database]\nurl = "{url}"\n{CONFIG}', encoding="utf-8")
    os.environ[PEPPER_ENV] = base64.b64encode(b"p" * 32).decode()
    os.environ[SEALING_KEY_ENV] = base64.b64encode(b"k" * 32).decode()
    app = await build_app(load_config(path), {}, {PLATFORM: Directory()})
    app.ready()
    return app


class Bench:
    def __init__(self, app: App) -> None:
        self.service = app.service
        self.statements = Statements(app.database)
        self.db = app.database
        self.posted = 0

    async def setup(self) -> None:
        for c in range(COMMUNITIES):
            await self.service.register_community(PLATFORM, f"c{c}", f"Community {c}")

    def actor(self, n: int) -> Actor:
        """Member ``n`` of community ``n % COMMUNITIES``."""
        chat = f"c{n % COMMUNITIES}"
        return Actor(PLATFORM, f"{chat}-u{n}", f"dm-{n}", "en")

    async def post(self, n: int, member: int | None = None) -> None:
        """Secret ``n``, by member ``member`` (by default a member of their own)."""
        actor = self.actor(n if member is None else member)
        preview = await self.service.text(actor, text_for(n))
        answer = await self.service.press(actor, post_button(preview).encode())
        assert any("appear" in str(r) or "queued" in str(r) or "#" in str(r) for r in answer), answer
        self.posted += 1


async def timed(uses: int, use: Callable[[int], Awaitable[None]], concurrency: int) -> list[float]:
    """Runs ``use(n)`` for n in range(uses), ``concurrency`` at a time; each one's seconds, from the moment
    it arrived. Each event comes in through the event loop, as one read from the network does, behind the
    others already there: the clock starts before that, so the time it waits for the use cases ahead of it
    counts (a use case that never waits on anything would otherwise run a worker's events back to back,
    each timed alone, as if it had the bot to itself)."""
    durations: list[float] = []
    queue = iter(range(uses))

    async def worker() -> None:
        for n in queue:
            started = time.perf_counter()
            await asyncio.sleep(0)  # arrives: queued behind the events already there
            await use(n)
            durations.append(time.perf_counter() - started)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return durations


async def in_a_row(members: int, each: int, use: Callable[[int, int], Awaitable[None]]) -> list[float]:
    """``members`` members at once, member ``m`` running ``use(m, k)`` for k in range(each), one after the
    other (a member's next event comes once their last one was answered, as a person's does); each one's
    seconds, from the moment it arrived (as in ``timed``), in the order they ended."""
    durations: list[float] = []

    async def member(m: int) -> None:
        for k in range(each):
            started = time.perf_counter()
            await asyncio.sleep(0)  # arrives: queued behind the events already there
            await use(m, k)
            durations.append(time.perf_counter() - started)

    await asyncio.gather(*(member(m) for m in range(members)))
    return durations


def spread(durations: list[float]) -> str:
    ordered = sorted(durations)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000
    return f"p50 {statistics.median(ordered) * 1000:6.1f} ms   p95 {p95:6.1f} ms"


def rounds(durations: list[float], concurrency: int) -> str:
    """The spread of the rounds after the first (in the order they ended), then the first round's p95."""
    first = sorted(durations[:concurrency])
    p95 = first[round(0.95 * (len(first) - 1))] * 1000
    return f"{spread(durations[concurrency:])}   (first round p95 {p95:.0f} ms)"


async def run(engine: str, app: App, posts: int, toggles: int, concurrency: int) -> None:
    await first_dm(app.database, engine, 50, 0.05)
    bench = Bench(app)
    await bench.setup()
    await timed(20 + concurrency, bench.post, 1)  # warm (the filter, the pool); these members' first DMs
    started, cpu = time.perf_counter(), time.process_time()
    await timed(posts, lambda n: bench.post(1_000 + n, n % 20), 1)  # members who posted before (steady state)
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    per = await bench.statements.per(COUNTED, lambda n: bench.post(5_000 + n, n % 20))
    print(
        f"{engine:10} posts       {posts / took:7.0f}/s at concurrency 1 ({cpu / posts * 1000:.2f} ms of CPU "
        f"each)   per post: {per}"
    )

    taps = await tap_actions(bench, toggles + COUNTED)
    started, cpu = time.perf_counter(), time.process_time()
    await timed(toggles, lambda n: press(bench, taps[n]), 1)
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    per = await bench.statements.per(COUNTED, lambda n: press(bench, taps[toggles + n]))
    print(
        f"{engine:10} reactions   {toggles / took:7.0f}/s at concurrency 1 "
        f"({cpu / toggles * 1000:.2f} ms of CPU each)   per toggle: {per}"
    )

    # Sustained: ``concurrency`` members at once, each posting (tapping) five times in a row. The first round
    # opens the pool's connections and prepares their statements (PostgreSQL keeps 10 connections once quiet,
    # storage/lingering_pool.py), as a burst after a quiet time does; the next rounds are a running bot's
    # (its pool open): printed apart.
    started, cpu = time.perf_counter(), time.process_time()
    durations = await in_a_row(
        concurrency, ROUNDS, lambda m, k: bench.post(10_000 + k * concurrency + m, 20 + m)
    )
    took, each = time.perf_counter() - started, (time.process_time() - cpu) / len(durations) * 1000
    print(
        f"{engine:10} posts       {rounds(durations, concurrency)}   at concurrency {concurrency} "
        f"({each:.2f} ms of CPU each, {len(durations) / took:.0f}/s)"
    )
    rows = await taps_in_a_row(bench, concurrency, ROUNDS)
    started, cpu = time.perf_counter(), time.process_time()
    durations = await in_a_row(concurrency, ROUNDS, lambda m, k: press(bench, rows[m][k]))
    took, each = time.perf_counter() - started, (time.process_time() - cpu) / len(durations) * 1000
    print(
        f"{engine:10} reactions   {rounds(durations, concurrency)}   at concurrency {concurrency} "
        f"({each:.2f} ms of CPU each, {len(durations) / took:.0f}/s)"
    )


class SlowDirectory(Directory):
    """The platform ``rtt`` seconds away; a member belongs to the first three communities."""

    def __init__(self, rtt: float) -> None:
        self.rtt = rtt

    async def is_member(self, chat_ref: str, user_id: str) -> bool:
        await asyncio.sleep(self.rtt)
        return int(chat_ref[1:]) < 3


async def first_dm(database: SqlDatabase, engine: str, communities: int, rtt: float) -> None:
    """A member's first DM to a bot in ``communities`` communities of their platform, each membership asked
    of the platform (``rtt`` away), while a member known to the bot writes too."""
    settings = CommunitySettings(max_secrets_per_day=1000, publication_delay_seconds=0)
    service = Murmure(
        database,
        {"far": SlowDirectory(rtt)},
        Anonymizer(b"p" * 32),
        Sealer(b"k" * 32),
        SystemClock(),
        default_filter(),
        settings,
    )
    for c in range(communities):
        await service.register_community("far", f"f{c}", f"Far {c}")
    known = Actor("far", "known", "dm-known", "en")
    await service.text(known, text_for(1))
    firsts, others = [], []
    for n in range(20):
        newcomer = Actor("far", f"new{n}", f"dm-new{n}", "en")

        async def other(n: int = n) -> None:
            await asyncio.sleep(rtt / 2)
            started = time.perf_counter()
            await service.text(known, text_for(2 + n))
            others.append(time.perf_counter() - started)

        started = time.perf_counter()
        answer, _ = await asyncio.gather(service.text(newcomer, text_for(100 + n)), other())
        firsts.append(time.perf_counter() - started)
        post_button(answer)  # the preview, with the member's three communities
    print(
        f"{engine:10} first DM    {spread(firsts)}   {communities} communities, {rtt * 1000:g} ms round trip"
    )
    print(f"{engine:10} another member's DM meanwhile   {spread(others)}")


async def cards(bench: Bench) -> dict[int, list[str]]:
    """The tokens of the cards of each community (numbered as its chat: c0, c1...), the secrets queued sent
    out first, as the dispatcher would have them (none runs here)."""
    found: dict[int, list[str]] = collections.defaultdict(list)
    async with bench.db.engine.begin() as connection:
        out = (
            "UPDATE secrets SET status = 'published', card_ref = CAST(id AS VARCHAR) WHERE status = 'queued'"
        )
        await connection.execute(text(out))
        rows = await connection.execute(
            text("SELECT c.chat_ref, s.token FROM secrets s JOIN communities c ON c.id = s.community_id")
        )
        for chat_ref, token in rows:
            found[int(chat_ref[1:])].append(token)
    return found


def tap(bench: Bench, member: int, token: str) -> tuple[Actor, str]:
    return bench.actor(member), React(Token(token), Reaction.HEART).encode()


async def tap_actions(bench: Bench, count: int) -> list[tuple[Actor, str]]:
    """``count`` taps by different members on the cards of their community (each toggles a reaction)."""
    out = await cards(bench)
    taps = []
    for n in range(count):
        c = n % COMMUNITIES
        member = c + COMMUNITIES * (500_000 + n // 20)  # each member taps 4 cards, one after another
        taps.append(tap(bench, member, out[c][(n // COMMUNITIES) % 20]))
    return taps


async def taps_in_a_row(bench: Bench, members: int, each: int) -> list[list[tuple[Actor, str]]]:
    """For each of ``members`` members (of the communities in turn, none of ``tap_actions``), ``each`` taps
    on as many different cards of their community."""
    out = await cards(bench)
    taps = []
    for m in range(members):
        member = 700_000 + m  # (in community m % COMMUNITIES)
        c = member % COMMUNITIES
        taps.append([tap(bench, member, out[c][(m // COMMUNITIES + k) % 20]) for k in range(each)])
    return taps


async def press(bench: Bench, tap: tuple[Actor, str]) -> None:
    answer = await bench.service.press(*tap)
    assert any("added" in str(part) or "removed" in str(part) for part in answer), answer


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--toggles", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        if not args.skip_sqlite:
            app = await built(f"sqlite+aiosqlite:///{directory}/engine.db", Path(directory))
            try:
                await run("SQLite", app, args.posts, args.toggles, args.concurrency)
            finally:
                await app.close()
        if not args.skip_postgres:
            database = SqlDatabase.from_url(args.postgres)
            await drop_schema(database)
            await database.dispose()
            app = await built(args.postgres, Path(directory))
            try:
                await run("PostgreSQL", app, args.posts, args.toggles, args.concurrency)
            finally:
                await drop_schema(app.database)
                await app.close()


if __name__ == "__main__":
    asyncio.run(main())
