"""Storage contract for what is known of members, on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from bot.model import Ban, DraftKind, PendingInput
from bot.ports import Database
from tests.storage.contract import KEY, NOW, OTHER, add_community


async def test_a_join_seen_by_the_bot_is_remembered_with_the_membership(store: Database) -> None:
    community_id = await add_community(store)
    later = NOW + timedelta(days=2)
    async with store.unit_of_work() as uow:
        assert await uow.members.joined_at(KEY, community_id) is None
        await uow.members.mark_verified(KEY, community_id, NOW)
        await uow.commit()
        assert await uow.members.joined_at(KEY, community_id) is None  # there before the bot
        await uow.members.record_join(OTHER, community_id, later)
        await uow.members.mark_verified(OTHER, community_id, later + timedelta(hours=1))
        await uow.commit()
        assert await uow.members.joined_at(OTHER, community_id) == later
        assert list(await uow.members.verified_since(OTHER, later + timedelta(minutes=30))) == [community_id]
        await uow.members.forget_membership(OTHER, community_id)
        await uow.commit()
        assert await uow.members.joined_at(OTHER, community_id) is None
        assert list(await uow.members.verified_since(OTHER, NOW)) == []
        assert list(await uow.members.verified_since(KEY, NOW)) == [community_id]


async def test_a_join_seen_again_moves_the_join_day(store: Database) -> None:
    community_id = await add_community(store)
    async with store.unit_of_work() as uow:
        await uow.members.record_join(KEY, community_id, NOW)
        await uow.commit()
        await uow.members.record_join(KEY, community_id, NOW + timedelta(days=3))
        await uow.commit()
        assert await uow.members.joined_at(KEY, community_id) == NOW + timedelta(days=3)


async def test_strikes_are_counted_per_member_since_a_time(store: Database) -> None:
    async with store.unit_of_work() as uow:
        for hours in (5, 1, 3):
            await uow.members.add_strike(KEY, NOW - timedelta(hours=hours))
        await uow.members.add_strike(OTHER, NOW)
        await uow.commit()
        since = await uow.members.strikes_since(KEY, NOW - timedelta(hours=4))
    assert list(since) == [NOW - timedelta(hours=3), NOW - timedelta(hours=1)]


async def test_a_language_choice_can_be_changed(store: Database) -> None:
    async with store.unit_of_work() as uow:
        assert await uow.preferences.locale(KEY) is None
        await uow.preferences.set_locale(KEY, "fr")
        await uow.commit()
        await uow.preferences.set_locale(KEY, "en")
        await uow.commit()
        assert await uow.preferences.locale(KEY) == "en"
        assert await uow.preferences.locale(OTHER) is None


async def test_a_pending_input_is_replaced_and_read_back_whole(store: Database) -> None:
    async with store.unit_of_work() as uow:
        await uow.preferences.set_pending_input(PendingInput(KEY, DraftKind.REPLY, 7, NOW), KEY)
        await uow.preferences.set_pending_input(
            PendingInput(KEY, DraftKind.REPLY, 8, NOW + timedelta(hours=1)), KEY
        )
        await uow.commit()
        assert await uow.preferences.pending_input(KEY) == PendingInput(
            KEY, DraftKind.REPLY, 8, NOW + timedelta(hours=1)
        )
        assert await uow.preferences.pending_input(OTHER) is None


async def test_the_ban_that_lasts_longest_is_the_one_in_force(store: Database) -> None:
    community_id = await add_community(store)
    elsewhere = await add_community(store, "g2")
    short, long = NOW + timedelta(hours=1), NOW + timedelta(hours=5)
    async with store.unit_of_work() as uow:
        await uow.members.add_ban(Ban(community_id, KEY, short), NOW)
        await uow.members.add_ban(Ban(community_id, KEY, long), NOW)
        await uow.members.add_ban(Ban(community_id, KEY, NOW - timedelta(hours=1)), NOW)  # over
        await uow.commit()
        assert await uow.members.active_ban(KEY, community_id, NOW) == Ban(community_id, KEY, long)
        assert await uow.members.active_ban(KEY, elsewhere, NOW) is None
        assert await uow.members.active_ban(OTHER, community_id, NOW) is None
        await uow.members.add_ban(Ban(community_id, KEY, None), NOW)
        await uow.commit()
        assert await uow.members.active_ban(KEY, community_id, NOW) == Ban(community_id, KEY, None)
