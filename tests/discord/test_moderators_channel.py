"""A Discord moderators' channel must be read by the community's admins only: a role or a member who can't
manage messages in the community's channel, given the moderators' channel, makes setup refuse it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.discord.harness import GENERAL, GUILD, MODS, populate, running_discord, uid
from tests.emulators.discord import VIEW_CHANNEL, DiscordEmulator

HELPERS_ROOM = 910000000000000041
ERIN_ROOM = 910000000000000042
SAY = {
    "en": ("en-US", "Not this moderators' channel", "is now a Murmure community"),
    "fr": ("fr", "Pas ce salon des modérateurs", "est maintenant une communauté Murmure"),
}


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_setup_refuses_a_moderators_channel_read_by_someone_who_is_no_admin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    locale, refused, done = SAY[lang]
    dc = DiscordEmulator()
    async with dc:
        await populate(dc, locale, more_channels=((HELPERS_ROOM, "helpers"), (ERIN_ROOM, "erin-and-mods")))
        helpers = dc.add_role(GUILD, "Helpers", 0)  # no Manage Messages
        dc.make_private(HELPERS_ROOM, [uid("mod")])
        dc.channels[HELPERS_ROOM].overwrites.append(
            {"id": str(helpers.id), "type": 0, "allow": str(VIEW_CHANNEL), "deny": "0"}
        )
        dc.make_private(ERIN_ROOM, [uid("mod"), uid("erin")])
        async with running_discord(tmp_path, monkeypatch, dc):
            for room in (HELPERS_ROOM, ERIN_ROOM):
                setup = await dc.user_runs_command(
                    uid("mod"), GUILD, GENERAL, "murmure", subcommand="setup", options={"moderators": room}
                )
                answer = (await setup.response())["data"]
                assert refused in answer["content"] and answer["flags"] & 64  # ephemeral
            assert not [m for m in dc.messages(GENERAL) if m.content and "Murmure" in m.content]
            setup = await dc.user_runs_command(
                uid("mod"), GUILD, GENERAL, "murmure", subcommand="setup", options={"moderators": MODS}
            )
            assert done in (await setup.response())["data"]["content"]
