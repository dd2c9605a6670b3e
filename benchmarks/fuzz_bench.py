"""Junk updates through the real Telegram adapter against the emulator, counted (issue 16, point 3).

    python benchmarks/fuzz_bench.py [--updates 10000] [--seed 16]

The suite runs 300 of the same (tests/telegram/test_telegram_fuzz.py). Prints how many updates were sent,
how many internal errors were logged (a use case or a handler failing), how many members were told
"Something went wrong", how many presses went unanswered, whether the bot still answered at the end, and
how long it took.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import sys
import tempfile
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.telegram.fuzz import fuzz
from tests.telegram.harness import post, running_telegram, setup_group, uid

INTERNAL = ("use case failed", "telegram update failed", "an update failed")


class Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.internal: list[str] = []
        self.skipped = 0

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if any(marker in text for marker in INTERNAL):
            self.internal.append(text)
        if "can't read was skipped" in text:
            self.skipped += 1


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    counter = Count()
    logging.getLogger().addHandler(counter)
    logging.getLogger().setLevel(logging.WARNING)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        async with running_telegram(Path(folder), patch) as t:
            # limits off: this measures 10,000 junk updates' handling, and rate limits have their own tests
            t.tg.limit_rates(per_group_per_minute=None, global_per_second=None)
            await setup_group(t)
            await post(t, "alice", "A card to press on.")
            await fuzz(t, random.Random(args.seed), args.updates)
            await t.tg.wait_updates_consumed(within=600)
            await t.tg.wait_until(lambda: not t.tg.unanswered_callback_queries(), within=60)
            await t.dm("bob", "Still listening after the junk?")
            await t.until(uid("bob"), "Still listening after the junk", within=30)
            said = [m.text or "" for chat in t.tg.chats for m in t.tg.bot_messages(chat)]
            unanswered = len(t.tg.unanswered_callback_queries())
    wrong = sum(1 for s in said if "Something went wrong" in s or "Un problème est survenu" in s)
    print(
        f"updates sent           {args.updates} (seed {args.seed}) in {time.perf_counter() - started:.1f} s"
    )
    print(f"internal errors logged {len(counter.internal)}")
    print(f"members told 'went wrong' {wrong}")
    print(f"presses unanswered     {unanswered}")
    print(f"unreadable, skipped    {counter.skipped}")
    print("answered afterwards    yes")
    for line in counter.internal[:10]:
        print("  ", line)


if __name__ == "__main__":
    asyncio.run(main())
