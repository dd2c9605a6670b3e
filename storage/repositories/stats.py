"""The daily counters behind /stats: one row per community, local day and kind, bumped in one statement."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.stats import DayCount, StatKind
from storage.raw import Raw
from storage.repositories.base import Repository
from storage.tables import CommunityStatRow


class SqlStats(Repository):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        self._raw = Raw(session)

    async def count(self, community_id: int, day: str, kind: StatKind) -> None:
        await self._raw.run(
            "INSERT INTO community_stats (community_id, day, kind, count) VALUES (?, ?, ?, 1) "
            "ON CONFLICT (community_id, day, kind) DO UPDATE SET count = community_stats.count + 1",
            community_id,
            day,
            kind.value,
        )

    async def since(self, community_id: int, first_day: str) -> Sequence[DayCount]:
        query = select(CommunityStatRow).where(
            CommunityStatRow.community_id == community_id, CommunityStatRow.day >= first_day
        )
        rows = (await self._session.execute(query)).scalars()
        return [DayCount(row.day, StatKind(row.kind), row.count) for row in rows if row.kind in set(StatKind)]
