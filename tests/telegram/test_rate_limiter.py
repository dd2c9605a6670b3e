"""The adapter's rate limiter with the real python-telegram-bot against the emulator's exact limits.

Both sides' group window is shrunk from 60 s to 1 s (and the group limit to 5) so that the test lasts
seconds; the rule is the same: at most N messages in any window, counted when they arrive."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import ExtBot

from adapters.telegram.rate_limit import CATCH_UP, TelegramRateLimiter, _Overall
from storage.coordination import SqlCoordination
from storage.database import SqlDatabase
from storage.tables import SendSlotRow
from tests.conftest import migrated, sql_url
from tests.emulators.telegram import TelegramEmulator

A, B, MEMBER = -1001, -1002, 42
PER_WINDOW, WINDOW = 5, 1.0


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB warns about ``RetryAfter.retry_after``'s coming type unless opted in (as the harness does)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


async def groups(tg: TelegramEmulator) -> None:
    tg.add_user(MEMBER, "Member")
    for chat_id in (A, B):
        tg.add_group(chat_id, f"group {chat_id}", members=[MEMBER], admins=[MEMBER])
        await tg.add_bot_to_group(chat_id, MEMBER, admin=True)


def limited(tg: TelegramEmulator) -> ExtBot[int]:
    limiter = TelegramRateLimiter(group_per_minute=PER_WINDOW, group_period=WINDOW)
    return ExtBot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url, rate_limiter=limiter)


async def test_a_busy_group_gets_no_429_and_delays_no_other_group() -> None:
    async with TelegramEmulator() as tg:
        # looser in time only (a 1 s window for 5, not 60 s for 20) so the test lasts seconds; same rule
        tg.limit_rates(per_group_per_minute=PER_WINDOW, group_window=WINDOW)  # seconds, not a minute
        await groups(tg)
        async with limited(tg) as bot:
            started = time.monotonic()
            busy = [asyncio.create_task(bot.send_message(A, f"a{n}")) for n in range(3 * PER_WINDOW)]
            await asyncio.sleep(0.05)
            await bot.send_message(B, "b")
            other_group = time.monotonic() - started
            await asyncio.gather(*busy)
            took = time.monotonic() - started
    assert [c.status for c in tg.calls("sendMessage")] == [200] * (3 * PER_WINDOW + 1)
    assert other_group < 0.5, other_group
    assert took >= 2 * WINDOW, took  # three windows' worth: the third batch waited for two windows
    assert sorted(m.text or "" for m in tg.bot_messages(A)) == sorted(f"a{n}" for n in range(3 * PER_WINDOW))


async def test_a_retry_after_pauses_only_the_chat_that_got_it() -> None:
    async with TelegramEmulator() as tg:
        await groups(tg)
        async with limited(tg) as bot:
            tg.flood("sendMessage", times=1, retry_after=1)
            started = time.monotonic()
            in_a = asyncio.create_task(bot.send_message(A, "a"))
            await asyncio.sleep(0.05)  # A's first try got the 429
            await bot.send_message(B, "b")
            other_group = time.monotonic() - started
            await in_a
            paused = time.monotonic() - started
    assert other_group < 0.5, other_group
    assert paused >= 1.0, paused
    assert [c.status for c in tg.calls("sendMessage")] == [429, 200, 200]


async def test_a_retry_after_on_one_press_s_answer_holds_back_no_other_press() -> None:
    """answerCallbackQuery names no chat: a flood wait on one press's answer pauses that press's answer only,
    not every member's spinner."""
    async with TelegramEmulator() as tg:
        await groups(tg)
        async with limited(tg) as bot:
            keys = InlineKeyboardMarkup([[InlineKeyboardButton("tap", callback_data="tap")]])
            sent = await bot.send_message(A, "tap me", reply_markup=keys)
            message = {"chat": {"id": A}, "message_id": sent.message_id}
            first, second = [
                (await tg.user_clicks(MEMBER, message, "tap"))["callback_query"]["id"] for _ in "ab"
            ]
            tg.flood("answerCallbackQuery", times=1, retry_after=1)
            started = time.monotonic()
            flooded = asyncio.create_task(bot.answer_callback_query(first))
            await asyncio.sleep(0.05)  # the first press's answer got the 429
            await bot.answer_callback_query(second)
            other_press = time.monotonic() - started
            await flooded
            paused = time.monotonic() - started
    assert other_press < 0.5, other_press
    assert paused >= 1.0, paused
    assert [c.status for c in tg.calls("answerCallbackQuery")] == [429, 200, 200]


async def test_a_moment_when_telegram_counts_late_earns_no_429() -> None:
    """30 messages leave at once, then this process (with Telegram's emulator in it) stalls for 0.3 s, so
    Telegram counts them that much later than they left. A window counted from when messages leave lets
    the 31st go a second after the first left, 0.3 s too early for Telegram's exact window (30 in any
    second); counted from when their answers came back, none is refused, and the rest wait about a second
    from then."""
    async with TelegramEmulator(latency=0.05) as tg:  # Telegram's exact limits
        members = [MEMBER + n for n in range(45)]
        for member in members:
            tg.add_user(member, f"Member {member}").started = True
        async with ExtBot(tg.token, base_url=tg.base_url, rate_limiter=TelegramRateLimiter()) as bot:
            first = [asyncio.create_task(bot.send_message(m, "first")) for m in members[:30]]
            await asyncio.sleep(0.02)  # on their way
            time.sleep(0.3)  # noqa: ASYNC251 - the stall itself: nothing in this process runs meanwhile
            started = time.monotonic()
            await asyncio.gather(*first, *(bot.send_message(m, "then") for m in members[30:]))
            took = time.monotonic() - started
    assert [c.status for c in tg.calls("sendMessage")] == [200] * len(members)
    assert took < 2.5, took


