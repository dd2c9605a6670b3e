"""The daily counters behind /stats: bumped one at a time, per community, local day and kind."""

from __future__ import annotations

from bot.ports import Database
from bot.stats import DayCount, StatKind
from tests.storage.contract import add_community


async def test_counters_add_up_per_community_day_and_kind(store: Database) -> None:
    mine, other = await add_community(store, "g1"), await add_community(store, "g2")
    async with store.unit_of_work() as uow:
        for day, kind in [("2026-11-30", StatKind.POSTED), ("2026-12-01", StatKind.POSTED)] * 2:
            await uow.stats.count(mine, day, kind)
        await uow.stats.count(mine, "2026-11-01", StatKind.BLOCKED)
        await uow.stats.count(other, "2026-12-01", StatKind.REMOVED)
        await uow.commit()
    async with store.unit_of_work() as uow:
        found = sorted(await uow.stats.since(mine, "2026-11-02"), key=lambda c: c.day)
        assert found == [
            DayCount("2026-11-30", StatKind.POSTED, 2),
            DayCount("2026-12-01", StatKind.POSTED, 2),
        ]
        assert list(await uow.stats.since(other, "2026-11-02")) == [
            DayCount("2026-12-01", StatKind.REMOVED, 1)
        ]
