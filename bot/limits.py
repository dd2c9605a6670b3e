"""Sanctions on author keys that need no moderator: posting limits and escalating cooldowns.

Cooldowns: the filter's blocked posts are strikes. From the third strike within a day, the author waits
``BASE_COOLDOWN * 2 ** (strikes - 3)`` after the last one (5 min, 10, 20, ... at most a day) before the
filter looks at anything new from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.model import Community
from bot.ports import UnitOfWork

STRIKE_WINDOW = timedelta(hours=24)
FREE_STRIKES = 2
BASE_COOLDOWN = timedelta(minutes=5)
MAX_COOLDOWN = timedelta(hours=24)
SECRET_WINDOW = timedelta(hours=24)
REPLY_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Refusal:
    """Why a member must wait: a catalog key and its parameters."""

    key: str
    params: dict[str, str]


def cooldown_after(strikes: int) -> timedelta | None:
    if strikes <= FREE_STRIKES:
        return None
    return min(BASE_COOLDOWN * (1 << min(strikes - FREE_STRIKES - 1, 16)), MAX_COOLDOWN)


async def cooling_down(uow: UnitOfWork, author_key: str, now: datetime) -> Refusal | None:
    strikes = await uow.members.strikes_since(author_key, now - STRIKE_WINDOW)
    wait = cooldown_after(len(strikes))
    if wait is None or now >= strikes[-1] + wait:
        return None
    return Refusal("limits.cooldown", {"until": (strikes[-1] + wait).strftime("%H:%M UTC")})


async def secret_limit(
    uow: UnitOfWork, author_key: str, community: Community, now: datetime
) -> Refusal | None:
    limit = community.settings.max_secrets_per_day
    if await uow.secrets.count_secrets_since(author_key, community.id, now - SECRET_WINDOW) < limit:
        return None
    return Refusal("limits.secrets", {"limit": str(limit), "community": community.title})


async def reply_limit(
    uow: UnitOfWork, author_key: str, community: Community, now: datetime
) -> Refusal | None:
    limit = community.settings.max_replies_per_hour
    if await uow.secrets.count_replies_since(author_key, now - REPLY_WINDOW) < limit:
        return None
    return Refusal("limits.replies", {"limit": str(limit)})
