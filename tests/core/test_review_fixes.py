"""What a review found: each case fails on the code before its fix."""

from __future__ import annotations

import asyncio

import pytest

from bot.actions import (
    ChooseSetting,
    CycleTopic,
    Moderate,
    Post,
    PostLink,
    ReplyLink,
    Report,
    ToggleSubscription,
    ToggleWarning,
)
from bot.model import CommunitySettings, ModOperation, QueueStatus, ReportReason, SecretStatus
from tests.core.harness import GROUP, MODS, PLATFORM, Harness, post_action, text_of


async def test_a_secret_waiting_for_its_random_delay_shows_nowhere() -> None:
    h = await Harness(CommunitySettings(publication_delay_seconds=3600)).setup()
    await h.post("u1", "Waiting out my delay.")
    assert h.card_refs() == []
    assert "Waiting out my delay" not in text_of(await h.service.command(h.actor("u2"), "latest"))
    assert "Waiting out my delay" not in text_of(await h.service.command(h.actor("u2"), "top"))
    h.clock.advance(seconds=3601)
    await h.settle()
    assert "Waiting out my delay" in text_of(await h.service.command(h.actor("u2"), "latest"))


async def test_two_moderators_deciding_at_once_apply_one_decision() -> None:
    h = await Harness().setup()
    h.directory.admins[GROUP].add("u5")
    preview = await h.service.text(h.actor("u1"), "REVIEWME race")
    await h.press("u1", post_action(preview))
    item_id = max(h.db.state.items)
    approve = h.service.press(h.actor("u6"), Moderate(h.item(item_id), ModOperation.APPROVE).encode())
    ban = h.service.press(h.actor("u5"), Moderate(h.item(item_id), ModOperation.BAN_FOREVER).encode())
    answers = await asyncio.gather(approve, ban)
    await h.settle()
    assert sum("already decided" in text_of(a) for a in answers) == 1
    decided = h.db.state.items[item_id].status
    secret = next(iter(h.db.state.secrets.values()))
    if decided is QueueStatus.APPROVED:
        assert secret.status is SecretStatus.PUBLISHED and h.db.state.ban_records == {}
    else:
        assert secret.status is SecretStatus.REMOVED and len(h.db.state.ban_records) == 1
    assert len(h.db.state.audit) == 1


async def test_reports_a_moderator_rejected_do_not_count_again() -> None:
    h = await Harness(members=8, established=6).setup()
    await h.post("u1", "Harmless, reported by mistake.")
    secret_id = max(h.db.state.secrets)
    for user in ("u2", "u3", "u4"):
        await h.press(user, Report(h.token(secret_id), ReportReason.HARASSMENT))
    await h.press("u6", Moderate(h.item(max(h.db.state.items)), ModOperation.APPROVE))
    assert h.db.state.secrets[secret_id].status is SecretStatus.PUBLISHED
    await h.press("u7", Report(h.token(secret_id), ReportReason.HARASSMENT))  # one new member: 0.25
    assert h.db.state.secrets[secret_id].status is SecretStatus.PUBLISHED
    # the new report reaches the moderators as a new item, counting only itself
    assert len(h.db.state.items) == 2 and h.db.state.items[max(h.db.state.items)].detail == "1:harassment"


async def test_linking_a_moderators_chat_needs_admin_rights_there_too() -> None:
    h = await Harness().setup()
    h.directory.members["tiny"] = {"u1", "u2", "u3", "u4", "u5"}
    h.directory.admins["tiny"] = {"u1"}
    tiny = await h.service.register_community(PLATFORM, "tiny", "Tiny")
    hijack = await h.service.link_moderation_chat_as(h.actor("u1"), str(tiny.id), GROUP)
    assert "Only an admin of this chat" in text_of(hijack)
    group = next(c for c in h.db.state.communities.values() if c.chat_ref == GROUP)
    assert group.active and h.db.state.communities[tiny.id].moderation_chat_ref is None
    h.directory.admins["tiny-mods"] = {"u1"}
    ok = await h.service.link_moderation_chat_as(h.actor("u1"), str(tiny.id), "tiny-mods")
    assert "now receives the moderation queue of Tiny" in text_of(ok)


