"""Moderation privacy: the queue reaches admins only, and the moderators' tools tell a non-admin nothing."""

from __future__ import annotations

from bot.model import CommunitySettings
from tests.core.harness import MODS, PLATFORM, Harness, post_action, text_of

HELD = "REVIEWME my landlord keeps my deposit"
WARNING = {"en": "people who aren't admins of the community", "fr": "ne sont pas admins de la communauté"}


def _shown(h: Harness) -> list[str]:
    return [s.message.text.plain_text for s in h.messenger.to(MODS)]


async def test_linkmods_gives_one_answer_whether_the_number_exists_or_not() -> None:
    h = await Harness().setup()
    h.directory.members["secret-club"] = {"u1", "u6"}
    h.directory.admins["secret-club"] = {"u6"}
    h.directory.admins["lair"] = {"u1"}
    club = await h.service.register_community(PLATFORM, "secret-club", "The secret club")
    gone = await h.service.register_community(PLATFORM, "gone", "Gone")
    await h.service.deactivate_community(PLATFORM, "gone")
    for locale in ("en", "fr"):
        answers = {
            text_of(await h.service.link_moderation_chat_as(h.actor("u1", locale), number, "lair"))
            for number in (str(club.id), str(gone.id), "999", "abc", "")
        }
        # byte-identical: a private group's title, or that the number exists, stays unsaid
        (answer,) = answers
        assert "secret club" not in answer.lower()
        assert ("you administer" if locale == "en" else "dont tu es admin") in answer
    assert h.db.state.communities[club.id].moderation_chat_ref is None


async def test_a_chat_read_by_non_admins_is_refused_as_moderators_chat() -> None:
    h = await Harness().setup()
    community = next(iter(h.db.state.communities.values()))
    h.directory.admins["lair"] = {"u6"}
    h.directory.members["lair"] = {"u6", "u3"}  # u3 reads it and is no admin of the group
    for locale, said in (("en", "people who aren't admins of that community"), ("fr", "pas admins de cette")):
        answer = text_of(
            await h.service.link_moderation_chat_as(h.actor("u6", locale), str(community.id), "lair")
        )
        assert said in answer and "Group" not in answer
    assert h.db.state.communities[community.id].moderation_chat_ref == MODS
    h.directory.unchecked_readers.add("lair")  # the platform can't tell now: not linked either
    answer = text_of(await h.service.link_moderation_chat_as(h.actor("u6"), str(community.id), "lair"))
    assert "couldn't check who reads this chat" in answer
    h.directory.unchecked_readers.clear()
    h.directory.members["lair"] = {"u6"}
    answer = text_of(await h.service.link_moderation_chat_as(h.actor("u6"), str(community.id), "lair"))
    assert "now receives the moderation queue of Group" in answer


async def test_the_queue_waits_while_non_admins_read_the_moderators_chat_and_admins_are_warned() -> None:
    for locale in ("en", "fr"):
        h = await Harness(CommunitySettings(publication_delay_seconds=0, locale=locale)).setup()
        h.directory.members[MODS] = {"u6", "u2"}  # u2 joined the moderators' chat after it was linked
        await h.press("u1", post_action(await h.service.text(h.actor("u1"), HELD)))
        for _ in range(4):  # retried every 5 minutes
            h.clock.advance(minutes=6)
            await h.settle()
        (warning,) = _shown(h)  # one warning, not repeated every retry, and not the held secret
        assert WARNING[locale] in warning and "landlord" not in warning
        h.directory.members[MODS] = {"u6"}  # u2 removed: the item comes at the next retry
        h.clock.advance(minutes=6)
        await h.settle()
        assert len(_shown(h)) == 2 and "landlord" in _shown(h)[1]


async def test_the_warning_of_non_admin_readers_is_sent_once_a_period_whatever_the_restarts() -> None:
    h = await Harness(CommunitySettings(publication_delay_seconds=0)).setup()
    h.directory.members[MODS] = {"u6", "u2"}
    await h.press("u1", post_action(await h.service.text(h.actor("u1"), HELD)))
    await h.settle()
    assert len(_shown(h)) == 1
    for _ in range(4):  # the process restarts between retries: what it remembered in memory is gone
        h.restart_delivery()
        h.clock.advance(minutes=6)
        await h.settle()
    assert len(_shown(h)) == 1
    h.clock.advance(hours=6)  # the next period of the day: told again
    await h.settle()
    assert len(_shown(h)) == 2 and all(WARNING["en"] in shown for shown in _shown(h))


async def test_the_queue_waits_silently_while_the_platform_cant_tell_who_reads_the_chat() -> None:
    h = await Harness().setup()
    h.directory.unchecked_readers.add(MODS)
    await h.press("u1", post_action(await h.service.text(h.actor("u1"), HELD)))
    h.clock.advance(minutes=10)
    await h.settle()
    assert _shown(h) == []
    h.directory.unchecked_readers.clear()
    h.clock.advance(minutes=6)
    await h.settle()
    assert "landlord" in _shown(h)[0]
