"""When a community's daily digest is due, and what goes in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.model import CommunitySettings, Secret
from bot.ranking import by_hotness

DIGEST_SIZE = 5
DIGEST_WINDOW = timedelta(hours=24)
DEFAULT_GRACE = timedelta(hours=6)
CLAIMS_KEPT = timedelta(days=8)  # a member digest's claim outlives its day and any catch-up (then erased)
CLAIMS_READ = timedelta(days=2)  # the digest job reads the claims of this long back: a day and its catch-up


@dataclass(frozen=True)
class DuePeriod:
    key: str  # the local date of the digest: one digest per community and key
    scheduled: datetime  # UTC


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@cache
def _zone_names() -> dict[str, str]:
    """The IANA time zones this machine knows (its tz database, read once), by their lowercase name, and by
    their city's name alone when no other zone has that city ("tokyo" → "Asia/Tokyo")."""
    names = {name.lower(): name for name in available_timezones()}
    cities: dict[str, list[str]] = {}
    for name in names.values():
        if "/" in name:
            cities.setdefault(name.rsplit("/", 1)[1].lower(), []).append(name)
    alone = {city: found[0] for city, found in cities.items() if len(found) == 1 and city not in names}
    return alone | names


def known_zone(name: str) -> str | None:
    """The IANA name of a time zone a member typed ("europe/paris", "Paris" → "Europe/Paris"), or None."""
    return _zone_names().get(name.strip().lower()) if len(name) <= 64 else None


def parse_clock(value: str) -> str | None:
    """A time of day as members type it ("8:30", "08:30", "8h30", "20h") as "HH:MM", or None."""
    hours, separator, minutes = value.strip().lower().replace("h", ":", 1).partition(":")
    if not separator or len(value) > 5 or len(minutes) not in (0, 2) or (not minutes and ":" in value):
        return None
    at = parse_hhmm(f"{hours}:{minutes or '00'}")
    return at.strftime("%H:%M") if at is not None else None


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
    return due_at(settings.digest_time, settings.timezone, now, grace)


def due_at(
    local_time: str, zone_name: str, now: datetime, grace: timedelta = DEFAULT_GRACE
) -> DuePeriod | None:
    """The last digest at ``local_time`` ("HH:MM") in ``zone_name`` at or before ``now``, if at most ``grace``
    old; its key is its local date."""
    at = parse_hhmm(local_time)
    if at is None:
        return None
    tz = zone(zone_name)
    local_now = now.astimezone(tz)
    day = local_now.date()
    scheduled = datetime.combine(day, at, tz)
    if scheduled > local_now:
        day -= timedelta(days=1)
        scheduled = datetime.combine(day, at, tz)
    if now - scheduled > grace:
        return None
    return DuePeriod(day.isoformat(), scheduled.astimezone(now.tzinfo))


def next_at(local_time: str, zone_name: str, now: datetime) -> datetime | None:
    """The next digest at ``local_time`` in ``zone_name`` after ``now`` (UTC), or None for a bad time."""
    at = parse_hhmm(local_time)
    if at is None:
        return None
    tz = zone(zone_name)
    local_now = now.astimezone(tz)
    scheduled = datetime.combine(local_now.date(), at, tz)
    if scheduled <= local_now:
        scheduled = datetime.combine(local_now.date() + timedelta(days=1), at, tz)
    return scheduled.astimezone(now.tzinfo)


def pick(candidates: list[Secret], now: datetime) -> list[Secret]:
    """The hottest secrets worth showing (at least one point), at most ``DIGEST_SIZE``."""
    return [s for s in by_hotness(candidates, now) if s.points > 0][:DIGEST_SIZE]
