"""Telegram's limits as Telegram counts them: sliding windows, and a RetryAfter that pauses only its chat.

Telegram refuses (429, ``retry_after``) a message past 20 in any 60 seconds in one group, or past 30 in any
second over all chats. python-telegram-bot's ``AIORateLimiter`` is a leaky bucket (20 at once, then one
every 3 s in a group), which runs past Telegram's window and earns 429s, and a RetryAfter there stops every
request of the bot. Here each limit is a sliding window of the messages sent; a group's messages go out in
the order they were asked, each once the group's window has room, then the overall window's; only messages
count (reads such as ``getChatMember`` never queue behind a busy group); and a RetryAfter (a flood wait)
holds back only what it came for: that chat's messages, or that read of that chat, or the answer to that
button press (``answerCallbackQuery``: one member's press, never every member's), or that method when the
request named neither, never every request of the bot.

Where in a message's trip Telegram counts it is not known here: not before it leaves this process (plus
``counted_after``, the least time a message takes to reach Telegram, when the operator knows one), not
after its answer is back. So a message leaves a window only ``period`` after its answer came back, less
``counted_after``: whatever a loaded machine or the network does to a trip, no message goes out that
Telegram's exact window would refuse, with no fixed margin to guess. The cost is one round trip a window:
30 messages in 1.05 s with 50 ms of round trip, unless ``counted_after`` says how much of it is the way
there. A message refused with a 429 was not counted: it leaves the window at once.

Several processes sending for one bot (webhook workers on one PostgreSQL database) count their messages in
the database as well (``share``): each message, once this process's windows let it go, also waits for a send
slot in the bot's window and its group's, kept in the database over every process (``bot.coordination``),
which counts it from when it is asked until its answer is back, then from its answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.coordination import AnsweredSlots, Coordination, Window, wait_for_send_slot

log = logging.getLogger(__name__)

# What Telegram counts as messages: against a group's 20 a minute and the bot's 30 a second.
MESSAGES = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendMediaGroup",
        "editMessageText",
        "editMessageCaption",
        "editMessageMedia",
        "editMessageReplyMarkup",
        "copyMessage",
        "forwardMessage",
        "deleteMessage",
    }
)
ANSWER_POLL = 0.005  # seconds between looks when a window waits for an answer still on its way
KEEP_CHATS = 1_024  # idle chats are forgotten past this many
FLOOD_MARGIN = 0.1  # seconds added to Telegram's retry_after, as PTB does
CATCH_UP = 3  # the outbox's messages that may follow a late one at once, to catch its pace up

Result = bool | dict[str, Any] | list[dict[str, Any]]
Sleep = Callable[[float], Awaitable[None]]

# Set while the outbox sends (``background``): what answers a member right now goes before it.
_BACKGROUND: ContextVar[bool] = ContextVar("telegram_background", default=False)


@contextmanager
def background() -> Iterator[None]:
    token = _BACKGROUND.set(True)
    try:
        yield
    finally:
        _BACKGROUND.reset(token)


class Slot:
    """One message in a window: counted by Telegram at the latest when its answer is back (``counted_by``;
    infinite while it is on its way)."""

    __slots__ = ("counted_by",)

    def __init__(self) -> None:
        self.counted_by = math.inf


class SlidingWindow:
    """At most ``limit`` messages counted by Telegram in any ``period`` seconds."""

    def __init__(self, limit: int, period: float, counted_after: float = 0.0) -> None:
        self.limit, self.period = limit, period
        self._counted_after = counted_after
        self._slots: deque[Slot] = deque()

    def wait(self, now: float) -> float | None:
        """Seconds until one more message fits (0: now; None: once an answer on its way is back). A message
        sent now is counted no sooner than ``now + counted_after``; it fits when fewer than ``limit`` messages
        may have been counted within ``period`` before that."""
        while self._slots and self._slots[0].counted_by <= now - self.period:
            self._slots.popleft()  # out of any window from now on
        if len(self._slots) < self.limit:
            return 0.0
        earliest = now + self._counted_after
        inside = sorted(slot.counted_by for slot in self._slots if slot.counted_by + self.period > earliest)
        if len(inside) < self.limit:
            return 0.0
        leaving = inside[len(inside) - self.limit]  # the one that must leave for this message to fit
        if leaving == math.inf:
            return None
        return leaving + self.period - earliest

    def take(self) -> Slot:
        slot = Slot()
        self._slots.append(slot)
        return slot

    def release(self, slot: Slot) -> None:
        """The message was refused (429): Telegram did not count it."""
        with contextlib.suppress(ValueError):
            self._slots.remove(slot)

    @property
    def empty(self) -> bool:
        return not self._slots


class _Overall:
    """The bot's messages in any second, shared by every chat. Answers to members go first; the outbox's
    go at the window's pace (one every ``period / limit``), so that in a long burst an answer waits for one
    message to leave the window, not for a whole second's worth. The pace is a schedule, not a gap after
    each send: the messages after one sent late follow at once until it is kept again (``CATCH_UP`` at
    most), so that a busy moment of the event loop does not leave the window's room unused for good."""

    def __init__(self, limit: int, period: float, counted_after: float) -> None:
        self.window = SlidingWindow(limit, period, counted_after)
        self.spacing = period / limit
        self.catch_up = CATCH_UP * self.spacing
        self._paced_until = 0.0  # when the outbox's pace allows its next message
        self._urgent_waiting = 0
        self._turns = {True: asyncio.Lock(), False: asyncio.Lock()}  # first come, first served in each

    async def take(self, urgent: bool, clock: Callable[[], float], sleep: Sleep) -> Slot:
        if urgent:
            self._urgent_waiting += 1
        try:
            async with self._turns[urgent]:
                while True:
                    now = clock()
                    wait = self.window.wait(now)
                    if wait is None:
                        await sleep(ANSWER_POLL)
                        continue
                    if not urgent:
                        wait = max(wait, self._paced_until - now)
                        if wait <= 0 and self._urgent_waiting:
                            wait = self.spacing / 4  # an answer to a member takes this one
                    if wait <= 0:
                        break
                    await sleep(wait)
                if not urgent:
                    self._paced_until = max(self._paced_until, now - self.catch_up) + self.spacing
                return self.window.take()
        finally:
            if urgent:
                self._urgent_waiting -= 1


