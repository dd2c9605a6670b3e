"""Sanctions that need no moderator: posting limits and escalating cooldowns, on counters kept under a key of
one member, one community and one period (a UTC day, or an hour for replies), gone when the period is.

Cooldowns: the filter's blocked posts are strikes, counted per community and day. From the third strike of
the day, the member waits ``BASE_COOLDOWN * 2 ** (strikes - 3)`` after the last one (5 min, 10, 20, ... at
most a day) before the filter looks at anything new from them there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from bot.anonymity import PersonKeys
from bot.model import Community
from bot.ports import UnitOfWork
from bot.records import Counter, CounterBump
from bot.refusals import Refused

FREE_STRIKES = 2
BASE_COOLDOWN = timedelta(minutes=5)
MAX_COOLDOWN = timedelta(hours=24)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
SECRETS, REPLIES, STRIKES = "secrets", "replies", "strikes"


def cooldown_after(strikes: int) -> timedelta | None:
    if strikes <= FREE_STRIKES:
        return None
    return min(BASE_COOLDOWN * (1 << min(strikes - FREE_STRIKES - 1, 16)), MAX_COOLDOWN)


def _period(length: timedelta, now: datetime) -> tuple[str, datetime, datetime]:
    """The period ``now`` falls in: its name, its start and its end (when its counters go)."""
    start = now.replace(minute=0, second=0, microsecond=0)
    if length == DAY:
        start = start.replace(hour=0)
    return start.strftime("%Y-%m-%dT%H"), start, start + length


def strikes_counter(keys: PersonKeys, community_id: int, now: datetime) -> str:
    """The key of the member's count of blocked posts (strikes) in the community that day."""
    return keys.period(STRIKES, community_id, _period(DAY, now)[0])


async def check_cooldown(
    uow: UnitOfWork,
    keys: PersonKeys,
    communities: Sequence[Community],
    now: datetime,
    read: Mapping[str, Counter | None] | None = None,
) -> None:
    """Refused while the member cools down, in any of these communities, after repeated blocked posts. The
    strikes already ``read`` (by ``strikes_counter``'s key, None where none) are not asked again."""
    for community in communities:
        key = strikes_counter(keys, community.id, now)
        strikes = read[key] if read is not None and key in read else await uow.members.counter(key, now)
        wait = cooldown_after(strikes.count) if strikes else None
        if strikes is not None and wait is not None and now < strikes.last_at + wait:
            raise Refused("limits.cooldown", until=(strikes.last_at + wait).strftime("%H:%M UTC"))


async def add_strike(
    uow: UnitOfWork, keys: PersonKeys, communities: Sequence[Community], now: datetime
) -> None:
    """A blocked post counts in each community it could have gone to (under a different key in each). Its
    time is kept, for the cooldown: no other row holds it (a blocked text is not kept)."""
    _, _, end = _period(DAY, now)
    for community in communities:
        await uow.members.bump_counter(strikes_counter(keys, community.id, now), now, end)


def secrets_counter(keys: PersonKeys, community_id: int, now: datetime) -> str:
    """The key of the member's count of secrets posted in the community that day."""
    return keys.period(SECRETS, community_id, _period(DAY, now)[0])


def refuse_over_secret_limit(community: Community, counted: Counter | None) -> None:
    """Refused when the member's count of the day there (``secrets_counter``'s) has reached the limit."""
    limit = community.settings.max_secrets_per_day
    if counted is not None and counted.count >= limit:
        raise Refused("limits.secrets", limit=str(limit), community=community.title)


async def check_secret_limit(uow: UnitOfWork, keys: PersonKeys, community: Community, now: datetime) -> None:
    refuse_over_secret_limit(
        community, await uow.members.counter(secrets_counter(keys, community.id, now), now)
    )


def secret_counted(keys: PersonKeys, community: Community, now: datetime) -> CounterBump:
    """One more secret on the member's count of the day there, with the period's start as its time: the
    post's own time would tie the counter to it."""
    _, start, end = _period(DAY, now)
    return CounterBump(secrets_counter(keys, community.id, now), start, end)


async def check_reply_limit(uow: UnitOfWork, keys: PersonKeys, community: Community, now: datetime) -> None:
    limit = community.settings.max_replies_per_hour
    name, _, _ = _period(HOUR, now)
    counted = await uow.members.counter(keys.period(REPLIES, community.id, name), now)
    if counted is not None and counted.count >= limit:
        raise Refused("limits.replies", limit=str(limit))


async def count_reply(uow: UnitOfWork, keys: PersonKeys, community: Community, now: datetime) -> None:
    name, start, end = _period(HOUR, now)
    await uow.members.bump_counter(keys.period(REPLIES, community.id, name), start, end)
