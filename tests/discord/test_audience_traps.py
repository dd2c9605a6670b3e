"""A channel whose readers the bot can't count (hidden from a role) is refused at setup, with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.discord.harness import GENERAL, GUILD, MODS, ephemeral_answer, populate, running_discord, uid
from tests.emulators.discord import VIEW_CHANNEL, DiscordEmulator

STAFF = 910000000000000031


async def test_a_channel_hidden_by_a_role_is_refused_at_setup_with_the_way_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dc = DiscordEmulator()
    async with dc:
        await populate(dc, more_channels=((STAFF, "staff-lounge"),))
        newcomers = dc.add_role(GUILD, "Newcomers", 0)
        # @everyone may read, but a role most members have may not: the server's count says nothing
        dc.channels[STAFF].overwrites = [
            {"id": str(newcomers.id), "type": 0, "allow": "0", "deny": str(VIEW_CHANNEL)}
        ]
        async with running_discord(tmp_path, monkeypatch, dc):
            setup = await dc.user_runs_command(
                uid("mod"), GUILD, STAFF, "murmure", subcommand="setup", options={"moderators": MODS}
            )
            answer = (await setup.response())["data"]
            assert "can't count who reads this channel" in answer["content"]
            assert (
                "every member of the server can read" in answer["content"] and answer["flags"] & 64
            )  # ephemeral
            assert not [m for m in dc.messages(STAFF) if "Murmure is here" in (m.content or "")]


async def test_privacy_is_a_command_answered_privately_in_the_members_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dc = DiscordEmulator()
    async with dc:
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc):
            asked = await dc.user_runs_command(uid("alice"), GUILD, GENERAL, "privacy")
            assert "What Murmure keeps" in await ephemeral_answer(asked, "What Murmure keeps")
