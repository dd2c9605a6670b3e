"""Every report reaches the moderators: a first report queues a visible "reported (1)" item that later
reports update; the threshold still hides at once; a moderator's report hides and asks for a decision; the
reporter is told what will really happen."""

from __future__ import annotations

from bot.actions import Moderate, ReplyLink, Report, ReportReply
from bot.model import ModOperation, ReplyStatus, ReportReason, SecretStatus
from tests.core.harness import MODS, Harness, post_action, text_of


async def _secret(h: Harness) -> int:
    await h.post("u1", "A secret people will report.")
    return max(h.db.state.secrets)


async def test_one_report_queues_a_visible_reported_item_and_the_threshold_hides_at_once() -> None:
    h = await Harness().setup()
    secret_id = await _secret(h)
    ack = await h.press("u2", Report(h.token(secret_id), ReportReason.SPAM))
    assert "in the moderation queue of Group; it stays visible" in text_of(ack)
    assert h.db.state.secrets[secret_id].status is SecretStatus.PUBLISHED
    queue = h.messenger.to(MODS)
    assert len(queue) == 1 and "Reported (1): spam — still visible" in queue[0].message.text.plain_text
    assert "A secret people will report." in queue[0].message.text.plain_text
    assert "u1" not in queue[0].message.text.plain_text

    await h.press("u3", Report(h.token(secret_id), ReportReason.HATE))
    assert "Reported (2): spam, hate — still visible" in h.messenger.to(MODS)[-1].message.text.plain_text
    assert h.messenger.to(MODS)[-1].edited and h.messenger.to(MODS)[-1].ref == queue[0].ref

    ack = await h.press("u4", Report(h.token(secret_id), ReportReason.HATE))
    assert "it is hidden now" in text_of(ack)
    assert h.db.state.secrets[secret_id].status is SecretStatus.HIDDEN
    assert "Hidden after 3 reports: spam, hate" in h.messenger.to(MODS)[-1].message.text.plain_text
    assert len([s for s in h.messenger.to(MODS) if not s.edited]) == 1


async def test_a_moderators_report_hides_at_once_and_asks_for_a_decision() -> None:
    h = await Harness().setup()
    secret_id = await _secret(h)
    ack = await h.press("u6", Report(h.token(secret_id), ReportReason.PERSONAL_INFO))
    assert "You moderate Group: it is hidden now" in text_of(ack)
    assert h.db.state.secrets[secret_id].status is SecretStatus.HIDDEN
    item = h.messenger.to(MODS)[-1].message.text.plain_text
    assert "Hidden by a moderator's report, waiting for a decision" in item
    item_id = max(h.db.state.items)
    await h.press("u6", Moderate(h.item(item_id), ModOperation.APPROVE))
    assert h.db.state.secrets[secret_id].status is SecretStatus.PUBLISHED


async def test_a_first_report_on_a_reply_is_queued_without_hiding_it() -> None:
    h = await Harness().setup()
    secret_id = await _secret(h)
    await h.service.start(h.actor("u2"), ReplyLink(h.token(secret_id)).encode())
    await h.press("u2", post_action(await h.service.text(h.actor("u2"), "A borderline reply.")))
    reply_id = max(h.db.state.replies)
    ack = await h.press("u3", ReportReply(h.reply_token(reply_id), ReportReason.HARASSMENT))
    assert "stays visible" in text_of(ack)
    assert h.db.state.replies[reply_id].status is ReplyStatus.PUBLISHED
    text = h.messenger.to(MODS)[-1].message.text.plain_text
    assert "a reply under Group #1" in text and "Reported (1): harassment — still visible" in text


async def test_without_a_moderators_chat_the_reporter_is_told_so() -> None:
    h = Harness()
    await h.service.register_community("test", "g", "Group")
    await h.dispatcher.drain()
    secret_id = await _secret(h)
    ack = await h.press("u2", Report(h.token(secret_id), ReportReason.SPAM))
    assert "Group has no moderators' chat yet" in text_of(ack)
