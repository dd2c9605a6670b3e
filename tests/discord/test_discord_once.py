"""A message Discord created whose answer never came back is not posted twice when the send is retried
(issue 16, point 1): every card, reply and queue item is sent with a nonce made from what it is, which
Discord enforces."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.discord.harness import GENERAL, GUILD, MODS, Discord, populate, running_discord, uid
from tests.emulators.discord import DiscordEmulator


async def _setup(d: Discord) -> None:
    setup = await d.dc.user_runs_command(
        uid("mod"), GUILD, GENERAL, "murmure", subcommand="setup", options={"moderators": MODS}
    )
    await setup.response()
    await d.until(GENERAL, "Murmure is here")


async def test_a_card_whose_answer_was_lost_is_posted_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with DiscordEmulator() as dc:
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            await _setup(d)
            dc.drop_after_acting(rf"^POST /channels/{GENERAL}/messages$")
            card = await d.post("alice", "Created once, answered never.")
            await asyncio.sleep(2.5)  # the dispatcher's retry, 1 s later, has gone out
            posts = dc.calls("POST", rf"^/channels/{GENERAL}/messages$")
            assert len(posts) >= 3  # the welcome, the dropped send and its retry
            copies = [m for m in dc.messages(GENERAL) if "Created once" in (m.content or "")]
            assert [m.id for m in copies] == [card.id]
            assert (d.card(1).content or "").startswith("**\\#1**")
