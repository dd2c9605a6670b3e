"""The send-to-commit window of a card: from the platform's answer (the card is out) to the commit that
records it. A process killed inside it posts the card again once restarted (on Telegram, which has no
idempotency; Discord's enforced nonce returns the first message instead), so it is kept short.

    python benchmarks/send_commit_bench.py [--cards 200] [--groups 20] [--postgres URL] [--skip-postgres]

The real core, dispatcher and storage with a fake messenger that answers at once; every card's window is
measured as the time from ``send`` returning to the end of the commit writing its reference, while members
post alongside (their commits compete for the database) and with the cards written first. Prints p50, p95,
p99 and the maximum on SQLite and PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.delivery_bench import Bench, Messenger
from benchmarks.engines import drop_schema
from bot.messages import ChatTarget, OutgoingMessage
from storage.database import SqlDatabase
from storage.migrate import upgrade


class Answered(Messenger):
    """Notes when each send returned, by the reference it returned."""

    def __init__(self) -> None:
        super().__init__(0.0, {})
        self.returned: dict[str, float] = {}

    async def send(self, target: ChatTarget, message: OutgoingMessage) -> str:
        ref = await super().send(target, message)
        self.returned[ref] = time.perf_counter()
        return ref


class _Secrets:
    def __init__(self, inner: Any, refs: list[str]) -> None:
        self._inner, self._refs = inner, refs

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def card_out(self, secret_id: int, ref: str, *args: Any, **kwargs: Any) -> Any:
        self._refs.append(ref)
        return await self._inner.card_out(secret_id, ref, *args, **kwargs)


class _Uow:
    def __init__(self, inner: Any, committed: dict[str, float]) -> None:
        self._inner, self._committed = inner, committed
        self._refs: list[str] = []

    @property
    def secrets(self) -> _Secrets:  # there once the unit of work is entered
        return _Secrets(self._inner.secrets, self._refs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def __aenter__(self) -> _Uow:
        await self._inner.__aenter__()
        return self

    async def __aexit__(self, *exc: Any) -> Any:
        return await self._inner.__aexit__(*exc)

    async def commit(self) -> None:
        await self._inner.commit()
        for ref in self._refs:
            self._committed[ref] = time.perf_counter()


class Timed(SqlDatabase):
    """The database, noting when the commit writing each card's reference ended."""

    committed: dict[str, float]

    def unit_of_work(self) -> Any:
        return _Uow(super().unit_of_work(), self.committed)

    def recording(self) -> Any:  # where a card's reference is written, right after the send
        return _Uow(super().recording(), self.committed)


async def run(url: str, cards: int, groups: int, reset: bool, quiet: bool) -> None:
    database = Timed.from_url(url)
    database.committed = {}
    await upgrade(database.engine)
    messenger = Answered()
    bench = Bench(database, messenger)
    members = bench.directory.members

    async def reader_count(chat_ref: str) -> int:
        return len(members.get(chat_ref, set()))

    bench.directory.reader_count = reader_count  # type: ignore[attr-defined]
    stop = asyncio.Event()
    running = None if quiet else asyncio.create_task(bench.dispatcher.run_forever(stop))
    try:
        for group in range(groups):
            await bench.community(f"W{group}", cards // groups + 5)
        for n in range(cards):
            await bench.post(f"W{n % groups}", n // groups)
        if running is None:  # written first, then delivered: no member writes alongside
            running = asyncio.create_task(bench.dispatcher.run_forever(stop))
        deadline = time.perf_counter() + 300
        while len(database.committed) < cards and time.perf_counter() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        if running is not None:
            await running
        if reset:
            await drop_schema(database)
        await database.dispose()
    windows = sorted((database.committed[ref] - messenger.returned[ref]) * 1000 for ref in database.committed)

    def at(share: float) -> float:
        return windows[min(len(windows) - 1, round(share * (len(windows) - 1)))]

    engine = url.split(":", 1)[0].split("+", 1)[0]
    print(
        f"{engine:10s} {'delivered alone' if quiet else 'while members post'}: {len(windows)} cards:"
        f" p50 {statistics.median(windows):5.1f} ms"
        f"   p95 {at(0.95):5.1f} ms   p99 {at(0.99):5.1f} ms   max {windows[-1]:5.1f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cards", type=int, default=200)
    parser.add_argument("--groups", type=int, default=20)
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")  # emptied
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    print("send-to-commit window of a card (from the platform's answer to the commit recording it)")
    for quiet in (False, True):
        with tempfile.TemporaryDirectory() as folder:
            await run(f"sqlite+aiosqlite:///{folder}/window.db", args.cards, args.groups, False, quiet)
        if not args.skip_postgres:
            await run(args.postgres, args.cards, args.groups, True, quiet)


if __name__ == "__main__":
    asyncio.run(main())
