"""The console's time: the real clock (or a test's) plus whatever ``/wait`` skipped.

Publication waits a random 5 to 10 minutes by default; in a terminal demo, ``/wait 10m`` moves time on
instead of making the user sit there."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.ports import Clock

LONGEST_WAIT = timedelta(days=7)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_DURATION = re.compile(r"(\d{1,6})\s*([smhd])")


def parse_duration(text: str) -> timedelta | None:
    """``"90s"``, ``"10m"``, ``"2h"``, ``"1d"``: a duration up to a week, else ``None``."""
    found = _DURATION.fullmatch(text.strip().lower())
    if found is None:
        return None
    duration = timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})
    return duration if timedelta(0) < duration <= LONGEST_WAIT else None


class ConsoleClock:
    def __init__(self, base: Clock) -> None:
        self._base = base
        self._skipped = timedelta(0)

    def now(self) -> datetime:
        return self._base.now() + self._skipped

    def skip(self, duration: timedelta) -> None:
        self._skipped += duration
