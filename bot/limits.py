"""Sanctions on author keys that need no moderator: posting limits and escalating cooldowns.

Cooldowns: the filter's blocked posts are strikes. From the third strike within a day, the author waits
``BASE_COOLDOWN * 2 ** (strikes - 3)`` after the last one (5 min, 10, 20, ... at most a day) before the
filter looks at anything new from them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.model import Community
from bot.ports import UnitOfWork
from bot.refusals import Refused

STRIKE_WINDOW = timedelta(hours=24)
FREE_STRIKES = 2
BASE_COOLDOWN = timedelta(minutes=5)
MAX_COOLDOWN = timedelta(hours=24)
SECRET_WINDOW = timedelta(hours=24)
REPLY_WINDOW = timedelta(hours=1)


def cooldown_after(strikes: int) -> timedelta | None:
    if strikes <= FREE_STRIKES:
        return None
    return min(BASE_COOLDOWN * (1 << min(strikes - FREE_STRIKES - 1, 16)), MAX_COOLDOWN)


async def check_cooldown(uow: UnitOfWork, author_key: str, now: datetime) -> None:
    """Refused while the author cools down after repeated blocked posts."""
    strikes = await uow.members.strikes_since(author_key, now - STRIKE_WINDOW)
    wait = cooldown_after(len(strikes))
    if wait is not None and now < strikes[-1] + wait:
        raise Refused("limits.cooldown", until=(strikes[-1] + wait).strftime("%H:%M UTC"))


async def check_secret_limit(uow: UnitOfWork, author_key: str, community: Community, now: datetime) -> None:
    limit = community.settings.max_secrets_per_day
    if await uow.secrets.count_since(author_key, community.id, now - SECRET_WINDOW) >= limit:
        raise Refused("limits.secrets", limit=str(limit), community=community.title)


async def check_reply_limit(uow: UnitOfWork, author_key: str, community: Community, now: datetime) -> None:
    limit = community.settings.max_replies_per_hour
    if await uow.replies.count_by_author_since(author_key, now - REPLY_WINDOW) >= limit:
        raise Refused("limits.replies", limit=str(limit))
