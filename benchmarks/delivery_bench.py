"""Outbox delivery in-process: the real core, SQLite and dispatcher, with a fake messenger.

    python benchmarks/delivery_bench.py [--posts 40] [--burst 200] [--rtt-ms 0] [--busy-gap-ms 100]
        [--fanout 1000 --groups 50]

The messenger answers after ``--rtt-ms`` (the platform's round trip) and lets one message go out every
``--busy-gap-ms`` in the burst's group A (a stand-in for a per-chat limit the client enforces by waiting, as
PTB's limiter does). Prints:
- card latency: from the member's "Post" answered (the secret committed) to the card sent, p50 and p95;
- edit latency: from a reaction answered to the card edited;
- ``--fanout`` cards over ``--groups`` groups, written first and then delivered: cards per second;
- a burst of ``--burst`` cards into group A, then one card into group B: how long B's card waited, how long
  an edit in B waited, and how long A's burst took.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.actions import Post, React
from bot.actor import Actor
from bot.anonymity import Anonymizer, Sealer
from bot.clock import SystemClock
from bot.dispatch import Dispatcher
from bot.messages import Alert, ChatTarget, EditPressed, OutgoingMessage, Response, Say
from bot.model import CommunitySettings
from bot.moderation.pipeline import default_filter
from bot.service import Murmure
from storage.database import SqlDatabase
from storage.migrate import upgrade

PLATFORM = "bench"
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass
class Directory:
    members: dict[str, set[str]] = field(default_factory=dict)

    async def is_member(self, chat_ref: str, user_id: str) -> bool:
        return user_id in self.members.get(chat_ref, set())

    async def is_admin(self, chat_ref: str, user_id: str) -> bool:
        return False

    async def reader_count(self, chat_ref: str) -> int | None:
        return len(self.members.get(chat_ref, set()))

    async def joined_at(self, chat_ref: str, user_id: str) -> datetime | None:
        return LONG_AGO


class Messenger:
    """Records when each message reached the platform; one message every ``gaps[chat]`` seconds in a chat."""

    def __init__(self, rtt: float, gaps: dict[str, float]) -> None:
        self.rtt, self.gaps = rtt, gaps
        self.sent: dict[str, float] = {}  # first line of a card -> when it was sent
        self.edits: dict[str, list[float]] = {}  # message ref -> when it was edited
        self.refs: dict[str, str] = {}  # first line -> message ref
        self.messages: dict[str, OutgoingMessage] = {}  # first line -> the message (its buttons)
        self._next_slot: dict[str, float] = {}
        self._count = 0
        self.changed = asyncio.Event()

    async def _pace(self, chat_ref: str) -> None:
        now = time.perf_counter()
        slot = max(now, self._next_slot.get(chat_ref, now))
        self._next_slot[chat_ref] = slot + self.gaps.get(chat_ref, 0.0)
        await asyncio.sleep(slot - now + self.rtt)

    async def send(self, target: ChatTarget, message: OutgoingMessage) -> str:
        await self._pace(target.chat_ref)
        self._count += 1
        ref = str(self._count)
        number = re.match(r"#\d+", message.text.plain_text)
        head = number.group() if number else message.text.plain_text[:20]
        self.sent[f"{target.chat_ref}:{head}"] = time.perf_counter()
        self.refs[f"{target.chat_ref}:{head}"] = ref
        self.messages[f"{target.chat_ref}:{head}"] = message
        self.changed.set()
        return ref

    async def edit(self, target: ChatTarget, message_ref: str, message: OutgoingMessage) -> None:
        await self._pace(target.chat_ref)
        self.edits.setdefault(message_ref, []).append(time.perf_counter())
        self.changed.set()

    async def answer(self, *args: object, **kwargs: object) -> None:
        return None

    async def until(self, predicate: object, within: float = 120.0) -> float:
        """Waits until ``predicate()`` returns a time; returns it."""
        deadline = time.perf_counter() + within
        while True:
            found = predicate()  # type: ignore[operator]
            if found is not None:
                return float(found)
            self.changed.clear()
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError("the messenger never got it")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)


def post_button(responses: list[Response]) -> Post:
    for response in responses:
        if isinstance(response, Say | EditPressed):
            for row in response.message.buttons:
                for button in row:
                    if isinstance(button.action, Post):
                        return button.action
    raise AssertionError("no Post button")


class Bench:
    def __init__(self, database: SqlDatabase, messenger: Messenger) -> None:
        self.db, self.messenger = database, messenger
        self.directory = Directory()
        clock = SystemClock()
        sealer = Sealer(b"k" * 32)
        settings = CommunitySettings(max_secrets_per_day=1000, publication_delay_seconds=0)
        anonymizer = Anonymizer(b"p" * 32)
        directories = {PLATFORM: self.directory}
        self.service = Murmure(database, directories, anonymizer, sealer, clock, default_filter(), settings)
        self.dispatcher = Dispatcher(database, {PLATFORM: messenger}, sealer, clock)
        self.numbers: dict[str, int] = {}

    async def community(self, chat: str, members: int) -> None:
        self.directory.members[chat] = {f"{chat}-u{i}" for i in range(members)}
        await self.service.register_community(PLATFORM, chat, chat)

    async def post(self, chat: str, member: int) -> tuple[str, float]:
        """Posts a secret; returns its card's key and when the member was told it was accepted."""
        actor = Actor(PLATFORM, f"{chat}-u{member}", f"dm-{chat}-{member}", "en")
        preview = await self.service.text(actor, f"Benchmark secret {member} about nothing in particular.")
        await self.service.press(actor, post_button(preview).encode())
        accepted = time.perf_counter()
        self.numbers[chat] = self.numbers.get(chat, 0) + 1
        return f"{chat}:#{self.numbers[chat]}", accepted

    async def react(self, chat: str, member: int, key: str) -> float:
        """Taps the card's first reaction button; returns when the member was answered."""
        actor = Actor(PLATFORM, f"{chat}-u{member}", f"dm-{chat}-{member}", "en")
        buttons = [button for row in self.messenger.messages[key].buttons for button in row]
        react = next(button.action for button in buttons if isinstance(button.action, React))
        answer = await self.service.press(actor, react.encode())
        assert not any(isinstance(part, Alert) and "expired" in part.text for part in answer), answer
        return time.perf_counter()

    def card_sent(self, key: str) -> float | None:
        return self.messenger.sent.get(key)

    def edited_after(self, key: str, after: float) -> float | None:
        ref = self.messenger.refs.get(key)
        later = [t for t in self.messenger.edits.get(ref, []) if t >= after] if ref else []
        return min(later) if later else None


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"p50 {statistics.median(values) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   (n={len(values)})"


