"""Replies moderated like secrets: reported, queued, removed or kept, deleted by their author, hidden with
their secret; their authors stay unknown to moderators."""

from __future__ import annotations

from bot.actions import (
    AskDelete,
    ConfirmDelete,
    DeleteReply,
    Moderate,
    RemoveFor,
    ReplyLink,
    Report,
    ReportReply,
    ReportReplyLink,
)
from bot.model import ModOperation, QueueStatus, ReplyStatus, ReportReason, SecretStatus
from tests.core.harness import GROUP, MODS, Harness, post_action, text_of
from tests.fakes import Sent


async def _secret(h: Harness, user: str = "u1") -> int:
    await h.post(user, "A secret with a thread under it.")
    return max(h.db.state.secrets)


async def _reply(h: Harness, user: str, secret_id: int, text: str) -> int:
    await h.service.start(h.actor(user), ReplyLink(h.token(secret_id)).encode())
    preview = await h.service.text(h.actor(user), text)
    await h.press(user, post_action(preview))
    return max(h.db.state.replies)


def _shown(h: Harness, reply_id: int) -> Sent:
    """The reply as the group sees it now (its last version)."""
    ref = h.db.state.replies[reply_id].message_ref
    return [s for s in h.messenger.to(GROUP) if s.ref == ref][-1]


async def _report_reply(h: Harness, reply_id: int, users: tuple[str, ...]) -> None:
    for user in users:
        reasons = await h.service.start(h.actor(user), ReportReplyLink(h.reply_token(reply_id)).encode())
        assert "Why are you reporting this reply under #1" in text_of(reasons)
        await h.press(user, ReportReply(h.reply_token(reply_id), ReportReason.HARASSMENT))


async def test_a_reported_reply_is_hidden_queued_and_removed_by_a_moderator() -> None:
    h = await Harness().setup()
    secret_id = await _secret(h)
    reply_id = await _reply(h, "u2", secret_id, "You deserve everything bad, idiot.")
    shown = _shown(h, reply_id)
    assert [b.link for row in shown.message.buttons for b in row] == [
        ReportReplyLink(h.reply_token(reply_id))
    ]

    await _report_reply(h, reply_id, ("u3", "u4"))
    assert "already reported" in text_of(
        await h.press("u3", ReportReply(h.reply_token(reply_id), ReportReason.HATE))
    )
    assert h.db.state.replies[reply_id].status is ReplyStatus.PUBLISHED
    await _report_reply(h, reply_id, ("u5",))
    assert h.db.state.replies[reply_id].status is ReplyStatus.HIDDEN
    assert "hidden while moderators look" in _shown(h, reply_id).message.text.plain_text
    assert h.db.state.secrets[secret_id].status is SecretStatus.PUBLISHED  # the secret stays

    item = h.messenger.to(MODS)[-1]
    text = item.message.text.plain_text
    assert "a reply under Group #1" in text and "You deserve everything bad" in text
    assert "harassment" in text and "u2" not in text
    item_id = max(h.db.state.items)
    assert h.db.state.items[item_id].reply_id == reply_id

    assert "Only the admins" in text_of(await h.press("u3", Moderate(h.item(item_id), ModOperation.REMOVE)))
    assert "Why remove it" in text_of(await h.press("u6", Moderate(h.item(item_id), ModOperation.REMOVE)))
    await h.press("u6", RemoveFor(h.item(item_id), ReportReason.HARASSMENT))
    assert h.db.state.items[item_id].status is QueueStatus.REMOVED
    assert h.db.state.replies[reply_id].status is ReplyStatus.REMOVED
    assert "removed by the moderators" in _shown(h, reply_id).message.text.plain_text
    assert _shown(h, reply_id).message.buttons == ()
    card = [s for s in h.messenger.to(GROUP) if s.ref == h.db.state.secrets[secret_id].card_ref][-1]
    assert "Reply" in card.message.buttons[1][0].label and "(1)" not in card.message.buttons[1][0].label
    audit = text_of(await h.service.audit(h.actor("u6"), GROUP))
    assert "a reply under #1" in audit and "harassment" in audit
    # a removed reply can't be reported again
    again = await h.service.start(h.actor("u3"), ReportReplyLink(h.reply_token(reply_id)).encode())
    assert "no longer available" in text_of(again)


