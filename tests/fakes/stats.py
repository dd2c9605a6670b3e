"""The in-memory daily counters behind /stats."""

from __future__ import annotations

from collections.abc import Sequence

from bot.stats import DayCount, StatKind
from tests.fakes.state import Repo


class FakeStats(Repo):
    async def count(self, community_id: int, day: str, kind: StatKind) -> None:
        key = (community_id, day, kind)
        self.s.stats[key] = self.s.stats.get(key, 0) + 1

    async def since(self, community_id: int, first_day: str) -> Sequence[DayCount]:
        return [
            DayCount(day, kind, n)
            for (cid, day, kind), n in self.s.stats.items()
            if cid == community_id and day >= first_day
        ]
