"""The whole product in a Telegram group, with the real python-telegram-bot against the emulator."""

from __future__ import annotations

import logging
import re
import sqlite3
from pathlib import Path

import pytest

from bot.actions import Moderate
from bot.anonymity import new_token
from bot.model import ModOperation
from tests.support import stored_bytes
from tests.telegram.harness import GROUP, MODS, USERS, Telegram, post, running_telegram, uid


async def _link_moderators(t: Telegram) -> None:
    await t.tg.add_bot_to_group(GROUP, uid("mod"), admin=True)
    welcome = await t.until(GROUP, "Murmure is here")
    assert t.payload(welcome, "Post a secret").startswith("post_")
    await t.tg.add_bot_to_group(MODS, uid("mod"))
    await t.dm("mod", "/start")
    await t.tg.user_sends(uid("mod"), GROUP, "/settings")  # the panel comes in the admin's DM
    panel = await t.until(uid("mod"), r"community number \d+")
    number = re.search(r"community number (\d+)", panel.text or "")
    assert number is not None
    await t.dm("erin", "/start")
    await t.dm("mod", "/start")
    await t.tg.join_group(uid("erin"), MODS)  # a member of the moderators' chat who is no admin of the group
    await t.tg.user_sends(uid("erin"), MODS, f"/linkmods {number[1]}")
    # a refusal is private: the group sees nothing
    await t.until(uid("erin"), "No community with this number that you administer")
    assert not [m for m in t.tg.bot_messages(MODS) if "No community with this number" in (m.text or "")]
    await t.tg.user_sends(uid("mod"), MODS, f"/linkmods {number[1]}")
    await t.until(uid("mod"), "people who aren't admins of that community can read it")
    await t.tg.leave_group(uid("erin"), MODS)
    await t.tg.user_sends(uid("mod"), MODS, f"/linkmods {number[1]}")
    await t.until(MODS, "now receives the moderation queue")


async def _reply(t: Telegram, name: str, card_text: str, text: str) -> None:
    card = await t.until(GROUP, re.escape(card_text))
    await t.open_link(name, card, "Reply")
    await t.until(uid(name), "Write your reply")
    await t.dm(name, text)
    preview = await t.until(uid(name), "Preview of your reply")
    await t.click(name, preview, "Post")
    await t.until(GROUP, re.escape(text))


