"""Storage contract for bans moderators list and lift, and direct moderation's look-ups."""

from __future__ import annotations

from datetime import timedelta

from bot.ports import Database
from tests.storage.contract import KEY, NOW, OTHER, add_community, add_secret


async def test_bans_are_numbered_listed_while_in_force_and_lifted_once(store: Database) -> None:
    community_id, elsewhere = await add_community(store), await add_community(store, "g2")
    secret_id = await add_secret(store, community_id)
    async with store.unit_of_work() as uow:
        day = await uow.sanctions.ban(community_id, KEY, NOW + timedelta(days=1), secret_id, NOW)
        good = await uow.sanctions.ban(community_id, OTHER, None, None, NOW + timedelta(minutes=1))
        over = await uow.sanctions.ban(community_id, OTHER, NOW + timedelta(minutes=5), None, NOW)
        await uow.sanctions.ban(elsewhere, KEY, None, None, NOW)
        await uow.commit()
    assert (day.community_id, day.until, day.secret_id, day.created_at, day.lifted_at) == (
        community_id, NOW + timedelta(days=1), secret_id, NOW, None
    )  # fmt: skip
    later = NOW + timedelta(hours=1)
    async with store.unit_of_work() as uow:
        assert [b.id for b in await uow.sanctions.in_force(community_id, later)] == [good.id, day.id]
        assert over.id not in [b.id for b in await uow.sanctions.in_force(community_id, later)]
        assert await uow.sanctions.get(day.id) == day
        assert await uow.sanctions.get(day.id + 1000) is None
        ban = await uow.members.active_ban(KEY, community_id, later)
        assert ban is not None and ban.until == NOW + timedelta(days=1)
        assert await uow.sanctions.lift(day.id, later)
        assert not await uow.sanctions.lift(day.id, later)
        await uow.commit()
    async with store.unit_of_work() as uow:
        lifted = await uow.sanctions.get(day.id)
        assert lifted is not None and lifted.lifted_at == later
        assert [b.id for b in await uow.sanctions.in_force(community_id, later)] == [good.id]
        assert await uow.members.active_ban(KEY, community_id, later) is None  # lifted: in force no more
        assert await uow.members.active_ban(KEY, elsewhere, later) is not None  # another community's stays


async def test_a_secret_by_its_number_and_communities_by_their_moderators_chat(store: Database) -> None:
    first, second = await add_community(store, "g1"), await add_community(store, "g2")
    other_platform = await add_community(store, "g3", platform="telegram")
    secret_id = await add_secret(store, first, 7)
    await add_secret(store, second, 7)
    async with store.unit_of_work() as uow:
        for community_id in (first, second, other_platform):
            await uow.communities.set_moderation_chat(community_id, "mods")
        await uow.commit()
    async with store.unit_of_work() as uow:
        found = await uow.sanctions.secret_by_number(first, 7)
        assert found is not None and found.id == secret_id
        assert await uow.sanctions.secret_by_number(first, 8) is None
        assert [c.id for c in await uow.sanctions.moderated_in("console", "mods")] == [first, second]
        assert await uow.sanctions.moderated_in("console", "g1") == []
        await uow.communities.set_active(second, False)
        assert [c.id for c in await uow.sanctions.moderated_in("console", "mods")] == [first]
