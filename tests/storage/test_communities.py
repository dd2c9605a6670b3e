"""Storage contract for communities, on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from bot.model import CommunitySettings, ModerationMode
from bot.moderation.verdict import Verdict
from bot.ports import Database
from bot.records import PublicCommunity, WordEntry
from tests.storage.contract import NOW, add_community


async def test_a_community_is_found_by_its_chat_on_its_platform_only(store: Database) -> None:
    telegram = await add_community(store, "-100", platform="telegram")
    await add_community(store, "-100", platform="discord")
    async with store.unit_of_work() as uow:
        found = await uow.communities.by_chat("telegram", "-100")
        assert found is not None and found.id == telegram
        assert (found.platform, found.chat_ref, found.title, found.active) == (
            "telegram",
            "-100",
            "Group",
            True,
        )
        assert found.moderation_chat_ref is None and found.secret_count == 0
        assert await uow.communities.by_chat("telegram", "-200") is None
        assert await uow.communities.get(telegram + 1000) is None


async def test_active_communities_of_a_platform_in_the_order_they_came(store: Database) -> None:
    ids = [await add_community(store, f"g{n}") for n in range(4)]
    await add_community(store, "elsewhere", platform="discord")
    async with store.unit_of_work() as uow:
        await uow.communities.set_active(ids[1], False)
        await uow.commit()
        assert [c.id for c in await uow.communities.active_on("console", 10)] == [ids[0], ids[2], ids[3]]
        assert [c.id for c in await uow.communities.active_on("console", 2)] == [ids[0], ids[2]]


async def test_reactivating_a_community_may_give_it_its_new_title(store: Database) -> None:
    community_id = await add_community(store)
    async with store.unit_of_work() as uow:
        await uow.communities.set_active(community_id, False)
        await uow.commit()
        await uow.communities.set_active(community_id, True, "Renamed")
        await uow.commit()
        await uow.communities.set_active(community_id, True)
        await uow.commit()
    async with store.unit_of_work() as uow:
        found = await uow.communities.get(community_id)
    assert found is not None and found.active and found.title == "Renamed"


async def test_settings_come_back_as_they_were_saved(store: Database) -> None:
    community_id = await add_community(store)
    settings = CommunitySettings(
        locale="fr", mode=ModerationMode.REVIEW, report_threshold=2, min_members=9,
        publication_delay_seconds=600, hold_new_authors=True, max_secrets_per_day=1, max_replies_per_hour=3,
        digest_time="", timezone="Europe/Paris", public=False, collections=("love", "work"),
    )  # fmt: skip
    async with store.unit_of_work() as uow:
        await uow.communities.update_settings(community_id, settings, NOW)
        await uow.commit()
    async with store.unit_of_work() as uow:
        found = await uow.communities.get(community_id)
    assert found is not None and found.settings == settings


async def test_a_community_is_shared_from_the_moment_it_became_public(store: Database) -> None:
    community_id = await add_community(store)
    public = CommunitySettings(public=True)
    async with store.unit_of_work() as uow:
        assert list(await uow.communities.public_since()) == []
        await uow.communities.update_settings(community_id, public, NOW)
        await uow.communities.update_settings(community_id, public, NOW + timedelta(hours=1))  # still public
        await uow.commit()
        assert list(await uow.communities.public_since("console")) == [PublicCommunity(community_id, NOW)]
        assert list(await uow.communities.public_since("telegram")) == []
        await uow.communities.update_settings(community_id, CommunitySettings(), NOW + timedelta(hours=2))
        await uow.commit()
        assert list(await uow.communities.public_since()) == []
        await uow.communities.update_settings(community_id, public, NOW + timedelta(hours=3))
        await uow.commit()
        assert list(await uow.communities.public_since()) == [
            PublicCommunity(community_id, NOW + timedelta(hours=3))
        ]
        await uow.communities.set_active(community_id, False)  # a community the bot left shares nothing
        await uow.commit()
        assert list(await uow.communities.public_since()) == []


async def test_a_public_community_from_the_start_is_shared_from_its_creation(store: Database) -> None:
    community_id = await add_community(store, settings=CommunitySettings(public=True))
    async with store.unit_of_work() as uow:
        assert list(await uow.communities.public_since()) == [PublicCommunity(community_id, NOW)]


async def test_a_chat_that_changed_its_id_is_followed_as_community_and_moderators_chat(
    store: Database,
) -> None:
    group = await add_community(store, "-1")
    other = await add_community(store, "-3")
    elsewhere = await add_community(store, "-1", platform="discord")
    async with store.unit_of_work() as uow:
        await uow.communities.set_moderation_chat(other, "-1")
        await uow.communities.set_active(group, False)
        await uow.commit()
        await uow.communities.move("console", "-1", "-2")
        await uow.commit()
    async with store.unit_of_work() as uow:
        moved, watching, untouched = [await uow.communities.get(c) for c in (group, other, elsewhere)]
        assert moved is not None and (moved.chat_ref, moved.active) == ("-2", True)
        assert watching is not None and watching.moderation_chat_ref == "-2"
        assert untouched is not None and untouched.chat_ref == "-1"
        await uow.communities.set_moderation_chat(other, None)
        await uow.commit()
        watching = await uow.communities.get(other)
        assert watching is not None and watching.moderation_chat_ref is None


async def test_the_secret_count_follows_the_numbers_given(store: Database) -> None:
    community_id = await add_community(store)
    async with store.unit_of_work() as uow:
        assert [await uow.communities.next_number(community_id) for _ in range(3)] == [1, 2, 3]
        await uow.commit()
    async with store.unit_of_work() as uow:
        found = await uow.communities.get(community_id)
    assert found is not None and found.secret_count == 3


async def test_a_communitys_word_list_is_its_own_and_a_term_changes_in_place(store: Database) -> None:
    mine, other = await add_community(store, "g1"), await add_community(store, "g2")
    async with store.unit_of_work() as uow:
        await uow.communities.put_word(mine, WordEntry(Verdict.REVIEW, "pineapple*"), NOW)
        await uow.communities.put_word(mine, WordEntry(Verdict.REVIEW, "banana"), NOW)
        await uow.communities.put_word(mine, WordEntry(Verdict.BLOCK, "banana"), NOW)
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert list(await uow.communities.words(mine)) == [
            WordEntry(Verdict.BLOCK, "banana"),
            WordEntry(Verdict.REVIEW, "pineapple*"),
        ]
        assert list(await uow.communities.words(other)) == []
        assert await uow.communities.remove_word(mine, "banana")
        assert not await uow.communities.remove_word(mine, "banana")
        assert not await uow.communities.remove_word(other, "pineapple*")
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert [e.term for e in await uow.communities.words(mine)] == ["pineapple*"]


async def test_settings_a_community_never_chose_follow_the_configured_defaults(store: Database) -> None:
    configured: Any = store  # both backends read ``defaults`` at each unit of work (the config, at start)
    configured.defaults = CommunitySettings(report_threshold=4)
    community_id = await add_community(store, settings=CommunitySettings(report_threshold=4, min_members=9))
    # config.toml changed, the process restarted: what the community never chose follows; public is pinned
    configured.defaults = CommunitySettings(report_threshold=7, min_members=2, public=True)
    async with store.unit_of_work() as uow:
        found = await uow.communities.get(community_id)
        assert found is not None
        assert (found.settings.report_threshold, found.settings.min_members, found.settings.public) == (
            7,
            9,
            False,
        )
        assert found.own_settings == {"min_members", "public"}
        chosen = replace(found.settings, report_threshold=2)
        await uow.communities.update_settings(
            community_id, chosen, NOW, found.own_settings | {"report_threshold"}
        )
        await uow.commit()
    async with store.unit_of_work() as uow:
        found = await uow.communities.get(community_id)
        assert found is not None and found.settings.report_threshold == 2
        await uow.communities.update_settings(community_id, found.settings, NOW, frozenset({"min_members"}))
        await uow.commit()
    async with store.unit_of_work() as uow:
        found = await uow.communities.get(community_id)
    assert found is not None and found.settings == CommunitySettings(report_threshold=7, min_members=9)
    assert found.own_settings == {"min_members", "public"}  # given back to the defaults; public stays its own


async def test_an_admin_notice_is_claimed_once_per_kind_and_period_and_old_claims_go(store: Database) -> None:
    one, other = await add_community(store, "g1"), await add_community(store, "g2")
    async with store.unit_of_work() as uow:
        assert await uow.communities.claim_admin_notice(one, "missing_right", "2026-11-24", NOW)
        await uow.commit()
    async with store.unit_of_work() as uow:  # another process, or the same one after a restart
        assert not await uow.communities.claim_admin_notice(one, "missing_right", "2026-11-24", NOW)
        assert await uow.communities.claim_admin_notice(one, "missing_right", "2026-11-25", NOW)
        assert await uow.communities.claim_admin_notice(one, "non_admins_read", "2026-11-24", NOW)
        assert await uow.communities.claim_admin_notice(other, "missing_right", "2026-11-24", NOW)
        await uow.commit()
    async with store.unit_of_work() as uow:
        await uow.communities.claim_admin_notice(one, "missing_right", "2026-12-01", NOW + timedelta(days=7))
        assert await uow.communities.erase_admin_notice_claims(NOW + timedelta(days=1)) == 4
        await uow.commit()
    async with store.unit_of_work() as uow:  # an erased claim's period is over: none is asked for again
        assert not await uow.communities.claim_admin_notice(one, "missing_right", "2026-12-01", NOW)
        assert await uow.communities.claim_admin_notice(one, "missing_right", "2026-11-24", NOW)
