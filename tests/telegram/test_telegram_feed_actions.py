"""Acting from a feed page on Telegram: a reaction and a reply pressed under /latest change the card."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.telegram.harness import GROUP, post, running_telegram, setup_group, uid


async def test_reacting_and_replying_from_latest_change_the_card(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_telegram(tmp_path, monkeypatch) as t:
        await setup_group(t)
        await post(t, "alice", "I pretend to read the news at breakfast.")
        await t.dm("bob", "/latest")
        page = await t.until(uid("bob"), "Latest secrets")
        await t.click("bob", page, "#1 ❤️")
        await t.tg.wait_until(lambda: "❤️ 1" in str(t.last_card().buttons), within=8)

        await t.open_link("bob", page, "💬")
        await t.until(uid("bob"), "Write your reply to #1")
        await t.dm("bob", "So do I, it's all crosswords.")
        preview = await t.until(uid("bob"), "Preview of your reply")
        await t.click("bob", preview, "Post")
        reply = await t.until(GROUP, re.escape("So do I, it's all crosswords."))
        assert reply.reply_to == t.last_card().message_id
        await t.tg.wait_until(lambda: "(1)" in str(t.last_card().buttons), within=8)
