"""The bot's menus come from the declared commands, per scope; what an earlier version left is cleared."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from telegram import Bot, BotCommand

from murmure.config import load_config
from murmure.platforms_app import run_platforms
from tests.emulators.telegram import TelegramEmulator
from tests.telegram.harness import keys_env, populate, write_config


async def test_a_menu_left_in_the_default_scope_is_cleared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with TelegramEmulator() as tg:
        keys_env(monkeypatch, tg.token)
        populate(tg)
        # what an earlier version set: the members' commands in the default scope, shown in groups too
        async with Bot(tg.token, base_url=tg.base_url) as earlier:
            for language in (None, "fr"):
                await earlier.set_my_commands([BotCommand("latest", "Latest")], language_code=language)
        assert tg.commands() and tg.commands("fr")
        stop = asyncio.Event()
        task = asyncio.create_task(
            run_platforms(load_config(write_config(tmp_path, tg)), stop, install_signals=False)
        )
        try:
            await tg.wait_for_request("getUpdates", within=10)
        finally:
            stop.set()
            await asyncio.wait_for(task, 15)
        assert tg.commands() == [] and tg.commands("fr") == []
        assert [c["command"] for c in tg.commands("fr", {"type": "all_private_chats"})][:2] == [
            "start",
            "latest",
        ]


async def test_the_bot_describes_itself_in_each_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a newcomer reads before their first message, and on the bot's profile, in their language."""
    async with TelegramEmulator() as tg:
        keys_env(monkeypatch, tg.token)
        populate(tg)
        assert tg.description() == ""
        stop = asyncio.Event()
        task = asyncio.create_task(
            run_platforms(load_config(write_config(tmp_path, tg)), stop, install_signals=False)
        )
        try:
            await tg.wait_for_request("getUpdates", within=10)
        finally:
            stop.set()
            await asyncio.wait_for(task, 15)
        assert "anonymously" in tg.description() and "anonymously" in tg.description(short=True)
        assert "anonymement" in tg.description("fr") and "anonymement" in tg.description("fr", short=True)
        assert tg.description("de") == tg.description()  # other languages get the English one
