"""What the core erases: a deleted secret's text and thread, drafts once posted or cancelled, stale ones in
the sweep, after which the store folds its log in."""

from __future__ import annotations

from bot.actions import AskDelete, Cancel, ConfirmDelete, React, ReplyLink
from bot.model import Reaction, SecretStatus
from tests.core.harness import Harness, post_action, text_of

MINE_NONE = "You haven't posted any secret yet. Send me some text to start."


async def test_a_posted_or_cancelled_preview_is_purged_and_says_so_when_pressed_again() -> None:
    h = await Harness().setup()
    preview = await h.service.text(h.actor("u1"), "Something I never told anyone.")
    post = post_action(preview)
    await h.press("u1", post)
    assert post.draft not in h.db.state.drafts
    assert "already posted, cancelled or has expired" in text_of(await h.press("u1", post))
    cancelled = post_action(await h.service.text(h.actor("u1"), "On second thoughts, no."))
    assert "cancelled" in text_of(await h.press("u1", Cancel(cancelled.draft))).lower()
    assert h.db.state.drafts == {}
    assert "already posted, cancelled or has expired" in text_of(await h.press("u1", cancelled))


async def test_a_reply_draft_is_purged_once_the_reply_is_posted() -> None:
    h = await Harness().setup()
    await h.post("u1", "A thread to answer.")
    secret_id = max(h.db.state.secrets)
    await h.service.start(h.actor("u2"), ReplyLink(h.token(secret_id)).encode())
    await h.press("u2", post_action(await h.service.text(h.actor("u2"), "An answer.")))
    assert h.db.state.drafts == {} and len(h.db.state.replies) == 1


async def test_the_sweep_purges_previews_left_open_a_day_then_checkpoints() -> None:
    h = await Harness().setup()
    await h.service.text(h.actor("u1"), "Written, never posted.")
    h.clock.advance(hours=23)
    await h.service.sweep()
    assert len(h.db.state.drafts) == 1
    h.clock.advance(hours=2)
    checkpoints = h.db.checkpoints
    assert await h.service.sweep() >= 1
    assert h.db.state.drafts == {} and h.db.checkpoints == checkpoints + 1


async def test_deleting_a_secret_erases_its_text_and_its_thread() -> None:
    h = await Harness().setup()
    await h.post("u1", "Erase this one.")
    secret_id = max(h.db.state.secrets)
    await h.press("u2", React(h.token(secret_id), Reaction.HEART))
    await h.service.start(h.actor("u3"), ReplyLink(h.token(secret_id)).encode())
    await h.press("u3", post_action(await h.service.text(h.actor("u3"), "Replying before it goes.")))
    await h.press("u1", AskDelete(h.token(secret_id)))
    await h.press("u1", ConfirmDelete(h.token(secret_id)))
    secret = h.db.state.secrets[secret_id]
    assert (secret.status, secret.text, secret.author_salt, secret.author_tag) == (
        SecretStatus.DELETED,
        "",
        b"",
        "",
    )
    assert [(r.text, r.thread_key) for r in h.db.state.replies.values()] == [("", "")]
    assert h.db.state.reactions == set() and h.db.state.thread_names == {}
    assert secret_id not in h.db.state.returns
    edits = [s.message.text.plain_text for s in h.messenger.to("g") if s.edited]
    assert any("deleted by its author" in edit for edit in edits)  # the card
    assert "This reply is hidden with its secret." in edits[-1]  # and its thread, already out
    assert text_of(await h.service.command(h.actor("u1"), "mine")) == MINE_NONE  # no tie left to its author


async def test_a_removed_secrets_text_is_erased_by_the_sweep_once_moderators_are_done_with_it() -> None:
    h = await Harness().setup()
    await h.post("u1", "Something the moderators will take down.")
    secret_id = max(h.db.state.secrets)
    number = h.db.state.secrets[secret_id].number
    assert "removed" in text_of(await h.service.sanction(h.actor("u6"), "g", "remove", str(number))).lower()
    h.clock.advance(days=6)
    await h.service.sweep()
    secret = h.db.state.secrets[secret_id]
    assert (secret.status, secret.text) == (SecretStatus.REMOVED, "Something the moderators will take down.")
    h.clock.advance(days=1, seconds=1)  # 7 days after it was written and after the decision
    await h.service.sweep()
    secret = h.db.state.secrets[secret_id]
    assert (secret.status, secret.text) == (SecretStatus.REMOVED, "")
