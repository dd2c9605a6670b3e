"""Reports that act, weighted; bans, posting limits and escalating cooldowns on author keys; fixed clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.actions import Moderate, React, RemoveFor, ReplyLink, Report, ReportLink
from bot.limits import check_cooldown, cooldown_after, strikes_counter
from bot.messages import Alert
from bot.model import CommunitySettings, ModOperation, Reaction, ReportReason, SecretStatus
from bot.records import Counter
from bot.refusals import Refused
from bot.usecases.reacting import reporter_weight
from tests.core.harness import MODS, Harness, post_action, text_of


async def _secret(h: Harness, text: str = "Something people will have opinions about.") -> int:
    await h.post("u1", text)
    return max(h.db.state.secrets)


async def _report(h: Harness, user: str, secret_id: int) -> None:
    await h.service.start(h.actor(user), ReportLink(h.token(secret_id)).encode())
    await h.press(user, Report(h.token(secret_id), ReportReason.HARASSMENT))


def test_reporter_weight_formula() -> None:
    assert reporter_weight(new_member=False, upheld=0, rejected=0) == 1.0
    assert reporter_weight(new_member=True, upheld=0, rejected=0) == 0.25
    assert reporter_weight(new_member=False, upheld=2, rejected=0) == 1.5
    assert reporter_weight(new_member=False, upheld=10, rejected=0) == 2.0
    assert reporter_weight(new_member=False, upheld=0, rejected=1) == 0.5
    assert reporter_weight(new_member=False, upheld=0, rejected=4) == 0.1


async def test_a_secret_is_hidden_exactly_when_weighted_reports_reach_the_threshold() -> None:
    h = await Harness(members=12, established=6).setup()
    secret_id = await _secret(h)
    for user in ("u2", "u3", "u7", "u8", "u9"):  # 1 + 1 + 0.25 * 3 = 2.75 < 3
        await _report(h, user, secret_id)
    assert h.db.state.secrets[secret_id].status is SecretStatus.PUBLISHED
    await _report(h, "u10", secret_id)  # 3.0
    assert h.db.state.secrets[secret_id].status is SecretStatus.HIDDEN
    queue = h.messenger.to(MODS)
    assert len([s for s in queue if not s.edited]) == 1  # one item, counting every report
    assert "Hidden after 6 reports" in queue[-1].message.text.plain_text


async def test_five_brand_new_accounts_cannot_hide_a_secret() -> None:
    h = await Harness(members=12, established=6).setup()
    secret_id = await _secret(h)
    for user in ("u7", "u8", "u9", "u10", "u11"):
        await _report(h, user, secret_id)
    assert h.db.state.secrets[secret_id].status is SecretStatus.PUBLISHED
    # the moderators see them all the same, the card still up
    assert "Reported (5): harassment — still visible" in h.messenger.to(MODS)[-1].message.text.plain_text


async def test_members_become_established_after_a_week_of_membership() -> None:
    h = await Harness(members=12, established=6).setup()
    h.clock.advance(days=8)
    secret_id = await _secret(h)
    for user in ("u7", "u8", "u9"):
        await _report(h, user, secret_id)
    assert h.db.state.secrets[secret_id].status is SecretStatus.HIDDEN


async def test_members_seen_joining_are_new_when_the_platform_does_not_say() -> None:
    h = await Harness(members=12, established=6).setup()
    for user in ("u7", "u8", "u9", "u10", "u11"):
        h.directory.joined.pop(user)
        await h.service.member_joined(h.actor(user), "g")
    secret_id = await _secret(h)
    for user in ("u7", "u8", "u9", "u10", "u11"):
        await _report(h, user, secret_id)
    assert h.db.state.secrets[secret_id].status is SecretStatus.PUBLISHED
    for user in ("u2", "u3"):  # 1.25 + 2 = 3.25
        await _report(h, user, secret_id)
    assert h.db.state.secrets[secret_id].status is SecretStatus.HIDDEN


async def test_reports_the_moderators_reject_weigh_less_next_time() -> None:
    h = await Harness().setup()
    first = await _secret(h, "A harmless story about my cat.")
    for user in ("u2", "u3", "u4"):
        await _report(h, user, first)
    item_id = next(iter(h.db.state.items))
    await h.press("u6", Moderate(h.item(item_id), ModOperation.APPROVE))  # approved: the reports were wrong
    assert h.db.state.secrets[first].status is SecretStatus.PUBLISHED
    second = await _secret(h, "Another harmless story, about my dog this time.")
    for user in ("u2", "u3", "u4", "u5"):  # 0.5 * 3 + 1 = 2.5 < 3
        await _report(h, user, second)
    assert h.db.state.secrets[second].status is SecretStatus.PUBLISHED


async def test_bans_last_a_day_a_week_or_for_good() -> None:
    h = await Harness().setup()
    outcomes = []
    for operation, user in (
        (ModOperation.BAN_DAY, "u1"),
        (ModOperation.BAN_WEEK, "u2"),
        (ModOperation.BAN_FOREVER, "u3"),
    ):
        preview = await h.service.text(h.actor(user), f"REVIEWME from {user}")
        await h.press(user, post_action(preview))
        item_id = max(h.db.state.items)
        await h.press("u6", Moderate(h.item(item_id), operation))
        outcomes.append(h.messenger.to(f"dm-{user}")[-1].message.text.plain_text)
    assert "24 hours" in outcomes[0] and "7 days" in outcomes[1] and "banned you" in outcomes[2]
    h.clock.advance(days=2)
    assert "Preview" in text_of(await h.service.text(h.actor("u1"), "Back after a day."))
    assert "can't post in Group until" in text_of(await h.service.text(h.actor("u2"), "Back too early."))
    h.clock.advance(days=6)
    assert "Preview" in text_of(await h.service.text(h.actor("u2"), "Back after a week."))
    h.clock.advance(days=3650)
    assert "no longer post" in text_of(await h.service.text(h.actor("u3"), "Still here?"))
    assert [entry[3] for entry in h.db.state.audit] == ["ban_day", "ban_week", "ban_forever"]


async def test_posting_limits_per_author_follow_the_clock() -> None:
    h = await Harness(CommunitySettings(publication_delay_seconds=0, max_secrets_per_day=2)).setup()
    await h.post("u1", "First of the day.")
    h.clock.advance(hours=1)
    await h.post("u1", "Second of the day.")
    h.clock.advance(hours=1)
    preview = await h.service.text(h.actor("u1"), "Third of the day.")
    refused = await h.press("u1", post_action(preview))
    assert "2 secrets in Group today (UTC)" in text_of(refused)
    assert len(h.db.state.secrets) == 2
    h.clock.advance(hours=23)
    assert "will appear in Group as #3" in text_of(await h.press("u1", post_action(preview)))


async def test_reply_limits_per_author() -> None:
    h = await Harness(CommunitySettings(publication_delay_seconds=0, max_replies_per_hour=2)).setup()
    secret_id = await _secret(h)
    answers = []
    for n in range(3):
        await h.service.start(h.actor("u2"), ReplyLink(h.token(secret_id)).encode())
        preview = await h.service.text(h.actor("u2"), f"reply number {n}")
        answers.append(text_of(await h.press("u2", post_action(preview))))
    assert "posted as" in answers[0] and "posted as" in answers[1]
    assert "2 replies this hour" in answers[2]


async def test_repeated_blocked_posts_earn_escalating_cooldowns() -> None:
    assert [cooldown_after(n) for n in (1, 2)] == [None, None]
    assert [int(cooldown_after(n).total_seconds() // 60) for n in (3, 4, 5)] == [5, 10, 20]  # type: ignore[union-attr]
    h = await Harness().setup()
    for _ in range(3):
        assert "rethink" in text_of(await h.service.text(h.actor("u1"), "BLOCKME"))
    waiting = text_of(await h.service.text(h.actor("u1"), "A perfectly nice sentence."))
    assert "write again after 09:05 UTC" in waiting
    h.clock.advance(minutes=5)
    assert "rethink" in text_of(await h.service.text(h.actor("u1"), "BLOCKME again"))
    assert "after 09:15 UTC" in text_of(await h.service.text(h.actor("u1"), "Nice words."))
    h.clock.advance(minutes=10)
    assert "Preview" in text_of(await h.service.text(h.actor("u1"), "Nice words, at last."))
    assert "Preview" in text_of(await h.service.text(h.actor("u2"), "Others are not affected."))


async def test_new_authors_can_be_held_for_review() -> None:
    h = await Harness(CommunitySettings(publication_delay_seconds=0, hold_new_authors=True)).setup()
    preview = await h.service.text(h.actor("u1"), "My very first secret here.")
    assert "Sent to the moderators" in text_of(await h.press("u1", post_action(preview)))
    item = h.messenger.to(MODS)[-1].message.text.plain_text
    assert "First secret of a new author" in item
    await h.press("u6", Moderate(h.item(max(h.db.state.items)), ModOperation.APPROVE))
    await h.post("u1", "My second secret goes straight out.")
    assert len(h.card_refs()) == 2


async def test_the_audit_log_lists_decisions_for_admins_only() -> None:
    h = await Harness().setup()
    preview = await h.service.text(h.actor("u1"), "REVIEWME for the log")
    await h.press("u1", post_action(preview))
    await h.press("u6", Moderate(h.item(max(h.db.state.items)), ModOperation.REMOVE))
    await h.press("u6", RemoveFor(h.item(max(h.db.state.items)), ReportReason.SPAM))
    assert "Only the admins" in text_of(await h.service.audit(h.actor("u2"), "g"))
    log = text_of(await h.service.audit(h.actor("u6"), "g"))
    assert "Moderation actions in Group (page 1" in log and "#1 · removed spam" in log
    assert h.anonymizer.keys("test", "u6").moderator(1) not in log


async def test_a_banned_member_taps_a_reaction_in_vain_and_is_told_until_when() -> None:
    h = await Harness().setup()
    for operation, user in ((ModOperation.BAN_WEEK, "u1"), (ModOperation.BAN_FOREVER, "u3")):
        await h.press(user, post_action(await h.service.text(h.actor(user), f"REVIEWME from {user}")))
        await h.press("u6", Moderate(h.item(max(h.db.state.items)), operation))
    await h.post("u2", "A secret anyone in the group may react to.")
    secret = h.token(max(h.db.state.secrets))
    suspended = await h.press("u1", React(secret, Reaction.HEART))
    banned = await h.press("u3", React(secret, Reaction.HEART))
    assert [type(r) for r in suspended + banned] == [Alert, Alert]  # brief answers to a tap
    assert "suspended in Group until" in text_of(suspended) and "banned from Group" in text_of(banned)
    assert "added" in text_of(await h.press("u4", React(secret, Reaction.HEART)))
    async with h.db.unit_of_work() as uow:
        assert (await uow.reactions.counts(h.db.state.secrets[max(h.db.state.secrets)].id)).heart == 1


async def test_a_cooldown_uses_the_strikes_read_with_the_memberships_and_asks_for_the_others() -> None:
    h = await Harness().setup()
    keys, now = h.anonymizer.keys("test", "u1"), h.clock.now()
    read = next(iter(h.db.state.communities.values()))
    unread = replace(read, id=read.id + 100)
    async with h.db.unit_of_work() as uow:
        for _ in range(3):  # three strikes where the strikes were not read with the memberships
            await uow.members.bump_counter(
                strikes_counter(keys, unread.id, now), now, now + timedelta(hours=1)
            )
        found = {strikes_counter(keys, read.id, now): None}
        await check_cooldown(uow, keys, [read], now, found)
        with pytest.raises(Refused):
            await check_cooldown(uow, keys, [read, unread], now, found)
        stale = {strikes_counter(keys, read.id, now): Counter(3, now)}  # what was read is believed
        with pytest.raises(Refused):
            await check_cooldown(uow, keys, [read], now, stale)
