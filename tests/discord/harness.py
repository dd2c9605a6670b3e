"""The real discord.py client of the adapter, run in-process against the Discord emulator."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from murmure.config import load_config
from murmure.platforms_app import run_platforms
from tests.emulators.discord import DiscordEmulator, Member, Message, PendingInteraction
from tests.support import STARTUP_SECONDS, FixedClock, card_recorded, publishing_at_once
from tests.telegram.harness import keys_env

GUILD = 910000000000000001
GENERAL = 910000000000000011
MODS = 910000000000000012
USERS = {  # raw ids, usernames and display names that must never reach the database or the logs
    "alice": (920000000000000101, "alicia_dc", "Alicia Display"),
    "bob": (920000000000000102, "roberto_dc", "Roberto Display"),
    "carol": (920000000000000103, "carolina_dc", "Carolina Display"),
    "dave": (920000000000000104, "davide_dc", "Davide Display"),
    "erin": (920000000000000105, "erinna_dc", "Erinna Display"),
    "mod": (920000000000000106, "modesta_dc", "Modesta Display"),
}
TEXT_ID = "murmure:text"


def uid(name: str) -> int:
    return USERS[name][0]


async def populate(
    dc: DiscordEmulator, locale: str = "en-US", more_channels: tuple[tuple[int, str], ...] = ()
) -> None:
    for user_id, username, display in USERS.values():
        dc.add_user(user_id, username, display, locale)
    await dc.add_guild(
        GUILD,
        "Night owls",
        owner_id=uid("mod"),
        channels=[(GENERAL, "general"), (MODS, "moderators"), *more_channels],
        # members for a month: established, their reports count in full
        members=[Member(user_id, joined=time.time() - 30 * 86400) for user_id, _, _ in USERS.values()],
    )
    dc.make_moderator(GUILD, uid("mod"))
    dc.make_private(MODS, [uid("mod")])


def discord_config(tmp_path: Path, dc: DiscordEmulator, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path}/murmure.db"\n'
        f'[discord]\napi_base_url = "{dc.api_base}"\ngateway_url = "{dc.gateway_url}"\n'
        f"guild_ready_timeout = 0.05\n{publishing_at_once(extra)}",
        encoding="utf-8",
    )
    return path


def readable(data: Mapping[str, Any]) -> str:
    """What a member reads of a message or response body: its content, and the embed a long text goes in."""
    embeds = data.get("embeds") or []
    return "\n".join([data.get("content") or "", *(str(e.get("description") or "") for e in embeds)])


async def ephemeral_answer(asked: PendingInteraction, pattern: str) -> str:
    """The text of a command's private answer: the response itself, or the original edited after a defer."""
    answer = await asked.response()
    if answer["type"] == 4:
        assert answer["data"]["flags"] & 64, answer  # ephemeral: no one else sees who asked
        return readable(answer["data"])
    await asked.emulator.wait_until(
        lambda: re.search(pattern, readable(vars(asked.original()))) is not None, within=8
    )
    assert asked.original().flags & 64
    return readable(vars(asked.original()))


def button_counts(row: list[Any]) -> list[int]:
    """The reaction counts a card's row of buttons shows (a label "❤️ 3" counts 3)."""
    return [int(str(button["label"]).split()[-1]) for button in row]


