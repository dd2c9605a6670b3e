"""Commands typed in a group never make the bot write in it, and one group held back by Telegram holds back
no other chat (issue 16, point 5)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.telegram.harness import GROUP, post, running_telegram, setup_group, uid

# what members type in a group, forty in all: moderators' commands they have no right to, members'
# commands that only work in private, junk arguments (Unicode digits, ids past PostgreSQL's integer)
TYPED = [
    "/ban 1",
    "/ban 1 24h",
    "/remove 1",
    "/unban 1",
    "/bans",
    "/audit",
    "/audit ²",
    "/linkmods 1",
    "/linkmods ²",
    "/linkmods 99999999999",
    "/start",
    "/mine",
    "/help",
    "/latest",
    "/remove@murmure_test_bot 3",
    "/ban ٣ 7d",
    "/unban 99999999999",
    "/topics",
    "/cancel",
    "/nonsense",
] * 2


async def test_forty_commands_typed_by_members_in_a_group_write_nothing_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_telegram(tmp_path, monkeypatch) as t:
        await setup_group(t)
        await post(t, "alice", "A card before the commands.")
        await t.dm("carol", "/start")  # carol can be answered privately; bob never opened the bot
        await t.until(uid("carol"), "")
        in_group = len(t.tg.bot_messages(GROUP))
        for index, text in enumerate(TYPED):
            await t.tg.user_sends(uid("bob" if index % 2 else "carol"), GROUP, text)
        await t.tg.wait_updates_consumed()
        await t.tg.wait_until(lambda: len(t.tg.bot_messages(uid("carol"))) >= 2 + 12, within=10)
        assert len(t.tg.bot_messages(GROUP)) == in_group
        answers = [m.text or "" for m in t.tg.bot_messages(uid("carol"))]
        assert not [a for a in answers if "went wrong" in a], answers
        assert any("not an admin" in a or "admins" in a for a in answers), answers
        assert not t.tg.bot_messages(uid("bob"))


async def test_a_groups_flood_wait_holds_back_no_other_chat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The group answers every send with 429 for 5 s: its card waits that long, while a member's preview
    in private goes out at once (python-telegram-bot's own limiter paused every request of the bot)."""
    async with running_telegram(tmp_path, monkeypatch) as t:
        await setup_group(t)
        await t.dm("alice", "Held back with its group.")
        preview = await t.until(uid("alice"), "Preview")
        t.tg.flood_chat(GROUP, 5)
        flooded_at = time.monotonic()
        await t.click("alice", preview, "Post")
        await t.tg.wait_until(lambda: bool(t.tg.calls("sendMessage", ok=False)), within=5)
        await t.dm("bob", "Written while the group waits.")
        await t.until(uid("bob"), "Preview", within=2)
        previewed_after = time.monotonic() - flooded_at
        await t.until(GROUP, "Held back with its group", within=10)
        assert previewed_after < 2.5
        assert time.monotonic() - flooded_at >= 4.5
