"""Trap groups: a group named like a real one is told apart, and the bot with four accounts is no audience."""

from __future__ import annotations

from pathlib import Path

import pytest
from telegram import Bot

from adapters.telegram.platform import TelegramDirectory
from tests.emulators.telegram import TelegramEmulator
from tests.telegram.harness import GROUP, populate, running_telegram, setup_group, uid

TRAP = -1005550000


async def test_a_trap_group_titled_like_the_real_one_is_told_apart_and_publishes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_telegram(tmp_path, monkeypatch) as t:
        await setup_group(t)  # "Night owls": six people and the bot
        # someone makes a group with the same title: the bot, an admin and three accounts (five heads)
        t.tg.add_group(
            TRAP, "Night owls", members=[uid("alice"), uid("bob"), uid("carol")], admins=[uid("mod")]
        )
        await t.tg.add_bot_to_group(TRAP, uid("mod"), admin=True)
        await t.until(TRAP, "Murmure is here")

        await t.dm("alice", "Something only the people who trapped me would like to read.")
        preview = await t.until(uid("alice"), "Preview")
        labels = [b["text"] for b in preview.buttons if "Night owls" in b.get("text", "")]
        assert len(labels) == 2 and len(set(labels)) == 2, labels  # two groups, never two look-alikes
        real = next(label for label in labels if "👥 6" in label)  # the bot is not a reader
        trap = next(label for label in labels if "👥 4" in label)

        await t.click("alice", preview, trap)
        chosen = await t.until(uid("alice"), "Group: Night owls · 👥 4")
        await t.click("alice", chosen, "Post")
        refusal = await t.until(uid("alice"), "needs at least 5 members")
        assert "Night owls" in (refusal.text or "")
        assert not [m for m in t.bot_messages(TRAP) if (m.text or "").startswith("#")]

        # the same preview can still go to the real group
        await t.click("alice", await t.until(uid("alice"), "Preview"), real)
        await t.click("alice", await t.until(uid("alice"), "Group: Night owls · 👥 6"), "Post")
        await t.until(uid("alice"), "will appear in")


async def test_privacy_is_answered_in_the_dm_in_english_and_french(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_telegram(tmp_path, monkeypatch) as t:
        await t.dm("alice", "/privacy")
        notice = await t.until(uid("alice"), "What Murmure keeps")
        assert "never who wrote them" in (notice.text or "")
        await t.dm("bob", "/language")
        menu = await t.until(uid("bob"), "")
        await t.click("bob", menu, "Français")
        await t.dm("bob", "/privacy")
        await t.until(uid("bob"), "Ce que Murmure garde")


async def test_a_network_error_while_counting_readers_is_unknown_not_zero() -> None:
    async with TelegramEmulator() as tg:
        populate(tg)
        await tg.add_bot_to_group(GROUP, uid("mod"))
        async with Bot(tg.token, base_url=tg.base_url) as bot:
            directory = TelegramDirectory(bot)
            assert await directory.reader_count(str(GROUP)) == 6
            tg.fail("getChatMemberCount")  # a 502 on the way: PTB's NetworkError
            assert await directory.reader_count(str(GROUP)) is None
            tg.fail("getChatAdministrators")
            assert await directory.reader_count(str(GROUP)) is None
            assert await directory.reader_count("-1009999999") == 0  # a chat the bot is not in: no one
