"""Updates handled side by side, except a member's own, which stay in the order Telegram gave them.

python-telegram-bot handles one update at a time by default: 50 members tapping one card would wait for
each other, and a press that waits ~15 s can no longer be answered. Here different members' updates run
at once (up to ``AT_ONCE``), while each member's (or, without one, each chat's) run one after the other,
the answer to one sent before the next starts. ``on_arrival`` hears of each update as it arrives, before it
waits for its turn (a button press must be answered within seconds, even behind its member's slow update).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

AT_ONCE = 64  # updates being handled at once, over all members
QUEUED = 4_096  # updates taken from Telegram and not finished, at most (then fetching waits)


def order_key(update: object) -> int | None:
    """Whose updates must stay in order: the member's, else the chat's (None: no order to keep)."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


class MemberOrderedUpdates(BaseUpdateProcessor):
    def __init__(self, at_once: int = AT_ONCE) -> None:
        super().__init__(QUEUED)
        self._working = asyncio.Semaphore(at_once)
        self._turns: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        self.on_arrival: Callable[[object], None] | None = None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if self.on_arrival is not None:
            self.on_arrival(update)
        key = order_key(update)
        if key is None:
            async with self._working:
                await coroutine
            return
        turn = self._turns.get(key)
        if turn is None:
            turn = self._turns[key] = asyncio.Lock()
        # the member's turn first: a member's burst takes one working slot, not all of them
        async with turn, self._working:
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