async def test_the_whole_flow_in_a_telegram_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    secret = "I <3 my flatmate & I've never said it: <b>never</b>."
    async with running_telegram(tmp_path, monkeypatch) as t:
        tg = t.tg
        await _link_moderators(t)
        for name in USERS:
            await t.dm(name, "/start")
        await t.until(uid("erin"), "Send me a secret")

        await post(t, "alice", secret)
        card = await t.until(GROUP, re.escape(secret))
        assert card.parse_mode == "HTML" and card.text is not None and card.text.startswith("#1")
        assert card.entity_texts("bold") == ["#1"]  # the member's <b> came out as text, not markup

        # reactions: counts follow, a second tap removes
        await t.click("bob", card, "❤️")
        card = await t.until(GROUP, re.escape(secret))
        await tg.wait_until(lambda: "❤️ 1" in str(t.last_card().buttons), within=8)
        await t.click("carol", t.last_card(), "❤️")
        await tg.wait_until(lambda: "❤️ 2" in str(t.last_card().buttons), within=8)
        await t.click("carol", t.last_card(), "❤️")
        await tg.wait_until(lambda: "❤️ 1" in str(t.last_card().buttons), within=8)

        # anonymous replies in the thread, and the author's crown
        await _reply(t, "bob", secret, "Same here, honestly.")
        await _reply(t, "alice", secret, "Thank you, that helps.")
        replies = [m for m in tg.bot_messages(GROUP) if m.reply_to == t.last_card().message_id]
        assert len(replies) == 2
        assert (replies[0].text or "").startswith("💬 ") and "Roberto" not in (replies[0].text or "")
        assert (replies[1].text or "").startswith("💬 👑 Author")

        # three reports hide the card and queue it for the moderators' chat
        for name in ("bob", "carol", "dave"):
            await t.open_link(name, t.last_card(), "Report")
            reasons = await t.until(uid(name), "Why are you reporting #1")
            await t.click(name, reasons, "harassment")
            await t.until(uid(name), "Your report is anonymous")
        await tg.wait_until(lambda: "hidden" in (t.last_card().text or ""), within=8)
        item = await t.until(MODS, "To moderate")
        assert secret in (item.text or "") and "Alicia" not in (item.text or "")

        # the item's button pressed by someone who is no admin of the group; forged data
        await tg.user_clicks(uid("erin"), t.last_card(), t.data(item, "Approve"), forged=True)
        await tg.wait_until(lambda: not tg.unanswered_callback_queries(), within=5)
        await tg.user_clicks(
            uid("bob"), t.last_card(), Moderate(new_token(), ModOperation.APPROVE).encode(), forged=True
        )
        await tg.user_clicks(uid("bob"), t.last_card(), "not-our-data", forged=True)
        await tg.wait_until(lambda: not tg.unanswered_callback_queries(), within=5)
        assert "hidden" in (t.last_card().text or "")
        assert "To moderate" in (tg.last_message(MODS).text or "")

        # the moderator removes it with a reason; the author is told
        await t.click("mod", item, "Remove")
        reasons = await t.until(MODS, "Why remove it")
        await t.click("mod", reasons, "harassment")
        await t.until(uid("alice"), "Reason: harassment")
        await tg.wait_until(lambda: "removed by the moderators" in (t.last_card().text or ""), within=8)

        # a held secret, its author banned for 24 h, the next post refused
        await post(t, "dave", "Call me at 06 12 34 56 78 tonight.", "Submit to moderators")
        held = await t.until(MODS, "06 12 34 56 78")
        await t.click("mod", held, "Ban author 24h")
        await t.until(uid("dave"), "suspended you for 24 hours")
        await t.dm("dave", "Something else entirely.")
        await t.until(uid("dave"), "You can't post in Night owls until")

        # the bot is removed from the group: nothing more is sent there
        await tg.remove_bot_from_group(GROUP, uid("mod"))
        await t.dm("erin", "Anyone still here?")
        await t.until(uid("erin"), "aren't a member of any group")

        await tg.wait_until(lambda: not tg.unanswered_callback_queries(), within=5)
        assert tg.calls("forwardMessage") == [] and tg.calls("copyMessage") == []
        for call in tg.calls("sendMessage") + tg.calls("editMessageText"):
            assert call.params.get("parse_mode") == "HTML"
        assert "Forbidden" not in caplog.text
        # the menus, from the declared commands: members' ones in private chats, admins' ones in groups,
        # nothing that would do nothing where it is offered
        private, admins = {"type": "all_private_chats"}, {"type": "all_chat_administrators"}
        for language in ("", "fr"):
            menu = [c["command"] for c in tg.commands(language, private)]
            assert menu == [
                "start",
                "latest",
                "top",
                "topics",
                "digest",
                "mine",
                "language",
                "privacy",
                "export",
                "forget",
                "cancel",
                "help",
            ]
            assert [c["command"] for c in tg.commands(language, admins)] == [
                *(
                    "linkmods",
                    "topic",
                    "settings",
                    "audit",
                    "remove",
                    "ban",
                    "unban",
                    "bans",
                    "words",
                    "stats",
                )
            ]
            assert tg.commands(language) == [] and tg.commands(language, {"type": "all_group_chats"}) == []
        assert {c["description"] for c in tg.commands("fr", private)} & {"Changer de langue"}

    stored = stored_bytes(tmp_path)
    for user_id, first_name, username in USERS.values():
        for secret_value in (str(user_id), first_name, username):
            assert secret_value not in stored
            assert secret_value not in caplog.text
    assert t.tg.token not in caplog.text and t.tg.token.split(":")[1] not in stored
    with sqlite3.connect(tmp_path / "murmure.db") as db:
        communities = db.execute("select chat_ref, active from communities order by id").fetchall()
    assert (str(GROUP), 0) in communities
