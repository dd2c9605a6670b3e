"""Commands typed as text in a community's channel never make the bot write there (issue 16, point 5). On
Discord the bot asks for no guild-messages intent: it is never told what is typed in a channel, so a member
can't make it spend the channel's rate limit; its slash commands are answered ephemerally (tested with each
command)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.discord.harness import GENERAL, GUILD, MODS, populate, running_discord, uid
from tests.emulators.discord import DiscordEmulator

TYPED = [
    "/secret I want this published",
    "/murmure settings",
    "/murmure ban 1",
    "/murmure remove 1",
    "/mine",
    "/latest",
    "/help",
    "/start reply_²",
    "/nonsense",
    "<@{bot}> /help",  # the bot mentioned: Discord would send a mention's content even without the intent
] * 4


async def test_forty_commands_typed_in_a_channel_write_nothing_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with DiscordEmulator() as dc:
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            setup = await dc.user_runs_command(
                uid("mod"), GUILD, GENERAL, "murmure", subcommand="setup", options={"moderators": MODS}
            )
            await setup.response()
            await d.until(GENERAL, "Murmure is here")
            card = await d.post("alice", "A card before the commands.")
            before = len(dc.requests)
            for index, text in enumerate(TYPED):
                await dc.user_sends(uid("bob" if index % 2 else "mod"), GENERAL, text.format(bot=dc.bot_id))
            await dc.user_sends_dm(uid("carol"), "After the typing.")  # the bot still listens, in DM
            await d.dm_until("carol", "After the typing")
            since = dc.requests[before:]
            written = [r for r in since if r.method in ("POST", "PATCH", "PUT", "DELETE")]
            assert all(f"/channels/{GENERAL}/" not in r.path for r in written), [r.path for r in written]
            assert [m.id for m in dc.messages(GENERAL) if m.author_id == dc.bot_id][-1] == card.id
            # what was typed never reached the bot: it is not told what members type in channels
            assert not [e for e in dc.sent_events if e["t"] == "MESSAGE_CREATE" and "/" in e["d"]["content"]]