async def test_a_moderator_keeps_a_hidden_reply_or_bans_its_author() -> None:
    h = await Harness(settings=None).setup()
    secret_id = await _secret(h)
    kept = await _reply(h, "u2", secret_id, "An honest opinion.")
    await _report_reply(h, kept, ("u3", "u4", "u5"))
    item_id = max(h.db.state.items)
    await h.press("u6", Moderate(h.item(item_id), ModOperation.APPROVE))
    assert h.db.state.replies[kept].status is ReplyStatus.PUBLISHED
    assert "An honest opinion." in _shown(h, kept).message.text.plain_text

    banned = await _reply(h, "u3", secret_id, "Something nasty.")
    await _report_reply(h, banned, ("u2", "u4", "u5"))
    item_id = max(h.db.state.items)
    await h.press("u6", Moderate(h.item(item_id), ModOperation.BAN_DAY))
    assert h.db.state.replies[banned].status is ReplyStatus.REMOVED
    refused = await h.service.text(h.actor("u3"), "A new secret from the banned member.")
    assert "You can't post in Group until" in text_of(refused)


async def test_an_author_deletes_their_reply_and_no_one_else_can() -> None:
    h = await Harness().setup()
    secret_id = await _secret(h)
    await h.service.start(h.actor("u2"), ReplyLink(h.token(secret_id)).encode())
    preview = await h.service.text(h.actor("u2"), "I regret writing this.")
    posted = await h.press("u2", post_action(preview))
    reply_id = max(h.db.state.replies)
    delete = posted[0].message.buttons[0][0]
    assert delete.action == DeleteReply(h.reply_token(reply_id), False)
    assert "Nothing was changed" in text_of(await h.press("u3", DeleteReply(h.reply_token(reply_id), True)))
    assert h.db.state.replies[reply_id].status is ReplyStatus.PUBLISHED
    confirm = await h.press("u2", DeleteReply(h.reply_token(reply_id), False))
    assert "Delete your reply under #1?" in text_of(confirm)
    done = await h.press("u2", DeleteReply(h.reply_token(reply_id), True))
    assert "Your reply under #1 was deleted" in text_of(done)
    assert h.db.state.replies[reply_id].status is ReplyStatus.DELETED
    assert "deleted by its author" in _shown(h, reply_id).message.text.plain_text
    assert "no longer available" in text_of(await h.press("u2", DeleteReply(h.reply_token(reply_id), True)))


async def test_replies_are_hidden_with_their_secret_and_come_back_with_it() -> None:
    h = await Harness(members=9).setup()
    secret_id = await _secret(h)
    replies = [
        await _reply(h, "u2", secret_id, "First answer."),
        await _reply(h, "u3", secret_id, "Second answer."),
        await _reply(h, "u1", secret_id, "The author answers."),
    ]
    for user in ("u2", "u3", "u4"):
        await h.press(user, Report(h.token(secret_id), ReportReason.SPAM))
    for reply_id in replies:
        assert "hidden with its secret" in _shown(h, reply_id).message.text.plain_text
    item_id = max(h.db.state.items)
    await h.press("u6", Moderate(h.item(item_id), ModOperation.APPROVE))
    assert "First answer." in _shown(h, replies[0]).message.text.plain_text
    assert "👑 Author" in _shown(h, replies[2]).message.text.plain_text

    for user in ("u5", "u7", "u8"):  # reports judged already don't count again
        await h.press(user, Report(h.token(secret_id), ReportReason.HATE))
    item_id = max(h.db.state.items)
    await h.press("u6", Moderate(h.item(item_id), ModOperation.REMOVE))
    await h.press("u6", RemoveFor(h.item(item_id), ReportReason.HATE))
    for reply_id in replies:
        shown = _shown(h, reply_id).message
        assert "hidden with its secret" in shown.text.plain_text and shown.buttons == ()
        assert "answer" not in shown.text.plain_text


async def test_a_secret_deleted_by_its_author_hides_its_replies() -> None:
    h = await Harness().setup()
    secret_id = await _secret(h)
    reply_id = await _reply(h, "u2", secret_id, "A reply that goes with it.")
    await h.press("u1", AskDelete(h.token(secret_id)))
    await h.press("u1", ConfirmDelete(h.token(secret_id)))
    assert "hidden with its secret" in _shown(h, reply_id).message.text.plain_text
