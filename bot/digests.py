"""When a community's daily digest is due, and what goes in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.model import CommunitySettings, Secret
from bot.ranking import by_hotness

DIGEST_SIZE = 5
DIGEST_WINDOW = timedelta(hours=24)
DEFAULT_GRACE = timedelta(hours=6)


@dataclass(frozen=True)
class DuePeriod:
    key: str  # the local date of the digest: one digest per community and key
    scheduled: datetime  # UTC


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def parse_hhmm(value: str) -> time | None:
    hours, _, minutes = value.partition(":")
    if not (hours.isascii() and hours.isdigit() and minutes.isascii() and minutes.isdigit()):
        return None
    if not (0 <= int(hours) < 24 and 0 <= int(minutes) < 60):
        return None
    return time(int(hours), int(minutes))


def due_period(
    settings: CommunitySettings, now: datetime, grace: timedelta = DEFAULT_GRACE
) -> DuePeriod | None:
    """The last scheduled digest at or before ``now``, if it is at most ``grace`` old (a process that was
    down at digest time catches up when it starts, once)."""
    at = parse_hhmm(settings.digest_time)
    if at is None:
        return None
    tz = zone(settings.timezone)
    local_now = now.astimezone(tz)
    day = local_now.date()
    scheduled = datetime.combine(day, at, tz)
    if scheduled > local_now:
        day -= timedelta(days=1)
        scheduled = datetime.combine(day, at, tz)
    if now - scheduled > grace:
        return None
    return DuePeriod(day.isoformat(), scheduled.astimezone(now.tzinfo))


def pick(candidates: list[Secret], now: datetime) -> list[Secret]:
    """The hottest secrets worth showing (at least one point), at most ``DIGEST_SIZE``."""
    return [s for s in by_hotness(candidates, now) if s.points > 0][:DIGEST_SIZE]
