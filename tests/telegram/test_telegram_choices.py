"""Long choices on Telegram: no row wider than clients show (8), none dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.telegram.harness import USERS, running_telegram, uid

GROUPS = [(-1002000000000 - n, f"Group {n}") for n in range(1, 13)]


async def test_twelve_groups_are_offered_in_rows_of_at_most_eight(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_telegram(tmp_path, monkeypatch) as t:
        everyone = [user_id for user_id, _, _ in USERS.values()]
        for chat_id, title in GROUPS:
            t.tg.add_group(chat_id, title, members=everyone, admins=[uid("mod")])
            await t.tg.add_bot_to_group(chat_id, uid("mod"), admin=True)
            await t.until(chat_id, "Murmure is here")
        await t.dm("alice", "/start")
        await t.dm("alice", "Twelve groups and one secret.")
        preview = await t.until(uid("alice"), "Preview")
        rows = (preview.reply_markup or {})["inline_keyboard"]
        assert max(len(row) for row in rows) <= 8
        offered = [b["text"] for row in rows for b in row if "Group " in b["text"]]
        titles = [label.split(" · ")[0] for label in offered]  # "Group 3 · 👥 6 · c3": title, readers, code
        assert sorted(titles) == sorted(title for _, title in GROUPS)
