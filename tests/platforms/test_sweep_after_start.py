"""The first sweep waits a while after a start: a restart's first sends are recorded without queueing behind
the sweep's transaction and its checkpoint (the send-to-commit window); the digests still catch up at once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from adapters.scheduler import SWEEP_AFTER_START, Jobs


async def test_the_first_sweep_comes_after_the_start_and_the_digests_at_once() -> None:
    jobs = Jobs(service=object())  # type: ignore[arg-type]  # no job runs here: only their times are read
    before = datetime.now(UTC)
    jobs.start()
    try:
        scheduler: Any = jobs._scheduler
        due = {job.id: job.next_run_time for job in scheduler.get_jobs()}
    finally:
        jobs.stop()
    assert due["sweep"] >= before + SWEEP_AFTER_START
    assert due["digests"] < before + SWEEP_AFTER_START / 4