@dataclass
class _Chat:
    window: SlidingWindow | None  # groups only: private chats have no per-chat window
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)  # its messages leave in the order asked
    paused_until: float = 0.0  # a RetryAfter received for this chat


def flood_seconds(error: RetryAfter) -> float:
    """A flood wait's seconds (``retry_after``)."""
    with warnings.catch_warnings():  # PTB 22 warns that it will be a timedelta: either is read
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        pause = error.retry_after
    return pause.total_seconds() if isinstance(pause, timedelta) else float(pause)


def _is_group(chat_id: object) -> bool:
    if isinstance(chat_id, str):
        try:
            chat_id = int(chat_id)
        except ValueError:
            return True  # "@channel": channels and supergroups only
    return isinstance(chat_id, int) and chat_id < 0


class TelegramRateLimiter(BaseRateLimiter[int]):
    def __init__(
        self,
        overall_per_second: int = 30,
        group_per_minute: int = 20,
        max_retries: int = 3,
        clock: Callable[[], float] = time.monotonic,
        group_period: float = 60.0,  # Telegram's minute; tests shrink it
        counted_after: float = 0.0,  # seconds a message takes at least to reach Telegram (0: unknown)
    ) -> None:
        self._group_per_minute = group_per_minute
        self._group_period = group_period
        self._counted_after = counted_after
        self._overall = _Overall(overall_per_second, 1.0, counted_after) if overall_per_second else None
        self._chats: dict[str, _Chat] = {}
        # flood waits of reads (per method and chat) and of requests naming no chat (per method)
        self._paused: dict[tuple[str, str], float] = {}
        self._max_retries = max_retries
        self._clock = clock
        self._closing = asyncio.Event()
        self._shared: tuple[Coordination, str] | None = None
        self._answered_slots: AnsweredSlots | None = None

    def share(self, coordination: Coordination, bot: str) -> None:
        """Counts messages over every process on ``coordination``'s database too; ``bot`` names the bot (a
        keyed hash of its token)."""
        self._shared = (coordination, bot)
        self._answered_slots = AnsweredSlots(coordination, "telegram")

    async def initialize(self) -> None:
        self._closing.clear()

    async def shutdown(self) -> None:
        self.stop_waiting()
        if self._answered_slots is not None:
            await self._answered_slots.settled()

    def stop_waiting(self) -> None:
        """Requests still waiting for a window fail now with RetryAfter (the process is stopping: what the
        outbox sends is sent again later, and a button's edit is not worth holding the stop for)."""
        self._closing.set()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        retries = rate_limit_args if rate_limit_args is not None else self._max_retries
        chat_id = data.get("chat_id")
        chat = self._chat(chat_id) if chat_id is not None else None
        message = chat is not None and endpoint in MESSAGES
        # what a flood wait holds back: that chat's, or else that button press's (one member's spinner), or
        # else that method's requests
        named = chat_id if chat_id is not None else data.get("callback_query_id")
        key = (endpoint, str(named) if named is not None else "")
        for attempt in range(retries + 1):
            taken: list[tuple[SlidingWindow, Slot]] = []
            shared = 0
            if message and chat is not None:
                taken, shared = await self._message_slot(chat_id, chat)
            else:
                await self._until(self._paused.get(key, 0.0))
            try:
                result = await callback(*args, **kwargs)
            except RetryAfter as error:
                for window, slot in taken:
                    window.release(slot)  # refused, so not counted
                self._shared_sent(shared)  # counted over every process all the same: the safe side
                seconds = flood_seconds(error) + FLOOD_MARGIN
                resume = self._clock() + seconds
                if message and chat is not None:
                    chat.paused_until = max(chat.paused_until, resume)
                else:
                    self._pause(key, resume)
                log.info("flood wait of %.1f s for one chat or method", seconds)
                if attempt >= retries:
                    raise
                continue
            except BaseException:
                self._answered(taken)  # it may have been counted before it failed
                self._shared_sent(shared)
                raise
            self._answered(taken)
            self._shared_sent(shared)  # marked in the background: the answer goes to its caller at once
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    async def _shared_slot(self, chat_id: object, chat: _Chat) -> int:
        """A send slot over every process (``share``): 0 when this process sends alone."""
        if self._shared is None:
            return 0
        coordination, bot = self._shared
        windows = []
        if self._overall is not None:
            windows.append(Window(f"tg:{bot}", self._overall.window.limit, self._overall.window.period))
        if chat.window is not None:
            key = f"tg:{bot}:{coordination.tag(str(chat_id))}"
            windows.append(Window(key, chat.window.limit, chat.window.period))
        if not windows:
            return 0
        return await wait_for_send_slot(coordination, windows, self._sleep)

    def _shared_sent(self, slot: int) -> None:
        if self._answered_slots is not None:
            self._answered_slots.answered(slot)

    def _answered(self, taken: list[tuple[SlidingWindow, Slot]]) -> None:
        back = self._clock()
        for _, slot in taken:
            slot.counted_by = back

    def _chat(self, chat_id: object) -> _Chat:
        key = str(chat_id)
        chat = self._chats.get(key)
        if chat is None:
            if len(self._chats) >= KEEP_CHATS:
                self._forget_idle()
            window = None
            if self._group_per_minute and _is_group(chat_id):
                window = SlidingWindow(self._group_per_minute, self._group_period, self._counted_after)
            chat = self._chats[key] = _Chat(window)
        return chat

    def _pause(self, key: tuple[str, str], until: float) -> None:
        if len(self._paused) >= KEEP_CHATS:
            now = self._clock()
            for past in [k for k, end in self._paused.items() if end <= now]:
                del self._paused[past]
        self._paused[key] = max(until, self._paused.get(key, until))

    def _forget_idle(self) -> None:
        now = self._clock()
        for key, chat in list(self._chats.items()):
            idle = not chat.turn.locked() and chat.paused_until <= now
            if idle and (chat.window is None or (chat.window.wait(now) == 0.0 and chat.window.empty)):
                del self._chats[key]

    async def _message_slot(
        self, chat_id: object, chat: _Chat
    ) -> tuple[list[tuple[SlidingWindow, Slot]], int]:
        """Waits for this chat's turn, its pause, its window's room, then the overall window's, then
        (``share``) the send slot over every process; takes them all."""
        taken: list[tuple[SlidingWindow, Slot]] = []
        async with chat.turn:
            while True:
                now = self._clock()
                wait = chat.window.wait(now) if chat.window else 0.0
                wait = max(chat.paused_until - now, ANSWER_POLL if wait is None else wait)
                if wait <= 0:
                    break
                await self._sleep(wait)
            if self._overall is not None:
                taken.append(
                    (
                        self._overall.window,
                        await self._overall.take(not _BACKGROUND.get(), self._clock, self._sleep),
                    )
                )
            if chat.window is not None:
                taken.append((chat.window, chat.window.take()))
            try:
                shared = await self._shared_slot(chat_id, chat)
            except BaseException:
                for window, slot in taken:
                    window.release(slot)  # never sent
                raise
        return taken, shared

    async def _until(self, moment: float) -> None:
        while (wait := moment - self._clock()) > 0:
            await self._sleep(wait)

    async def _sleep(self, seconds: float) -> None:
        if self._closing.is_set():
            raise RetryAfter(max(1, math.ceil(seconds)))
        try:
            await asyncio.wait_for(self._closing.wait(), seconds)
        except TimeoutError:
            return
        raise RetryAfter(max(1, math.ceil(seconds)))
