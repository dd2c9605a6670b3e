"""The real python-telegram-bot application of the adapter, run in-process against the emulator."""

from __future__ import annotations

import asyncio
import base64
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from murmure.config import load_config
from murmure.platforms_app import run_platforms
from tests.emulators.telegram import ChatMessage, TelegramEmulator
from tests.support import STARTUP_SECONDS, FixedClock, card_recorded, publishing_at_once

GROUP = -1001234567
MODS = -1009876543
USERS = {  # raw ids, first names and usernames that must never reach the database or the logs
    "alice": (5550101, "Alicia", "alicia_tg"),
    "bob": (5550102, "Roberto", "roberto_tg"),
    "carol": (5550103, "Carolina", "carolina_tg"),
    "dave": (5550104, "Davide", "davide_tg"),
    "erin": (5550105, "Erinna", "erinna_tg"),
    "mod": (5550106, "Modesta", "modesta_tg"),
}


def uid(name: str) -> int:
    return USERS[name][0]


@dataclass
class Telegram:
    tg: TelegramEmulator
    data_dir: Path

    def bot_messages(self, chat_id: int) -> list[ChatMessage]:
        return self.tg.bot_messages(chat_id)

    def last_card(self) -> ChatMessage:
        """The newest secret card in the group (cards start with their number)."""
        cards = [
            m
            for m in self.tg.bot_messages(GROUP)
            if (m.text or m.caption or "").startswith("#") and m.reply_to is None
        ]
        assert cards, "no card in the group"
        return cards[-1]

    def last(self, chat_id: int) -> ChatMessage:
        return self.tg.bot_messages(chat_id)[-1]

    async def until(self, chat_id: int, pattern: str, within: float = 8.0, after: int = 0) -> ChatMessage:
        """The newest bot message in a chat whose text matches, waiting for it; with ``after``, only one
        sent after the message of that id (an earlier one that matched is no answer to what follows it)."""
        regex = re.compile(pattern)

        def found() -> ChatMessage | None:
            for message in reversed(self.tg.bot_messages(chat_id)):
                if message.message_id <= after:
                    break
                shown = message.text or message.caption  # a photo message shows its caption
                if shown and regex.search(shown):
                    return message
            return None

        await self.tg.wait_until(lambda: found() is not None, within=within)
        message = found()
        assert message is not None
        return message

    @staticmethod
    def data(message: ChatMessage, label: str) -> str:
        for button in message.buttons:
            if label in button.get("text", "") and "callback_data" in button:
                return str(button["callback_data"])
        raise AssertionError(f"no callback button {label!r} on {message.text!r}: {message.buttons}")

    def payload(self, message: ChatMessage, label: str) -> str:
        for button in message.buttons:
            if label in button.get("text", "") and "url" in button:
                return self.tg.deep_link(str(button["url"]))
        raise AssertionError(f"no link button {label!r} on {message.text!r}")

    async def dm(self, name: str, text: str) -> None:
        await self.tg.user_sends(uid(name), uid(name), text)

    async def click(self, name: str, message: ChatMessage, label: str) -> None:
        await self.tg.user_clicks(uid(name), message, self.data(message, label))

    async def open_link(self, name: str, message: ChatMessage, label: str) -> None:
        await self.tg.user_opens_deep_link(uid(name), self.payload(message, label))


def keys_env(monkeypatch: pytest.MonkeyPatch, token: str) -> None:
    monkeypatch.setenv("MURMURE_TELEGRAM_TOKEN", token)
    monkeypatch.setenv("MURMURE_PEPPER", base64.b64encode(b"t" * 32).decode())
    monkeypatch.setenv("MURMURE_SEALING_KEY", base64.b64encode(b"s" * 32).decode())
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


def write_config(tmp_path: Path, tg: TelegramEmulator, extra: str = "") -> Path:
    """The adapter with Telegram's production limits (20 a minute per group), as the emulator enforces."""
    path = tmp_path / "config.toml"
    path.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path}/murmure.db"\n'
        f'[telegram]\nbase_url = "{tg.base_url}"\nbase_file_url = "{tg.base_file_url}"\n'
        f"poll_timeout = 1\n{publishing_at_once(extra)}",
        encoding="utf-8",
    )
    return path


def populate(tg: TelegramEmulator, languages: dict[str, str] | None = None) -> None:
    for name, (user_id, first_name, username) in USERS.items():
        tg.add_user(user_id, first_name, username, (languages or {}).get(name, "en"))
    everyone = [user_id for user_id, _, _ in USERS.values()]
    tg.add_group(GROUP, "Night owls", members=everyone, admins=[uid("mod")])
    tg.add_group(MODS, "Night owls moderators", members=[uid("mod")], admins=[uid("mod")])


async def setup_group(t: Telegram) -> None:
    """The bot added to the group by its admin, and the admin's moderators' chat linked."""
    await t.tg.add_bot_to_group(GROUP, uid("mod"), admin=True)
    await t.until(GROUP, "Murmure is here")
    await t.tg.add_bot_to_group(MODS, uid("mod"))
    await t.dm("mod", "/start")
    await t.tg.user_sends(uid("mod"), GROUP, "/settings")  # the panel comes in the admin's DM
    panel = await t.until(uid("mod"), r"community number \d+")
    number = re.search(r"community number (\d+)", panel.text or "")
    assert number is not None
    await t.tg.user_sends(uid("mod"), MODS, f"/linkmods {number[1]}")
    await t.until(MODS, "now receives the moderation queue")


async def post(t: Telegram, name: str, text: str, button: str = "Post") -> ChatMessage:
    """A member writes in DM and confirms; returns the card once it is in the group."""
    await t.dm(name, text)
    preview = await t.until(uid(name), "Preview")
    await t.click(name, preview, button)
    await t.until(uid(name), "will appear in|Sent to the moderators")
    if button != "Post":
        return preview
    card = await t.until(GROUP, re.escape(text))
    await t.tg.wait_until(lambda: card_recorded(t.data_dir / "murmure.db", text), within=8)
    return card


@asynccontextmanager
async def running_telegram(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    extra: str = "",
    ready: str = "getUpdates",
    languages: dict[str, str] | None = None,
    clock: FixedClock | None = None,
    startup_within: float = STARTUP_SECONDS,
) -> AsyncIterator[Telegram]:
    """The adapter running in this process; ``ready`` is the request that shows it is listening; ``clock``
    replaces the system's for the core (digest times, notice windows), moved by the test."""
    async with TelegramEmulator() as tg:
        keys_env(monkeypatch, tg.token)
        populate(tg, languages)
        config = load_config(write_config(tmp_path, tg, extra))
        stop = asyncio.Event()
        task = asyncio.create_task(run_platforms(config, stop, install_signals=False, clock=clock))
        try:
            # the start (migrations on a new database, the library's start) takes seconds when several
            # suites share the machine's cores: waited for generously, it isn't what these tests measure
            await tg.wait_for_request(ready, within=startup_within)
            yield Telegram(tg, tmp_path)
        finally:
            stop.set()
            await asyncio.wait_for(task, 15)
