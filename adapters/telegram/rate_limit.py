"""python-telegram-bot's rate limiter, with Telegram's per-group limit spent on messages only, and a flood
wait (429 ``retry_after``) that holds back only the chat it came for.

PTB's own ``AIORateLimiter`` pauses every request of the bot while it sleeps out one 429: a group's 45 s
flood wait froze every other chat, the members' previews and the button answers with it. Here the pause is
kept per chat and kind of request, so a group that Telegram holds back delays no other
chat; the overall and per-group rates still apply to everything.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Hashable
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

# What Telegram counts against a group's ~20 messages a minute. Reads such as getChatMember (asked at
# every moderator click) would otherwise queue behind card edits and make button answers time out.
GROUP_LIMITED = frozenset(
    {
        "sendMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "copyMessage",
        "forwardMessage",
        "deleteMessage",
    }
)
_NO_CHAT = "no chat"
FLOOD_MARGIN = 0.1  # seconds added to Telegram's retry_after, as PTB does
FLOODS_KEPT = 4_096  # pauses remembered at once; past ones are dropped first


def _retry_seconds(error: RetryAfter) -> float:
    # the private field: the public one warns unless PTB_TIMEDELTA is set (PTB's own loop reads it too)
    return error._retry_after.total_seconds()


class MessageRateLimiter(AIORateLimiter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._paused_until: dict[Hashable, float] = {}  # a chat (or no chat) -> loop time its wait ends

    async def _flood_wait(self, key: Hashable) -> None:
        loop = asyncio.get_running_loop()
        while (until := self._paused_until.get(key)) is not None:
            if until <= loop.time():
                self._paused_until.pop(key, None)
                return
            await asyncio.sleep(until - loop.time())

    def _pause(self, key: Hashable, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        if len(self._paused_until) >= FLOODS_KEPT:
            now = loop.time()
            for past in [k for k, until in self._paused_until.items() if until <= now]:
                del self._paused_until[past]
        until = loop.time() + seconds
        self._paused_until[key] = max(until, self._paused_until.get(key, until))

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = data.get("chat_id")
        # a group's flood wait on messages holds back its messages, not the reads about it (getChatMember
        # while a member posts), and a request naming no chat only those of its own method
        kind = "message" if endpoint in GROUP_LIMITED else endpoint
        key: Hashable = (kind, str(chat_id) if chat_id is not None else _NO_CHAT)
        limited = chat_id if endpoint in GROUP_LIMITED else None  # what the overall and group rates see
        with contextlib.suppress(ValueError, TypeError):
            limited = int(limited)  # type: ignore[arg-type]
        # as PTB: the overall rate for requests to a chat, the group rate for groups (negative ids)
        group: int | str | bool = (
            limited if isinstance(limited, str) or (isinstance(limited, int) and limited < 0) else False
        )
        paid = bool(data.get("allow_paid_broadcast", False))
        max_retries = rate_limit_args or self._max_retries
        attempt = 0
        while True:
            await self._flood_wait(key)
            try:
                return await self._run_request(limited is not None, group, paid, callback, args, kwargs)
            except RetryAfter as error:
                if attempt >= max_retries:
                    raise
                attempt += 1
                seconds = _retry_seconds(error) + FLOOD_MARGIN
                log.info("flood wait of %.1f s for one chat", seconds)
                self._pause(key, seconds)
