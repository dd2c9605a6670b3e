"""Answers to members retried when Telegram fails for a moment (5xx, a timeout): a preview, an
acknowledgement or a button's answer that the platform didn't take is sent again, quickly enough for a
button to be answered within Telegram's deadline. A bad request is not retried (it would fail the same
way); a flood wait is the rate limiter's.

An answer whose first try reached Telegram though its reply was lost may come twice: a second copy of a
private answer is the lesser harm than none. Cards, replies and digests go through the outbox, which has its
own retries and duplicate guards.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.logsafe import where

log = logging.getLogger(__name__)

T = TypeVar("T")
DELAYS = (0.1, 0.3, 0.9)  # seconds before each new try: four tries within about 1.3 s of waiting


def transient(error: BaseException) -> bool:
    """A failure worth another try now: the server or the network, not the request itself."""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest | RetryAfter)


async def retried(step: Callable[[], Awaitable[T]], delays: tuple[float, ...] = DELAYS) -> T:
    for delay in delays:
        try:
            return await step()
        except NetworkError as error:
            if not transient(error):
                raise
            log.info("telegram failed for a moment, trying again: %s", where(error))
        await asyncio.sleep(delay)
    return await step()
