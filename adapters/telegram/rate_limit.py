"""python-telegram-bot's rate limiter, with Telegram's per-group limit spent on messages only."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter

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


class MessageRateLimiter(AIORateLimiter):
    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if endpoint not in GROUP_LIMITED:
            data = {key: value for key, value in data.items() if key != "chat_id"}
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
