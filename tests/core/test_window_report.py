"""The dispatcher's report of its send-to-commit windows (INFO, every 2 s) says where the slowest one's time
went and counts the windows up to fixed bounds, so that a whole run's p99 can be read from its reports
(``benchmarks/chaos_bench.py``)."""

from __future__ import annotations

import logging
import re

import pytest

from bot.dispatch import WINDOW_BOUNDS_MS
from tests.core.harness import Harness


async def test_the_report_counts_every_window_and_tells_the_slowest_ones_steps(
    caplog: pytest.LogCaptureFixture,
) -> None:
    h = await Harness().setup()
    h.dispatcher._report_windows()  # what the setup sent
    for user, text in (
        ("u1", "the cat sleeps on my bed"),
        ("u2", "I sing in the shower"),
        ("u3", "I hate mondays"),
    ):
        await h.post(user, text)
    with caplog.at_level(logging.INFO, logger="bot.dispatch"):
        h.dispatcher._report_windows()
    line = next(r.getMessage() for r in caplog.records if "send-to-commit windows" in r.getMessage())
    sends = re.search(r"(\d+) sends", line)
    counts = re.search(r"how many up to \(([\d ]+) ms, more\): ([\d ]+)$", line)
    steps = re.search(
        r"the slowest: the platform's answer parsed at ([\d.]+) ms, its statement answered at ([\d.]+) ms,"
        r" committed at ([\d.]+) ms",
        line,
    )
    assert sends is not None and counts is not None and steps is not None
    assert int(sends[1]) >= 3  # the three cards (and what went with them)
    assert counts[1].split() == [str(b) for b in WINDOW_BOUNDS_MS]
    assert sum(int(c) for c in counts[2].split()) == int(sends[1])
    assert float(steps[1]) <= float(steps[2]) <= float(steps[3])
