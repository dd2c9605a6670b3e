"""The author of a secret chooses, at each reply in its thread, to sign it 👑 Author or not; unsigned, the
reply goes under another pseudonym that nothing ties to their signed replies."""

from __future__ import annotations

from bot.actions import DeleteReply, Post, PostWithoutCrown, ReplyLink
from bot.messages import Response, Say
from tests.core.harness import GROUP, Harness, text_of


def _buttons(responses: list[Response]) -> dict[str, object]:
    return {
        b.label: b.action for r in responses if isinstance(r, Say) for row in r.message.buttons for b in row
    }


async def _reply_preview(h: Harness, user: str, token: str, text: str, locale: str = "en") -> list[Response]:
    await h.service.start(h.actor(user, locale), ReplyLink(token).encode())  # type: ignore[arg-type]
    return await h.service.text(h.actor(user, locale), text)


async def test_the_author_replies_with_or_without_the_crown() -> None:
    h = await Harness().setup()
    await h.post("u1", "I water my neighbour's plants and talk to them.")
    secret = h.db.state.secrets[max(h.db.state.secrets)]

    preview = await _reply_preview(h, "u1", secret.token, "Signed: yes, it was me.")
    assert "sign your reply 👑 Author, or post it without the crown" in text_of(preview)
    buttons = _buttons(preview)
    signed = buttons["✅ Post as 👑 Author"]
    assert isinstance(signed, Post) and isinstance(buttons["✅ Post without 👑"], PostWithoutCrown)
    await h.press("u1", signed)
    preview = await _reply_preview(h, "u1", secret.token, "Unsigned: I agree with the author.")
    await h.press("u1", _buttons(preview)["✅ Post without 👑"])  # type: ignore[arg-type]

    crowned, plain = sorted(h.db.state.replies.values(), key=lambda r: r.id)
    assert crowned.by_author and not plain.by_author
    assert crowned.pseudonym != plain.pseudonym and crowned.thread_key != plain.thread_key
    shown = [s.message.text.plain_text for s in h.messenger.to(GROUP) if s.target.reply_to is not None]
    assert any("👑" in line and "Signed" in line for line in shown)
    assert any("👑" not in line and "Unsigned" in line for line in shown)
    # still the author's own reply: they may delete it
    assert "Delete your reply" in text_of(await h.press("u1", DeleteReply(plain.token, False)))
    assert "expired" in text_of(await h.press("u2", DeleteReply(plain.token, False)))


async def test_only_the_author_is_offered_the_choice_in_english_and_french() -> None:
    h = await Harness().setup()
    await h.post("u1", "I still sleep with a night light.")
    secret = h.db.state.secrets[max(h.db.state.secrets)]
    member = _buttons(await _reply_preview(h, "u2", secret.token, "Me too, honestly."))
    assert "✅ Post" in member and not any("👑" in label for label in member)
    author = _buttons(await _reply_preview(h, "u1", secret.token, "Merci à tous.", "fr"))
    assert {"✅ Publier en 👑 Auteur", "✅ Publier sans 👑"} <= set(author)
    # a member pressing "without the crown" on a forged button just posts as themselves
    await h.press("u2", PostWithoutCrown(next(iter(h.db.state.drafts))))
    (reply,) = h.db.state.replies.values()
    assert not reply.by_author and reply.thread_key == h.anonymizer.keys("test", "u2").thread(secret.id)
