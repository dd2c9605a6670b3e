"""Ranking: what is hot now.

Each secret keeps engagement *points*: +1 per reaction (-1 when it is taken back), +2 per reply, and
-3 per unit of report weight (see ``bot.usecases.reacting.reporter_weight``). Its hot score decays with age,
as Hacker News' does::

    hot = points / (age_in_hours + 2) ** 1.5

Hidden, removed and deleted secrets are never ranked (the queries only return visible ones).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.model import Secret

REACTION_POINTS = 1.0
REPLY_POINTS = 2.0
REPORT_POINTS = -3.0
GRAVITY = 1.5
AGE_OFFSET_HOURS = 2.0


def hot(points: float, created_at: datetime, now: datetime) -> float:
    age_hours = max(0.0, (now - created_at).total_seconds() / 3600)
    return float(points / (age_hours + AGE_OFFSET_HOURS) ** GRAVITY)


def by_hotness(secrets: Iterable[Secret], now: datetime) -> list[Secret]:
    return sorted(secrets, key=lambda s: (hot(s.points, s.created_at, now), s.id), reverse=True)
