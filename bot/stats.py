"""A community's figures for ``/stats``: how many secrets were posted, published, held and blocked, and how
many secrets and replies were reported and removed, per day. Counted as they happen (a counter per
community, local day and kind, nothing about who), so a blocked text that was never stored and a secret
deleted since still count; ``Figures`` is what the text and the chart are both made from."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from bot.digests import zone
from bot.model import Community

WEEK, MONTH = 7, 30  # the periods shown: the last 7 and 30 days, today included


class StatKind(StrEnum):
    POSTED = "posted"  # secrets accepted at Post
    PUBLISHED = "published"  # cards that went out
    HELD = "held"  # secrets held for the moderators (filter, review mode, new author)
    BLOCKED = "blocked"  # secrets and replies the filter or the word list refused
    REPORTED = "reported"  # reports on secrets and replies
    REMOVED = "removed"  # secrets and replies removed by moderators (bans included)


KINDS = tuple(StatKind)


@dataclass(frozen=True)
class DayCount:
    day: str  # the community's local date, ISO
    kind: StatKind
    count: int


class StatsRepository(Protocol):
    async def count(self, community_id: int, day: str, kind: StatKind) -> None:
        """One more of ``kind`` on that local day."""
        ...

    async def since(self, community_id: int, first_day: str) -> Sequence[DayCount]:
        """The community's counters from ``first_day`` on (days with nothing are absent)."""
        ...


def local_day(community: Community, at: datetime) -> date:
    return at.astimezone(zone(community.settings.timezone)).date()


async def count(stats: StatsRepository, community: Community, kind: StatKind, at: datetime) -> None:
    await stats.count(community.id, local_day(community, at).isoformat(), kind)


@dataclass(frozen=True)
class DayFigures:
    day: date
    counts: tuple[int, ...]  # in the order of ``KINDS``

    def of(self, kind: StatKind) -> int:
        return self.counts[KINDS.index(kind)]


@dataclass(frozen=True)
class Figures:
    """The last ``MONTH`` days of a community, oldest first, today last."""

    community: str
    days: tuple[DayFigures, ...]

    def total(self, kind: StatKind, last: int) -> int:
        return sum(day.of(kind) for day in self.days[-last:])

    def as_json(self) -> str:
        """The figures as plain data (written into the chart's PNG, so the image says what it shows)."""
        return json.dumps(
            {
                "community": self.community,
                "kinds": [kind.value for kind in KINDS],
                "days": {day.day.isoformat(): list(day.counts) for day in self.days},
            },
            ensure_ascii=False,
            sort_keys=True,
        )


def figures(community: Community, counts: Sequence[DayCount], today: date) -> Figures:
    found: Mapping[tuple[str, StatKind], int] = {(c.day, c.kind): c.count for c in counts}
    days = [today - timedelta(days=back) for back in range(MONTH - 1, -1, -1)]
    return Figures(
        community.title,
        tuple(
            DayFigures(day, tuple(found.get((day.isoformat(), kind), 0) for kind in KINDS)) for day in days
        ),
    )


@dataclass(frozen=True)
class ChartLabels:
    """The chart's words, in the reader's language."""

    title: str
    week: str
    month: str
    kinds: tuple[str, ...]  # in the order of ``KINDS``


class ChartRenderer(Protocol):
    def render(self, figures: Figures, labels: ChartLabels) -> bytes:
        """A PNG of the figures: the last 7 days and the last 30."""
        ...
