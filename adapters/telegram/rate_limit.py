"""Telegram's limits as Telegram counts them: sliding windows, and a RetryAfter that pauses only its chat.

Telegram refuses (429, ``retry_after``) a message past 20 in any 60 seconds in one group, or past 30 in any
second over all chats. python-telegram-bot's ``AIORateLimiter`` is a leaky bucket (20 at once, then one
every 3 s in a group), which runs past Telegram's window and earns 429s, and a RetryAfter there stops every
request of the bot. Here each limit is a sliding window of the moments messages were sent; a group's
messages go out in the order they were asked, each once the group's window has room, then the overall
window's; only messages count (reads such as ``getChatMember`` never queue behind a busy group); and a
RetryAfter (a flood wait) holds back only what it came for: that chat's messages, or that read of that chat,
or that method when the request named no chat, never every request of the bot.
"""

from __future__ import annotations

import asyncio
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
# Telegram counts a message when it arrives, this process when it leaves: a window is held a little longer
# than Telegram's, so that two messages' unequal trips never put one more in Telegram's window.
MARGIN_SECONDS = 0.03
GROUP_MARGIN_SECONDS = 0.5
KEEP_CHATS = 1_024  # idle chats are forgotten past this many
FLOOD_MARGIN = 0.1  # seconds added to Telegram's retry_after, as PTB does

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


class SlidingWindow:
    """At most ``limit`` events in any ``period`` seconds."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit, self.period = limit, period
        self._times: deque[float] = deque()

    def wait(self, now: float) -> float:
        """Seconds until one more event fits (0: now)."""
        while self._times and now - self._times[0] >= self.period:
            self._times.popleft()
        if len(self._times) < self.limit:
            return 0.0
        return self._times[0] + self.period - now

    def record(self, now: float) -> None:
        self._times.append(now)

    @property
    def empty(self) -> bool:
        return not self._times


class _Overall:
    """The bot's messages in any second, shared by every chat. Answers to members go first; the outbox's
    go at the window's pace, a window's worth at once at most, so that in a long burst an answer waits for
    one message to leave the window, not for a whole second's worth."""

    def __init__(self, limit: int, period: float) -> None:
        self.window = SlidingWindow(limit, period)
        self.spacing = period / limit
        self._tolerance = 0.0
        self._paced_until = 0.0  # when the outbox's pace allows its next message with no burst left
        self._urgent_waiting = 0
        self._turns = {True: asyncio.Lock(), False: asyncio.Lock()}  # first come, first served in each

    async def take(self, urgent: bool, clock: Callable[[], float], sleep: Sleep) -> None:
        if urgent:
            self._urgent_waiting += 1
        try:
            async with self._turns[urgent]:
                while True:
                    now = clock()
                    wait = self.window.wait(now)
                    if not urgent:
                        wait = max(wait, self._paced_until - self._tolerance - now)
                        if wait <= 0 and self._urgent_waiting:
                            wait = self.spacing / 4  # an answer to a member takes this one
                    if wait <= 0:
                        break
                    await sleep(wait)
                self.window.record(now)
                if not urgent:
                    self._paced_until = max(self._paced_until, now) + self.spacing
        finally:
            if urgent:
                self._urgent_waiting -= 1


@dataclass
class _Chat:
    window: SlidingWindow | None  # groups only: private chats have no per-chat window
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)  # its messages leave in the order asked
    paused_until: float = 0.0  # a RetryAfter received for this chat


def _seconds(error: RetryAfter) -> float:
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
    ) -> None:
        self._group_per_minute = group_per_minute
        self._group_period = group_period
        self._overall = _Overall(overall_per_second, 1.0 + MARGIN_SECONDS) if overall_per_second else None
        self._chats: dict[str, _Chat] = {}
        # flood waits of reads (per method and chat) and of requests naming no chat (per method)
        self._paused: dict[tuple[str, str], float] = {}
        self._max_retries = max_retries
        self._clock = clock
        self._closing = asyncio.Event()

    async def initialize(self) -> None:
        self._closing.clear()

    async def shutdown(self) -> None:
        self.stop_waiting()

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
        key = (endpoint, str(chat_id) if chat_id is not None else "")
        for attempt in range(retries + 1):
            if message and chat is not None:
                await self._message_slot(chat)
            else:
                await self._until(self._paused.get(key, 0.0))
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                seconds = _seconds(error) + FLOOD_MARGIN
                resume = self._clock() + seconds
                if message and chat is not None:
                    chat.paused_until = max(chat.paused_until, resume)
                else:
                    self._pause(key, resume)
                log.info("flood wait of %.1f s for one chat or method", seconds)
                if attempt >= retries:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _chat(self, chat_id: object) -> _Chat:
        key = str(chat_id)
        chat = self._chats.get(key)
        if chat is None:
            if len(self._chats) >= KEEP_CHATS:
                self._forget_idle()
            window = None
            if self._group_per_minute and _is_group(chat_id):
                window = SlidingWindow(self._group_per_minute, self._group_period + GROUP_MARGIN_SECONDS)
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

    async def _message_slot(self, chat: _Chat) -> None:
        """Waits for this chat's turn, its pause, its window's room, then the overall window's; takes both."""
        async with chat.turn:
            while True:
                now = self._clock()
                wait = max(chat.paused_until - now, chat.window.wait(now) if chat.window else 0.0)
                if wait <= 0:
                    break
                await self._sleep(wait)
            if self._overall is not None:
                await self._overall.take(not _BACKGROUND.get(), self._clock, self._sleep)
            if chat.window is not None:
                chat.window.record(self._clock())

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
