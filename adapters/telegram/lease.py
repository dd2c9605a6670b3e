"""One long-polling process per Telegram bot: a lease in the shared database, renewed while it polls.

Telegram allows a single ``getUpdates`` caller per token; a second one makes both fail ("terminated by other
getUpdates request") and, between the failures, both handle updates (presses handled twice). So a poller
takes a lease named by a keyed hash of its token (never the token) before its first fetch, renews it every
``RENEW_EVERY`` and gives it back on stop. A process that finds it held waits to see whether its holder
renews it: a live poller is refused within about ``RENEW_EVERY`` (the process exits, saying why); a lease
left by a killed process ends within ``SECONDS``, and is then taken, at once when the dead process ran on
this machine (the holder's id names its machine by a keyed hash, and its process id).

Webhook workers (several may run behind one URL) hold the same lease together, under one shared holder id
(``WEBHOOK``), each renewing it and none giving it back (it runs out ``SECONDS`` after the last one stops): a
poller started beside them is refused (it would delete their webhook), and a worker started beside a poller
is refused too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from adapters.holders import Holder
from adapters.runtime import StartRefused
from bot.coordination import Coordination
from bot.logsafe import where

log = logging.getLogger(__name__)

SECONDS = 15.0  # a lease not renewed for this long is free
RENEW_EVERY = 3.0
ANOTHER_POLLER = (
    "another process already polls this bot's updates (Telegram allows one poller per token); stop it, or "
    'run several workers with telegram.mode = "webhook"'
)
WEBHOOK = "webhook"  # the holder id every webhook worker of a bot shares
WEBHOOK_WORKERS = (
    "webhook workers receive this bot's updates (telegram.mode = \"webhook\"); a poller can't run beside "
    "them: stop them, or run this process as one more webhook worker"
)
POLLER_RUNS = "a process polls this bot's updates; stop it before starting webhook workers"


class PollerLease:
    def __init__(
        self,
        coordination: Coordination,
        token: str,
        *,
        seconds: float = SECONDS,
        renew_every: float = RENEW_EVERY,
        webhook: bool = False,
    ) -> None:
        self._coordination = coordination
        self.name = f"telegram-poller:{coordination.tag(token)}"
        self._me = Holder(coordination)
        self._webhook = webhook
        self._holder = WEBHOOK if webhook else self._me.id
        self._seconds, self._renew_every = seconds, renew_every
        self._task: asyncio.Task[None] | None = None

    async def acquire(self) -> None:
        """Holds the lease, or raises ``StartRefused`` when a live process holds it."""
        held = await self._coordination.hold_lease(self.name, self._holder, self._seconds)
        while held is not None:
            if self._me.dead_here(held.holder):
                held = await self._coordination.hold_lease(
                    self.name, self._holder, self._seconds, replacing=held.holder
                )
                continue
            # held by a live poller (it renews within RENEW_EVERY) or by one that died elsewhere (it runs out)
            await asyncio.sleep(self._renew_every + 0.5)
            now_held = await self._coordination.hold_lease(self.name, self._holder, self._seconds)
            if now_held is not None and now_held.until != held.until:
                if self._webhook:
                    raise StartRefused("telegram", POLLER_RUNS)
                raise StartRefused(
                    "telegram", WEBHOOK_WORKERS if now_held.holder == WEBHOOK else ANOTHER_POLLER
                )
            held = now_held

    def keep(self, lost: Callable[[], None]) -> None:
        """Renews the lease until ``release``; calls ``lost`` if another process took it meanwhile."""
        self._task = asyncio.create_task(self._renew(lost))

    async def _renew(self, lost: Callable[[], None]) -> None:
        while True:
            await asyncio.sleep(self._renew_every)
            try:
                ends = await self._coordination.hold_lease(self.name, self._holder, self._seconds)
            except Exception as error:  # the database away for a moment: the lease lasts SECONDS
                log.warning("telegram: the poller's lease was not renewed: %s", where(error))
                continue
            if ends is not None:
                log.error("telegram: another process took this bot's polling over; this one stops polling")
                lost()
                return

    async def release(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._webhook:
            return  # the other workers still renew it; it runs out SECONDS after the last one stops
        try:
            await self._coordination.release_lease(self.name, self._holder)
        except Exception as error:
            log.warning("telegram: the poller's lease was not given back (it runs out): %s", where(error))
