"""The whole scenario where Telegram communities also live: a channel with its discussion group (cards in the
channel, replies as comments under Telegram's forward of each card) and a forum group (cards and replies in
the topic its admin chose)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.emulators.telegram import ChatMessage
from tests.support import card_recorded
from tests.telegram.harness import MODS, USERS, Telegram, running_telegram, uid

CHANNEL, DISCUSSION, FORUM = -1005550001, -1005550002, -1005550003
EVERYONE = [user_id for user_id, _, _ in USERS.values()]


async def _link_moderators(t: Telegram, community_chat: int) -> None:
    """The welcome tells the admins which number to link; they link their moderators' group with it."""
    welcome = await t.until(community_chat, "Murmure is here")
    number = re.search(r"/linkmods (\d+)", welcome.text or "")
    assert number is not None
    await t.tg.add_bot_to_group(MODS, uid("mod"))
    await t.tg.user_sends(uid("mod"), MODS, f"/linkmods {number[1]}")
    await t.until(MODS, "now receives the moderation queue")


def _now(t: Telegram, chat: int, message_id: int) -> ChatMessage:
    return next(m for m in t.tg.bot_messages(chat) if m.message_id == message_id)


async def _scenario(t: Telegram, chat: int) -> tuple[ChatMessage, list[ChatMessage]]:
    """Post, react, reply, report, moderate; returns the card and the bot's replies (wherever they went)."""
    tg, secret = t.tg, "I read my sister's diary when we were kids."
    await t.dm("alice", secret)
    await t.click("alice", await t.until(uid("alice"), "Preview"), "Post")
    card_id = (await t.until(chat, re.escape(secret))).message_id
    await tg.wait_until(lambda: card_recorded(t.data_dir / "murmure.db", secret), within=8)

    await t.click("bob", _now(t, chat, card_id), "❤️")
    await tg.wait_until(lambda: "❤️ 1" in str(_now(t, chat, card_id).buttons), within=8)

    await t.open_link("bob", _now(t, chat, card_id), "Reply")
    await t.until(uid("bob"), "Write your reply")
    await t.dm("bob", "I did the same with my brother's.")
    await t.click("bob", await t.until(uid("bob"), "Preview of your reply"), "Post")
    await tg.wait_until(lambda: "Reply (1)" in str(_now(t, chat, card_id).buttons), within=8)
    replies = [m for c in (chat, DISCUSSION) for m in tg.bot_messages(c) if "my brother's" in (m.text or "")]

    for name in ("bob", "carol", "dave"):
        await t.open_link(name, _now(t, chat, card_id), "Report")
        await t.click(name, await t.until(uid(name), "Why are you reporting"), "harassment")
        await t.until(uid(name), "Your report is anonymous")
    await tg.wait_until(lambda: "hidden" in (_now(t, chat, card_id).text or ""), within=8)
    item = await t.until(MODS, "To moderate")
    await t.click("mod", item, "Remove")
    await t.click("mod", await t.until(MODS, "Why remove it"), "harassment")
    await t.until(uid("alice"), "Reason: harassment")
    await tg.wait_until(lambda: "removed by the moderators" in (_now(t, chat, card_id).text or ""), within=8)
    await tg.wait_until(lambda: not tg.unanswered_callback_queries(), within=5)
    return _now(t, chat, card_id), replies


async def test_a_channel_with_its_discussion_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with running_telegram(tmp_path, monkeypatch) as t:
        tg = t.tg
        tg.add_channel(CHANNEL, "Night confessions", subscribers=EVERYONE, owner=uid("mod"))
        tg.add_group(DISCUSSION, "Night confessions chat", members=EVERYONE, admins=[uid("mod")])
        tg.link_discussion(CHANNEL, DISCUSSION)
        # the discussion group first: it becomes no community of its own, and gets no welcome
        await tg.add_bot_to_group(DISCUSSION, uid("mod"), admin=True)
        await tg.add_bot_to_group(CHANNEL, uid("mod"), admin=True)
        await _link_moderators(t, CHANNEL)

        card, replies = await _scenario(t, CHANNEL)
        # the reply is a comment: an answer to Telegram's forward of the card in the discussion group
        forward = tg.forward_of(CHANNEL, card.message_id)
        assert [(r.chat_id, r.reply_to, r.thread_id) for r in replies] == [
            (DISCUSSION, forward.message_id, forward.message_id)
        ]
        assert "removed by the moderators" in (forward.text or "")  # Telegram carried the edit
        assert not [m for m in tg.bot_messages(DISCUSSION) if "Murmure is here" in (m.text or "")]
        assert tg.calls("forwardMessage") == [] and tg.calls("copyMessage") == []


async def test_a_forum_group_in_the_topic_its_admin_chose(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_telegram(tmp_path, monkeypatch) as t:
        tg = t.tg
        tg.add_group(FORUM, "Night owls forum", members=EVERYONE, admins=[uid("mod")], forum=True)
        secrets_topic = await tg.add_topic(FORUM, "Secrets")
        await tg.add_bot_to_group(FORUM, uid("mod"))
        await _link_moderators(t, FORUM)
        await t.dm("mod", "/start")
        await tg.user_sends(uid("mod"), FORUM, "/topic", topic=secrets_topic)
        await t.until(uid("mod"), "will now be posted in this topic")

        card, replies = await _scenario(t, FORUM)
        assert card.thread_id == secrets_topic
        assert [(r.chat_id, r.reply_to, r.thread_id) for r in replies] == [
            (FORUM, card.message_id, secrets_topic)
        ]
        assert not [m for m in tg.bot_messages(FORUM) if m.thread_id is None and m.text.startswith("#")]