@pytest.mark.postgres
async def test_two_processes_sending_for_one_bot_share_its_limits_through_the_database() -> None:
    """Two webhook workers each send 8 messages to one group at once: each alone would send 5 in the first
    window, 10 in all, and get 429s; counted over both through the database, none is refused."""
    async with migrated(sql_url("postgresql", Path())) as database:
        workers = [SqlCoordination(database.engine, b"k" * 32) for _ in range(2)]
        async with TelegramEmulator() as tg:
            # looser in time only (5 in a 1 s window, not 20 in 60 s) so the test lasts seconds; same rule
            tg.limit_rates(per_group_per_minute=PER_WINDOW, group_window=WINDOW)  # seconds, not a minute
            await groups(tg)
            bots = [limited(tg) for _ in workers]
            for bot, coordination in zip(bots, workers, strict=True):
                assert isinstance(bot.rate_limiter, TelegramRateLimiter)
                bot.rate_limiter.share(coordination, "bot")
            async with bots[0], bots[1]:
                started = time.monotonic()
                await asyncio.gather(
                    *(bot.send_message(A, f"{i}-{n}") for i, bot in enumerate(bots) for n in range(8))
                )
                took = time.monotonic() - started
    assert [c.status for c in tg.calls("sendMessage")] == [200] * 16
    assert took >= 3 * WINDOW - 0.1, took  # 16 messages, 5 a window: the last ones waited for three windows


async def test_the_outbox_s_pace_catches_up_after_a_message_sent_late() -> None:
    """The outbox's messages go one every 1/30 s; one that leaves late (the event loop was busy) is followed
    at once by the next ones until the schedule is kept again, never by more than ``CATCH_UP`` at once."""
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    async def send() -> float:
        slot = await overall.take(False, lambda: now[0], sleep)
        slot.counted_by = now[0]  # answered at once
        return now[0]

    overall = _Overall(30, 1.0, 0.0)
    on_time = [await send() for _ in range(3)]
    assert on_time == pytest.approx([0, 1 / 30, 2 / 30])
    now[0] += 0.05  # busy: the next one is asked for 0.05 s after it was due
    late = [await send() for _ in range(3)]
    assert late == pytest.approx([0.1 + 0.0167, 4 / 30, 5 / 30], abs=1e-3)  # back on the schedule
    now[0] += 1.0  # idle, then a burst: no more than CATCH_UP + 1 at once, then the pace
    started = now[0]
    burst = [await send() - started for _ in range(CATCH_UP + 3)]
    assert burst[: CATCH_UP + 1] == pytest.approx([0.0] * (CATCH_UP + 1))
    assert burst[CATCH_UP + 1 :] == pytest.approx([1 / 30, 2 / 30])


class SlowToMark(SqlCoordination):
    """Marks a send slot answered only once ``marked`` is set (a database slow to answer)."""

    def __init__(self, database: SqlDatabase) -> None:
        super().__init__(database.engine, b"k" * 32)
        self.marked = asyncio.Event()

    async def sent(self, slot: int) -> None:
        await self.marked.wait()
        await super().sent(slot)


async def test_an_answer_reaches_its_caller_before_its_send_slot_is_marked_in_the_database(
    tmp_path: Path,
) -> None:
    """A webhook worker's message counted over every process: its answer goes back to the caller at once (a
    card's recording follows, closing the send-to-commit window), not once the database has been told; the
    slot counts as in flight until then, and a stop waits for the mark."""
    async with migrated(sql_url("sqlite", tmp_path)) as database, TelegramEmulator() as tg:
        await groups(tg)
        coordination = SlowToMark(database)
        bot = limited(tg)
        assert isinstance(bot.rate_limiter, TelegramRateLimiter)
        bot.rate_limiter.share(coordination, "bot")
        async with bot:
            try:
                sent = await asyncio.wait_for(bot.send_message(A, "out"), 5)
                async with database.engine.connect() as connection:
                    ats = (await connection.execute(select(SendSlotRow.at))).scalars().all()
                # the bot's second and the group's minute: still counted as on their way (the safe side)
                in_flight = len(ats) == 2 and all(
                    at.replace(tzinfo=UTC) > datetime.now(UTC) + timedelta(seconds=20) for at in ats
                )
            finally:
                coordination.marked.set()  # a failure above must not leave the stop waiting for the mark
        async with database.engine.connect() as connection:
            marked = (await connection.execute(select(SendSlotRow.at))).scalars().all()
    assert sent.message_id
    assert in_flight
    # marked before the bot's shutdown returned
    assert len(marked) == 2 and all(at.replace(tzinfo=UTC) <= datetime.now(UTC) for at in marked)
