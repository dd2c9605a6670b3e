"""The daily counters behind /stats: one row per community, local day and kind, bumped in one statement."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from bot.stats import DayCount, StatKind
from storage.repositories.base import Repository, insert_for
from storage.tables import CommunityStatRow


class SqlStats(Repository):
    async def count(self, community_id: int, day: str, kind: StatKind) -> None:
        statement = (
            insert_for(self._session)(CommunityStatRow)
            .values(community_id=community_id, day=day, kind=kind.value, count=1)
            .on_conflict_do_update(
                index_elements=["community_id", "day", "kind"],
                set_={"count": CommunityStatRow.count + 1},
            )
        )
        await self._session.execute(statement)

    async def since(self, community_id: int, first_day: str) -> Sequence[DayCount]:
        query = select(CommunityStatRow).where(
            CommunityStatRow.community_id == community_id, CommunityStatRow.day >= first_day
        )
        rows = (await self._session.execute(query)).scalars()
        return [DayCount(row.day, StatKind(row.kind), row.count) for row in rows if row.kind in set(StatKind)]
