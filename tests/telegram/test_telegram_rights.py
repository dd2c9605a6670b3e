"""A group that takes a right from the bot (sending messages) is not a group the bot left (issue 16): the
community stays on, its cards wait, the admins are told once in the moderators' chat, and the cards go out
when the right is given back. Telegram's own texts: ``400 Bad Request: not enough rights to send text
messages to the chat``, and ``my_chat_member`` to ``restricted`` with ``is_member``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.telegram.harness import GROUP, MODS, post, running_telegram, setup_group, uid

AUTHORS = ("alice", "bob", "carol")


async def test_a_right_taken_from_the_bot_keeps_the_community_on_and_its_cards_waiting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_telegram(tmp_path, monkeypatch) as t:
        await setup_group(t)
        await post(t, "dave", "A card before the rights were taken.")
        await t.tg.restrict_bot(GROUP, uid("mod"), messages=False)
        for name in AUTHORS:
            await t.dm(name, f"Held back by a missing right, says {name}.")
            preview = await t.until(uid(name), "Preview")
            await t.click(name, preview, "Post")  # still offered: the community is on
            await t.until(uid(name), "will appear in")
        notice = await t.until(MODS, "can't post in", within=15)
        assert "Night owls" in (notice.text or "")
        refused = t.tg.calls("sendMessage")
        assert any("not enough rights to send text messages" in str(c.response) for c in refused)
        await t.tg.restrict_bot(GROUP, uid("mod"), messages=True, photos=True)  # the right given back
        for name in AUTHORS:
            await t.until(GROUP, f"says {name}", within=30)
        cards = [m for m in t.tg.bot_messages(GROUP) if "Held back by a missing right" in (m.text or "")]
        assert len(cards) == len(AUTHORS)
        assert len([m for m in t.tg.bot_messages(MODS) if "can't post in" in (m.text or "")]) == 1
    logged = caplog.text
    assert "lacks a right to post there" in logged and "marked inactive" not in logged
    assert str(GROUP) not in logged and str(uid("alice")) not in logged
