"""Acting from a feed page on Discord: a reaction and a reply chosen under /latest change the card."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.discord.harness import GENERAL, GUILD, MODS, TEXT_ID, populate, running_discord, uid
from tests.emulators.discord import DiscordEmulator


async def test_reacting_and_replying_from_latest_change_the_card(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with DiscordEmulator() as dc:
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            setup = await dc.user_runs_command(uid("mod"), GUILD, GENERAL, "murmure", subcommand="setup",
                                               options={"moderators": MODS})  # fmt: skip
            await setup.response()
            card = await d.post("alice", "I pretend to read the news at breakfast.")
            latest = await dc.user_runs_command(uid("bob"), GUILD, GENERAL, "latest")
            await latest.response()
            page = latest.original()
            assert page.ephemeral and "#1 ❤️" in d.choices(page)
            await d.click("bob", page, "#1 ❤️")
            await dc.wait_until(lambda: "❤️ 1" in str(d.card(1).components), within=8)

            opened = await d.click("bob", page, "💬")
            reply = "So do I, it's all crosswords."
            submitted = await dc.user_submits_modal(uid("bob"), opened, {TEXT_ID: reply})
            await submitted.response()
            await d.click("bob", submitted.original(), "Post")
            await d.until(card.id, re.escape(reply))