async def latency(bench: Bench, posts: int) -> None:
    await bench.community("g", posts + 5)
    card_waits, edit_waits, keys = [], [], []
    for member in range(posts):
        key, accepted = await bench.post("g", member)
        sent = await bench.messenger.until(lambda key=key: bench.card_sent(key))
        card_waits.append(sent - accepted)
        keys.append(key)
    for member, key in enumerate(keys):
        tapped = await bench.react("g", posts - 1 - member, key)
        edited = await bench.messenger.until(lambda key=key, tapped=tapped: bench.edited_after(key, tapped))
        edit_waits.append(edited - tapped)
    print(f"card latency   {ms(card_waits)}")
    print(f"edit latency   {ms(edit_waits)}")


async def burst(bench: Bench, cards: int) -> None:
    await bench.community("A", cards + 5)
    await bench.community("B", 10)
    started = time.perf_counter()
    last = ""
    for member in range(cards):
        last, _ = await bench.post("A", member)
    key, accepted = await bench.post("B", 0)
    sent = await bench.messenger.until(lambda: bench.card_sent(key))
    await asyncio.sleep(1.1)  # past the pace of edits to one card, so that only queueing is measured
    tapped = await bench.react("B", 1, key)
    edited = await bench.messenger.until(lambda: bench.edited_after(key, tapped))
    done = await bench.messenger.until(lambda: bench.card_sent(last), within=600)
    print(f"burst: group B's card waited {(sent - accepted) * 1000:7.1f} ms behind {cards} cards for group A")
    print(f"burst: an edit in group B waited {(edited - tapped) * 1000:7.1f} ms")
    print(f"burst: group A's {cards} cards took {done - started:5.1f} s from the first post")


async def fanout(database: SqlDatabase, rtt: float, cards: int, groups: int) -> None:
    """``cards`` over ``groups`` written while no dispatcher runs, then delivered: its throughput."""
    messenger = Messenger(rtt, {})
    bench = Bench(database, messenger)
    for group in range(groups):
        await bench.community(f"F{group}", cards // groups + 5)
    keys = [(await bench.post(f"F{n % groups}", n // groups))[0] for n in range(cards)]
    stop = asyncio.Event()
    started, cpu = time.perf_counter(), time.process_time()
    running = asyncio.create_task(bench.dispatcher.run_forever(stop))
    wanted = set(keys)

    def all_sent() -> float | None:
        times = [at for key, at in messenger.sent.items() if key in wanted]
        return max(times) if len(times) == len(wanted) else None

    done = await messenger.until(all_sent, 600)
    used = time.process_time() - cpu
    stop.set()
    await running
    print(
        f"fan-out: {cards} cards over {groups} groups delivered at {cards / (done - started):6.1f} cards/s,"
        f" {used / cards * 1000:5.1f} ms of CPU a card"
    )


async def main() -> None:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--posts", type=int, default=40)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--rtt-ms", type=float, default=0.0)
    parser.add_argument("--busy-gap-ms", type=float, default=100.0)
    parser.add_argument("--fanout", type=int, default=1000, help="cards over --groups, 0 for none")
    parser.add_argument("--groups", type=int, default=50)
    args = parser.parse_args()
    if args.fanout:
        with tempfile.TemporaryDirectory() as directory:
            database = SqlDatabase.from_url(f"sqlite+aiosqlite:///{directory}/fanout.db")
            await upgrade(database.engine)
            try:
                await fanout(database, args.rtt_ms / 1000, args.fanout, args.groups)
            finally:
                await database.dispose()
    with tempfile.TemporaryDirectory() as directory:
        database = SqlDatabase.from_url(f"sqlite+aiosqlite:///{directory}/bench.db")
        await upgrade(database.engine)
        messenger = Messenger(args.rtt_ms / 1000, {"A": args.busy_gap_ms / 1000})
        bench = Bench(database, messenger)
        stop = asyncio.Event()
        running = asyncio.create_task(bench.dispatcher.run_forever(stop))
        try:
            print(f"rtt {args.rtt_ms:g} ms, one message every {args.busy_gap_ms:g} ms in group A")
            if args.posts:
                await latency(bench, args.posts)
            if args.burst:
                await burst(bench, args.burst)
        finally:
            stop.set()
            await running
            await database.dispose()


if __name__ == "__main__":
    asyncio.run(main())