async def test_pseudonyms_never_collide_inside_a_thread() -> None:
    members = 40
    h = await Harness(members=members).setup()
    await h.post("u1", "Everyone, answer this.")
    secret_id = max(h.db.state.secrets)
    for n in range(2, members + 1):
        await h.service.start(h.actor(f"u{n}"), ReplyLink(h.token(secret_id)).encode())
        preview = await h.service.text(h.actor(f"u{n}"), f"answer number {n}")
        await h.press(f"u{n}", post_action(preview))
    names = {r.thread_key: r.pseudonym for r in h.db.state.replies.values()}
    assert len(names) == members - 1 and len(set(names.values())) == members - 1


async def test_moderators_are_kept_in_the_audit_under_another_key_than_their_author_key() -> None:
    h = await Harness().setup()
    preview = await h.service.text(h.actor("u1"), "REVIEWME audit")
    await h.press("u1", post_action(preview))
    await h.press("u6", Moderate(h.item(max(h.db.state.items)), ModOperation.APPROVE))
    ((_, moderator, *_),) = h.db.state.audit
    keys = h.anonymizer.keys(PLATFORM, "u6")
    assert moderator == keys.moderator(1)  # an alias in this community only
    assert moderator not in {keys.member(1), keys.preference(), keys.moderator(2)}
    assert len(h.messenger.to(MODS)) == 1


async def test_the_welcome_link_verifies_its_community_even_beyond_the_probe() -> None:
    from bot.usecases import membership

    h = await Harness().setup()
    limit, membership.MAX_COMMUNITIES_PROBED = membership.MAX_COMMUNITIES_PROBED, 0
    try:
        assert "aren't a member" in text_of(await h.service.text(h.actor("u2"), "Hello?"))
        community = next(iter(h.db.state.communities.values()))
        await h.service.start(h.actor("u2"), PostLink(community.id).encode())
        assert "Preview" in text_of(await h.service.text(h.actor("u2"), "Found my group."))
    finally:
        membership.MAX_COMMUNITIES_PROBED = limit


async def test_the_queue_cannot_be_linked_to_the_community_itself() -> None:
    h = await Harness().setup()
    community = next(iter(h.db.state.communities.values()))
    answer = await h.service.link_moderation_chat_as(h.actor("u6"), str(community.id), GROUP)
    assert "must go to a separate private chat" in text_of(answer)
    assert h.db.state.communities[community.id].moderation_chat_ref == MODS


async def test_reports_made_after_an_approval_do_not_count_against_the_reporter() -> None:
    h = await Harness(members=8).setup()
    await h.post("u1", "First one, reported then approved.")
    first = max(h.db.state.secrets)
    for user in ("u2", "u3", "u4"):
        await h.press(user, Report(h.token(first), ReportReason.HARASSMENT))
    await h.press("u6", Moderate(h.item(max(h.db.state.items)), ModOperation.APPROVE))
    h.clock.advance(days=1)
    await h.press(
        "u5", Report(h.token(first), ReportReason.HARASSMENT)
    )  # after the decision: nobody judged it
    await h.post("u2", "A second, unrelated one.")
    second = max(h.db.state.secrets)
    await h.press("u5", Report(h.token(second), ReportReason.HATE))
    weights = [w for (sid, key), (_, w, _) in h.db.state.reports.items() if sid == second]
    assert weights == [1.0]


