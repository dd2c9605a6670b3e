"""Moderation privacy: what the moderators' tools let a non-admin learn."""

from __future__ import annotations

from tests.core.harness import PLATFORM, Harness, text_of


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
