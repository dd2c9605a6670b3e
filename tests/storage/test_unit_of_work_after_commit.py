"""A unit of work used again after its commit runs its next statements in a transaction of its own: the
connection it committed on went back to the pool, where another unit of work may have taken it since."""

from __future__ import annotations

from bot.ports import Database
from tests.storage.contract import add_community


async def test_statements_after_a_commit_are_not_sent_on_a_connection_given_back(store: Database) -> None:
    community_id = await add_community(store)
    async with store.unit_of_work() as first:
        found = await first.communities.get(community_id)
        assert found is not None and found.active
        await first.commit()
        async with store.unit_of_work() as second:  # takes the connection ``first`` gave back
            await second.communities.set_active(community_id, False)
            again = await first.communities.get(community_id)
            assert again is not None and again.active  # not ``second``'s write, uncommitted
            await second.commit()
        await first.communities.set_active(community_id, True, "Renamed")
        await first.commit()
    async with store.unit_of_work() as uow:
        last = await uow.communities.get(community_id)
        assert last is not None and (last.active, last.title) == (True, "Renamed")
