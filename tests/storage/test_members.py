"""Storage contract for what is known of members, on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from bot.model import Ban
from bot.ports import Database
from bot.records import Counter, OwnList, SealedValue, Standing, Standings
from tests.storage.contract import KEY, NOW, OTHER, THIRD, add_community


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
        assert list(await uow.members.verified_since([OTHER], later + timedelta(minutes=30))) == [
            community_id
        ]
        await uow.members.forget_membership(OTHER, community_id)
        await uow.commit()
        assert await uow.members.joined_at(OTHER, community_id) is None
        assert list(await uow.members.verified_since([OTHER], NOW)) == []
        assert list(await uow.members.verified_since([KEY], NOW)) == [community_id]


async def test_memberships_are_found_among_many_community_keys(store: Database) -> None:
    communities = [await add_community(store, f"g{n}") for n in range(3)]
    keys = [f"{n:064x}" for n in range(1200)]  # more than one IN (...) list holds
    async with store.unit_of_work() as uow:
        await uow.members.mark_verified(keys[3], communities[0], NOW)
        await uow.members.mark_verified(keys[1100], communities[2], NOW)
        await uow.members.mark_verified(KEY, communities[1], NOW)
        await uow.commit()
        assert sorted(await uow.members.verified_since(keys, NOW)) == [communities[0], communities[2]]
        assert list(await uow.members.verified_since([], NOW)) == []
        await uow.members.mark_verified(keys[4], communities[2], NOW - timedelta(hours=1))
        await uow.commit()
        # when each was last verified, the latest of the keys given (UTC, as every stored time)
        assert await uow.members.verified_at(keys) == {communities[0]: NOW, communities[2]: NOW}
        assert await uow.members.verified_at([keys[4], OTHER]) == {communities[2]: NOW - timedelta(hours=1)}
        assert await uow.members.verified_at([]) == {}


async def test_a_join_seen_again_moves_the_join_day(store: Database) -> None:
    community_id = await add_community(store)
    async with store.unit_of_work() as uow:
        await uow.members.record_join(KEY, community_id, NOW)
        await uow.commit()
        await uow.members.record_join(KEY, community_id, NOW + timedelta(days=3))
        await uow.commit()
        assert await uow.members.joined_at(KEY, community_id) == NOW + timedelta(days=3)


async def test_period_counters_count_keep_the_last_time_and_go_with_their_period(store: Database) -> None:
    end = NOW + timedelta(hours=15)
    async with store.unit_of_work() as uow:
        for hours in (5, 1, 3):
            await uow.members.bump_counter(KEY, NOW - timedelta(hours=hours), end)
        await uow.members.bump_counter(OTHER, NOW, NOW + timedelta(hours=1))
        await uow.commit()
        assert await uow.members.counter(KEY, NOW) == Counter(3, NOW - timedelta(hours=3))
        assert await uow.members.counter(THIRD, NOW) is None
        assert await uow.members.counter(OTHER, NOW + timedelta(hours=2)) is None  # its period is over
        assert await uow.members.erase_expired_counters(NOW + timedelta(hours=2)) == 1
        await uow.commit()
        assert await uow.members.counter(KEY, NOW) == Counter(3, NOW - timedelta(hours=3))
        assert await uow.members.erase_expired_counters(end) == 1
        await uow.commit()
        assert await uow.members.counter(KEY, NOW) is None


async def test_an_own_list_is_written_only_over_the_version_read(store: Database) -> None:
    async with store.unit_of_work() as uow:
        assert await uow.own_lists.get(KEY) is None
        assert await uow.own_lists.save(KEY, b"one", None, "v1")
        assert not await uow.own_lists.save(KEY, b"two", None, "v2")  # someone wrote it first
        await uow.commit()
        assert await uow.own_lists.get(KEY) == OwnList(b"one", "v1")
        assert not await uow.own_lists.save(KEY, b"two", "v0", "v2")  # stale
        assert await uow.own_lists.save(KEY, b"two", "v1", "v2")
        await uow.commit()
        assert await uow.own_lists.get(KEY) == OwnList(b"two", "v2")
        assert await uow.own_lists.get(OTHER) is None


async def test_a_language_choice_can_be_changed(store: Database) -> None:
    async with store.unit_of_work() as uow:
        assert await uow.preferences.locale(KEY) is None
        await uow.preferences.set_locale(KEY, "fr")
        await uow.commit()
        await uow.preferences.set_locale(KEY, "en")
        await uow.commit()
        assert await uow.preferences.locale(KEY) == "en"
        assert await uow.preferences.locale(OTHER) is None


async def test_a_pending_input_is_replaced_read_back_whole_and_expires(store: Database) -> None:
    later = NOW + timedelta(hours=1)
    async with store.unit_of_work() as uow:
        await uow.preferences.set_pending_input(KEY, SealedValue(b"first", NOW))
        await uow.preferences.set_pending_input(KEY, SealedValue(b"second", later))
        await uow.commit()
        assert await uow.preferences.pending_input(KEY, NOW) == SealedValue(b"second", later)
        assert await uow.preferences.pending_input(KEY, later) is None
        assert await uow.preferences.pending_input(OTHER, NOW) is None
        await uow.preferences.set_pending_input(KEY, None)
        await uow.commit()
        assert await uow.preferences.pending_input(KEY, NOW) is None


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


async def test_a_standing_is_the_membership_verified_lately_and_the_ban_in_force(store: Database) -> None:
    community_id = await add_community(store)
    elsewhere = await add_community(store, "g2")
    lately = NOW - timedelta(minutes=10)
    async with store.unit_of_work() as uow:
        assert await uow.members.standing(KEY, community_id, lately, NOW) == Standing(False, None)
        await uow.members.mark_verified(KEY, community_id, NOW - timedelta(minutes=5))
        await uow.members.mark_verified(KEY, elsewhere, NOW - timedelta(hours=1))
        await uow.members.add_ban(Ban(community_id, KEY, NOW + timedelta(hours=1)), NOW)
        await uow.members.add_ban(Ban(community_id, KEY, NOW + timedelta(hours=5)), NOW)
        await uow.members.add_ban(Ban(elsewhere, KEY, NOW - timedelta(hours=1)), NOW)  # over
        await uow.commit()
        long = Ban(community_id, KEY, NOW + timedelta(hours=5))
        assert await uow.members.standing(KEY, community_id, lately, NOW) == Standing(True, long)
        assert await uow.members.standing(KEY, elsewhere, lately, NOW) == Standing(False, None)
        assert await uow.members.standing(OTHER, community_id, lately, NOW) == Standing(False, None)
        assert await uow.members.standing(KEY, community_id, NOW, NOW) == Standing(False, long)
        await uow.members.add_ban(Ban(community_id, KEY, None), NOW)
        await uow.commit()
        assert await uow.members.standing(KEY, community_id, lately, NOW) == Standing(
            True, Ban(community_id, KEY, None)
        )


async def test_a_standing_asked_with_a_counter_reads_it_in_force_too(store: Database) -> None:
    community_id = await add_community(store)
    lately, day_end = NOW - timedelta(minutes=10), NOW + timedelta(hours=3)
    async with store.unit_of_work() as uow:
        assert await uow.members.standing(KEY, community_id, lately, NOW, "c") == Standing(False, None)
        await uow.members.bump_counter("c", NOW - timedelta(hours=1), day_end)
        await uow.members.bump_counter("c", NOW - timedelta(hours=2), day_end)
        await uow.members.bump_counter("other", NOW, day_end)
        await uow.members.mark_verified(KEY, community_id, NOW - timedelta(minutes=5))
        await uow.members.add_ban(Ban(community_id, KEY, day_end), NOW)
        await uow.commit()
        counted = Counter(2, NOW - timedelta(hours=2))
        ban = Ban(community_id, KEY, day_end)
        assert await uow.members.standing(KEY, community_id, lately, NOW, "c") == Standing(True, ban, counted)
        assert await uow.members.standing(KEY, community_id, lately, NOW) == Standing(True, ban)
        assert await uow.members.standing(OTHER, community_id, lately, NOW, "c") == Standing(
            False, None, counted
        )
        assert await uow.members.standing(KEY, community_id, lately, day_end, "c") == Standing(True, None)


async def test_standings_are_the_memberships_and_the_bans_in_force_of_some_keys(store: Database) -> None:
    first, second, third = [await add_community(store, name) for name in ("g1", "g2", "g3")]
    async with store.unit_of_work() as uow:
        assert await uow.members.standings([KEY, OTHER], NOW) == Standings({}, {})
        await uow.members.mark_verified(KEY, first, NOW - timedelta(minutes=5))
        await uow.members.mark_verified(OTHER, second, NOW - timedelta(hours=1))
        await uow.members.add_ban(Ban(first, KEY, NOW + timedelta(hours=1)), NOW)
        await uow.members.add_ban(Ban(first, KEY, NOW + timedelta(hours=5)), NOW)
        await uow.members.add_ban(Ban(second, OTHER, None), NOW)
        await uow.members.add_ban(Ban(second, OTHER, NOW + timedelta(days=9)), NOW)
        await uow.members.add_ban(Ban(third, OTHER, NOW - timedelta(hours=1)), NOW)  # over
        await uow.members.add_ban(Ban(third, THIRD, None), NOW)  # another member's
        await uow.commit()
        verified = {first: NOW - timedelta(minutes=5), second: NOW - timedelta(hours=1)}
        bans = {first: Ban(first, KEY, NOW + timedelta(hours=5)), second: Ban(second, OTHER, None)}
        assert await uow.members.standings([KEY, OTHER], NOW) == Standings(verified, bans)
        later = NOW + timedelta(hours=6)  # the bans for a while are over
        assert await uow.members.standings([KEY, OTHER], later) == Standings(verified, {second: bans[second]})
        assert await uow.members.standings([KEY], NOW) == Standings(
            {first: verified[first]}, {first: bans[first]}
        )
        assert await uow.members.standings([], NOW) == Standings({}, {})


async def test_standings_read_the_counters_asked_for_that_are_in_force(store: Database) -> None:
    first, second = [await add_community(store, name) for name in ("g1", "g2")]
    day_end = NOW + timedelta(hours=3)
    async with store.unit_of_work() as uow:
        await uow.members.mark_verified(KEY, first, NOW)
        await uow.members.add_ban(Ban(second, KEY, None), NOW)
        await uow.members.bump_counter("s1", NOW - timedelta(hours=2), day_end)
        await uow.members.bump_counter("s1", NOW - timedelta(hours=1), day_end)
        await uow.members.bump_counter("s2", NOW, NOW + timedelta(minutes=1))
        await uow.members.bump_counter("unasked", NOW, day_end)
        await uow.commit()
        counted = {"s1": Counter(2, NOW - timedelta(hours=1)), "s2": Counter(1, NOW)}
        bans = {second: Ban(second, KEY, None)}
        asked = ["s1", "s2", "none"]
        assert await uow.members.standings([KEY], NOW, asked) == Standings({first: NOW}, bans, counted)
        later = NOW + timedelta(minutes=2)  # s2's period is over
        assert await uow.members.standings([KEY], later, asked) == Standings(
            {first: NOW}, bans, {"s1": counted["s1"]}
        )
        assert await uow.members.standings([], NOW, ["s1"]) == Standings({}, {}, {"s1": counted["s1"]})
        assert await uow.members.standings([KEY], NOW) == Standings({first: NOW}, bans)
