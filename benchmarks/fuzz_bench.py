"""Junk updates through the real Telegram and Discord adapters against the emulators, counted (issue 16,
point 3).

    python benchmarks/fuzz_bench.py [--platform telegram|discord|both] [--updates 10000] [--seed 16]

The suite runs 300 of the same on each (tests/telegram/test_telegram_fuzz.py,
tests/discord/test_discord_fuzz.py). Prints, per platform, how many updates were sent, how many crashes
(the client stopped listening: 20 interactions in a row unanswered, where the run gives up, or no answer
at the end), how many internal errors were logged (a use case or a handler failing), how
many members were told "Something went wrong", how many presses or interactions went unanswered, how many
updates the library couldn't read and skipped, whether the log names or quotes a member, whether the bot
still answered at the end, and how long it took.
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

from tests.discord import fuzz as discord_fuzz
from tests.discord.harness import GENERAL, GUILD, MODS, populate, running_discord
from tests.discord.test_discord_fuzz import WENT_WRONG, leaks, said_by_bot
from tests.emulators.discord import DiscordEmulator
from tests.telegram.fuzz import fuzz
from tests.telegram.harness import USERS as TELEGRAM_USERS
from tests.telegram.harness import post, running_telegram, setup_group, uid

INTERNAL = (
    "use case failed",
    "telegram update failed",
    "an update failed",
    "Ignoring exception",
    "discord update failed",
)


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


class Everything(logging.Handler):
    """Every record, at every level, as the process's log would show it (for the grep)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        # when and from where, for reading a late answer in the log written with --log
        self.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def telegram_leaks(log: str, texts: list[str]) -> list[str]:
    """What of the members' ids, first names, usernames and writing the log holds."""
    found = [
        str(value)
        for user_id, first_name, username in TELEGRAM_USERS.values()
        for value in (user_id, first_name, username)
        if str(value) in log
    ]
    return found + [text[:40] for text in texts if len(text.strip()) >= 12 and text.strip() in log]


async def telegram(updates: int, seed: int) -> None:
    counter, everything = Count(), Everything()
    for handler in (counter, everything):
        logging.getLogger().addHandler(handler)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        async with running_telegram(Path(folder), patch) as t:
            # the library's loggers at their most talkative: they may say nothing of an update's content
            patch.setattr(logging.getLogger("telegram"), "level", logging.DEBUG)
            patch.setattr(logging.getLogger("httpx"), "level", logging.DEBUG)
            # limits off: this measures 10,000 junk updates' handling, and rate limits have their own tests
            t.tg.limit_rates(per_group_per_minute=None, global_per_second=None)  # junk volume, not limits
            await setup_group(t)
            await post(t, "alice", "A card to press on.")
            await fuzz(t, random.Random(seed), updates)
            await t.tg.wait_updates_consumed(within=600)
            await t.tg.wait_until(lambda: not t.tg.unanswered_callback_queries(), within=60)
            await t.dm("bob", "Still listening after the junk?")
            await t.until(uid("bob"), "Still listening after the junk", within=30)
            said = [m.text or "" for chat in t.tg.chats for m in t.tg.bot_messages(chat)]
            written = [m.text or "" for chat in t.tg.chats for m in t.tg.messages(chat) if not m.from_bot]
            unanswered = len(t.tg.unanswered_callback_queries())
    for handler in (counter, everything):
        logging.getLogger().removeHandler(handler)
    found = telegram_leaks("\n".join(everything.lines), written)
    wrong = sum(1 for s in said if "Something went wrong" in s or "Un problème est survenu" in s)
    print("Telegram")
    print(f"updates sent           {updates} (seed {seed}) in {time.perf_counter() - started:.1f} s")
    print("crashes                0 (answered afterwards: yes)")
    print(f"internal errors logged {len(counter.internal)}")
    print(f"members told 'went wrong' {wrong}")
    print(f"presses unanswered     {unanswered}")
    print(f"unreadable, skipped    {counter.skipped}")
    print(f"log lines (all levels) {len(everything.lines)}, naming or quoting a member: {len(found)}")
    for line in counter.internal[:10] + found[:10]:
        print("  ", line)


async def discord(updates: int, seed: int, log: Path | None = None) -> None:
    counter, everything = Count(), Everything()
    for handler in (counter, everything):
        logging.getLogger().addHandler(handler)
    started = time.perf_counter()
    answered_after = "no"
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        async with DiscordEmulator() as dc:
            await populate(dc)
            async with running_discord(Path(folder), patch, dc, startup_within=120) as d:
                # discord.py at DEBUG: its records may say nothing of an event's content
                patch.setattr(logging.getLogger("discord"), "level", logging.DEBUG)
                setup = await dc.user_runs_command(
                    discord_fuzz.uid("mod"),
                    GUILD,
                    GENERAL,
                    "murmure",
                    subcommand="setup",
                    options={"moderators": MODS},
                )
                await setup.response()
                await d.until(GENERAL, "Murmure is here")
                await discord_fuzz.add_elsewhere(d)
                await d.post("alice", "A card to press on.")
                outcome = await discord_fuzz.fuzz(d, random.Random(seed), updates, give_up_after=20)
                await dc.user_sends_dm(discord_fuzz.uid("bob"), "Still listening after the junk?")
                try:
                    await d.dm_until("bob", "Still listening after the junk")
                    answered_after = "yes"
                except TimeoutError:
                    pass
                said = said_by_bot(d)
    for handler in (counter, everything):
        logging.getLogger().removeHandler(handler)
    crashed = answered_after == "no" or outcome.in_a_row >= 20
    wrong = sum(1 for s in said if any(w in s for w in WENT_WRONG))
    found = leaks("\n".join(everything.lines), outcome.texts)
    if log is not None:
        await asyncio.to_thread(log.write_text, "\n".join(everything.lines) + "\n", encoding="utf-8")
    print("Discord")
    print(
        f"updates sent           {outcome.interactions} interactions, {outcome.raw} unreadable dispatches, "
        f"the rest DMs, {outcome.sent} in all of {updates} asked (seed {seed}) in "
        f"{time.perf_counter() - started:.1f} s"
    )
    print(f"crashes                {int(crashed)} (answered afterwards: {answered_after})")
    print(f"internal errors logged {len(counter.internal)}")
    print(f"members told 'went wrong' {wrong}")
    print(f"interactions unanswered {len(outcome.unanswered)}")
    print(f"unreadable, skipped    {counter.skipped}")
    print(f"log lines (all levels) {len(everything.lines)}, naming or quoting a member: {len(found)}")
    for line in counter.internal[:10] + outcome.unanswered[:10] + found[:10]:
        print("  ", line)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--platform", choices=["telegram", "discord", "both"], default="both")
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--log", type=Path, help="write the Discord run's whole log to this file")
    args = parser.parse_args()
    logging.getLogger().setLevel(logging.DEBUG)
    for name in ("aiosqlite", "asyncpg", "sqlalchemy", "alembic", "apscheduler", "asyncio", "tzlocal"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if args.platform in ("telegram", "both"):
        await telegram(args.updates, args.seed)
    if args.platform in ("discord", "both"):
        await discord(args.updates, args.seed, args.log)


if __name__ == "__main__":
    asyncio.run(main())