async def test_making_a_community_public_shares_only_what_is_published_from_then_on() -> None:
    h = await Harness().setup()
    h.directory.members["elsewhere"] = {"u9", "u3", "u4", "u5", "u6"}
    await h.service.register_community(PLATFORM, "elsewhere", "Elsewhere")
    preview = await h.service.text(h.actor("u1"), "An old love story from when we were private.")
    draft_id = post_action(preview).draft
    await h.press("u1", CycleTopic(draft_id))
    await h.press("u1", Post(draft_id))
    await h.press("u9", ToggleSubscription("love"))
    h.clock.advance(days=90)
    community_id = next(c.id for c in h.db.state.communities.values() if c.chat_ref == GROUP)
    await h.press("u6", ChooseSetting(community_id, "public", 1))  # the admins share topics from now on
    assert len(h.card_refs()) == 1  # the old secret was published, with its topic
    assert "old love story" not in text_of(await h.service.command(h.actor("u9"), "latest"))
    h.clock.advance(minutes=1)
    preview = await h.service.text(h.actor("u2"), "A new love story, told after we went public.")
    draft_id = post_action(preview).draft
    await h.press("u2", CycleTopic(draft_id))
    await h.press("u2", Post(draft_id))
    assert "new love story" in text_of(await h.service.command(h.actor("u9"), "latest"))


async def test_communities_the_member_is_not_in_are_not_asked_again_at_every_tap() -> None:
    h = await Harness().setup()
    for n in range(20):
        h.directory.members[f"other{n}"] = {"x1", "x2", "x3", "x4", "x5"}
        await h.service.register_community(PLATFORM, f"other{n}", f"Other {n}")
    preview = await h.service.text(h.actor("u1"), "Count the questions.")
    first = h.directory.member_checks
    draft_id = post_action(preview).draft
    for _ in range(3):
        await h.press("u1", ToggleWarning(draft_id))
    assert h.directory.member_checks - first <= 1  # not 3 x 20 more
    await h.press("u1", Post(draft_id))
    assert len(h.card_refs()) == 1


async def test_a_crowded_thread_gives_numbered_names_rather_than_twice_the_same() -> None:
    from bot.usecases import posting

    h = await Harness(members=12).setup()
    attempts, posting.PSEUDONYM_ATTEMPTS = posting.PSEUDONYM_ATTEMPTS, 1  # force collisions
    try:
        await h.post("u1", "Crowded thread ahead.")
        secret_id = max(h.db.state.secrets)
        for n in range(2, 13):
            await h.service.start(h.actor(f"u{n}"), ReplyLink(h.token(secret_id)).encode())
            preview = await h.service.text(h.actor(f"u{n}"), f"voice number {n}")
            await h.press(f"u{n}", post_action(preview))
    finally:
        posting.PSEUDONYM_ATTEMPTS = attempts
    names = [r.pseudonym for r in h.db.state.replies.values()]
    assert len(names) == 11 and len(set(names)) == 11


async def test_with_a_publication_delay_numbers_follow_the_cards_not_the_dms(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot import delays
    from bot.usecases import posting

    class Draws:
        """Random draws under the test's control: in the window [30, 60] minutes, the first secret waits
        50 minutes, the second 30."""

        def __init__(self) -> None:
            self.delays = [1200, 0]
            self.placeholders = iter(range(1000, 2000))

        def randbelow(self, n: int) -> int:
            return self.delays.pop(0) if n <= 1801 else next(self.placeholders)

    draws = Draws()
    monkeypatch.setattr(posting, "secrets", draws)
    monkeypatch.setattr(delays, "secrets", draws)
    h = await Harness(CommunitySettings(publication_delay_seconds=3600)).setup()
    first = await h.service.text(h.actor("u1"), "Written first, published last.")
    answer = await h.press("u1", post_action(first))
    assert "in 30 to 60 minutes" in text_of(answer) and "#" not in text_of(answer)
    second = await h.service.text(h.actor("u2"), "Written second, published first.")
    await h.press("u2", post_action(second))
    h.clock.advance(minutes=29)
    await h.settle()
    assert h.cards() == []  # nothing before the window opens
    h.clock.advance(minutes=6)
    await h.settle()
    assert len(h.cards()) == 1
    h.clock.advance(minutes=20)
    await h.settle()
    cards = [s.message.text.plain_text for s in h.cards()]
    assert cards[0].startswith("#1\nWritten second") and cards[1].startswith("#2\nWritten first")
    latest = text_of(await h.service.command(h.actor("u3"), "latest"))  # newest card first, not newest DM
    assert latest.index("Written first") < latest.index("Written second")
