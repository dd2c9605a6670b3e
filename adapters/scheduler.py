"""APScheduler 3 jobs: the schedules are declared here, the deadlines live in our tables.

Each job is idempotent: digests are claimed by a unique row before they are built, so several processes
running the same jobs produce each digest once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.logsafe import where
from bot.service import Murmure

log = logging.getLogger(__name__)

# The first sweep after a start waits this long: a restart's first moments send what waited meanwhile, and the
# sweep's transaction and its checkpoint (which holds the event loop on SQLite, and SQLite's one writer) would
# hold the recording of each of those sends, inside its send-to-commit window. Its deadlines are days long.
SWEEP_AFTER_START = timedelta(minutes=2)


class Jobs:
    def __init__(
        self,
        service: Murmure,
        *,
        digest_every: timedelta = timedelta(minutes=1),
        grace: timedelta | None = None,
    ) -> None:
        self._service = service
        self._digest_every = digest_every
        self._grace = grace
        self._scheduler = AsyncIOScheduler(timezone=UTC)

    async def digests(self) -> None:
        try:
            produced = await (
                self._service.run_due_digests(self._grace) if self._grace else self._service.run_due_digests()
            )
            if produced:
                log.info("queued %d digest(s)", produced)
        except Exception as error:
            log.error("digest job failed: %s", where(error))

    async def sweep(self) -> None:
        try:
            await self._service.sweep()
        except Exception as error:
            log.error("sweep job failed: %s", where(error))

    def start(self) -> None:
        now = datetime.now(UTC)
        self._scheduler.add_job(
            self.digests,
            IntervalTrigger(seconds=self._digest_every.total_seconds()),
            id="digests",
            next_run_time=now,  # catch up at start, within the grace period
            max_instances=1,
            coalesce=True,
        )
        self._scheduler.add_job(
            self.sweep,
            IntervalTrigger(hours=1),
            id="sweep",
            next_run_time=now + SWEEP_AFTER_START,
            max_instances=1,
            coalesce=True,
        )
        self._scheduler.start()

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