@dataclass
class Discord:
    dc: DiscordEmulator
    database: Path | None = None

    async def until(self, channel_id: int, pattern: str, within: float = 8.0) -> Message:
        regex = re.compile(pattern)

        def found() -> Message | None:
            for message in reversed(self.dc.messages(channel_id)):
                if regex.search(message.content or "") or any(
                    regex.search(str(e.get("description", ""))) for e in message.embeds
                ):
                    return message
            return None

        await self.dc.wait_until(lambda: found() is not None, within=within)
        message = found()
        assert message is not None
        return message

    def cards(self) -> list[Message]:
        return [
            m
            for m in self.dc.messages(GENERAL)
            if not m.from_interaction and re.match(r"\*\*\\#\d+\*\*", m.content or "")
        ]

    def card(self, number: int) -> Message:
        return next(m for m in self.cards() if (m.content or "").startswith(f"**\\#{number}**"))

    def counts(self, number: int) -> list[int]:
        """The reaction counts card ``number`` shows."""
        return button_counts(self.card(number).components[0]["components"])

    async def dm_until(self, name: str, pattern: str) -> Message:
        """The newest message in a member's DM with the bot matching ``pattern``, waiting for it."""
        await self.dc.wait_until(lambda: self.dc.dm_channel_id(uid(name)) is not None, within=8)
        channel = self.dc.dm_channel_id(uid(name))
        assert channel is not None
        return await self.until(channel, pattern)

    @staticmethod
    def custom_id(message: Message, label: str) -> str:
        for row in message.components:
            for component in row.get("components", []):
                if label in str(component.get("label", "")):
                    return str(component["custom_id"])
        raise AssertionError(f"no button {label!r} on {message.content!r}")

    @staticmethod
    def choices(message: Message) -> list[str]:
        """Every choice a message offers: its buttons' labels and its select menus' options."""
        labels = []
        for component in message.walk_components():
            if component.get("type") == 2:
                labels.append(str(component.get("label", "")))
            labels += [str(option["label"]) for option in component.get("options", [])]
        return labels

    async def click(self, name: str, message: Message, label: str) -> PendingInteraction:
        """A click on the button labelled ``label``, or the choice of that option in a select menu."""
        for component in message.walk_components():
            for option in component.get("options", []):
                if label in str(option["label"]) and component.get("type") == 3:
                    pending = await self.dc.user_clicks(
                        uid(name), message, str(component["custom_id"]), [str(option["value"])]
                    )
                    await pending.response()
                    return pending
        pending = await self.dc.user_clicks(uid(name), message, self.custom_id(message, label))
        await pending.response()
        return pending

    async def write_secret(self, name: str, text: str) -> PendingInteraction:
        """/secret, the modal, the ephemeral preview; returns the submit interaction."""
        opened = await self.dc.user_runs_command(uid(name), GUILD, GENERAL, "secret")
        assert (await opened.response())["type"] == 9
        submitted = await self.dc.user_submits_modal(uid(name), opened, {TEXT_ID: text})
        await submitted.response()
        # an answer later than the acknowledgement's budget comes as an edit of a deferred one
        await self.dc.wait_until(lambda: _shown(submitted.original()), within=8)
        return submitted

    async def post(self, name: str, text: str) -> Message:
        """Write and confirm a secret; returns its card once it is in the channel."""
        before = len(self.cards())
        submitted = await self.write_secret(name, text)
        # a preview later than the acknowledgement's budget comes as an edit of a deferred answer
        await self.dc.wait_until(
            lambda: any("Post" in c for c in self.choices(submitted.original())), within=8
        )
        preview = submitted.original()
        await self.click(name, preview, "Post")
        await self.dc.wait_until(lambda: len(self.cards()) > before, within=8)
        if self.database is not None:
            database = self.database
            await self.dc.wait_until(lambda: card_recorded(database, text), within=8)
        return self.cards()[-1]


def _shown(message: Message) -> bool:
    """Whether a message shows anything yet (a deferred answer shows nothing until it is edited)."""
    return bool(message.content or message.embeds or message.components)


async def set_up_server(d: Discord) -> None:
    """The moderator runs ``/murmure setup`` in the server's general channel, naming the moderators' channel."""
    setup = await d.dc.user_runs_command(
        uid("mod"), GUILD, GENERAL, "murmure", subcommand="setup", options={"moderators": MODS}
    )
    await setup.response()
    await d.until(GENERAL, "Murmure is here")


@asynccontextmanager
async def set_up_discord(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: FixedClock | None = None
) -> AsyncIterator[Discord]:
    """An emulated Discord with the usual members (``populate``), the adapter running on it, the server set up;
    ``clock`` as ``running_discord`` takes it."""
    async with DiscordEmulator() as dc:
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc, clock=clock) as d:
            await set_up_server(d)
            yield d


@asynccontextmanager
async def running_discord(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    dc: DiscordEmulator,
    extra: str = "",
    clock: FixedClock | None = None,
    startup_within: float = STARTUP_SECONDS,
) -> AsyncIterator[Discord]:
    """The adapter running in this process; ``clock`` replaces the system's for the core (digest times,
    notice windows), moved by the test."""
    keys_env(monkeypatch, "unused-telegram-token")
    monkeypatch.setenv("MURMURE_DISCORD_TOKEN", dc.token)
    config = load_config(discord_config(tmp_path, dc, extra))
    stop = asyncio.Event()
    with dc.patch_discord():
        task: asyncio.Task[Any] = asyncio.create_task(
            run_platforms(config, stop, install_signals=False, clock=clock)
        )
        try:
            # the start (migrations on a new database, login, gateway) takes seconds when several suites
            # share the machine's cores: waited for generously, it isn't what these tests measure
            await dc.wait_for_request("PUT", r"/applications/\d+/commands", within=startup_within)
            await dc.wait_until(lambda: bool(dc.live_sessions()), within=startup_within)
            await asyncio.sleep(0.2)  # READY and GUILD_CREATE handled, guild_ready_timeout passed
            yield Discord(dc, tmp_path / "murmure.db")
        finally:
            stop.set()
            await asyncio.wait_for(task, 15)
