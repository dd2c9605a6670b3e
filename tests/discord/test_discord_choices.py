"""Long choices on Discord: within 5 rows of 5, none dropped, labels cut on a word and told apart."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from bot.model import COLLECTIONS
from tests.discord.harness import MODS, TEXT_ID, USERS, Discord, running_discord, uid
from tests.emulators.discord import DiscordEmulator, Member

GUILD = 940000000000000001
LONG_NAME = (
    "The Friendly Association of Night Owls, Insomniacs, Early Birds and Every Other Creature "
    "That Cannot Sleep Well"
)
ROOMS = [(940000000000000100 + n, f"room-{n}") for n in range(1, 9)]


async def _eight_channels(dc: DiscordEmulator) -> None:
    for user_id, username, display in USERS.values():
        dc.add_user(user_id, username, display)
    await dc.add_guild(
        GUILD,
        LONG_NAME,
        owner_id=uid("mod"),
        channels=[*ROOMS, (MODS, "moderators")],
        members=[Member(user_id, joined=time.time() - 30 * 86400) for user_id, _, _ in USERS.values()],
    )
    dc.make_private(MODS, [uid("mod")])


async def _set_up(d: Discord) -> None:
    for channel_id, _ in ROOMS:
        setup = await d.dc.user_runs_command(
            uid("mod"), GUILD, channel_id, "murmure", subcommand="setup", options={"moderators": MODS}
        )
        await setup.response()


async def test_eight_communities_with_long_names_are_all_offered_and_told_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with DiscordEmulator() as dc:
        await _eight_channels(dc)
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            await _set_up(d)
            opened = await dc.user_runs_command(uid("alice"), GUILD, ROOMS[0][0], "secret")
            await opened.response()
            submitted = await dc.user_submits_modal(
                uid("alice"), opened, {TEXT_ID: "Eight rooms, one secret."}
            )
            await submitted.response()
            preview = submitted.original()
            offered = [c for c in d.choices(preview) if "room-" in c]
            assert len(offered) == len(ROOMS)  # none dropped
            assert len(set(offered)) == len(ROOMS)  # told apart, though the names are long
            for label in offered:
                assert len(label) <= 100
                assert re.search(r"room-\d · 👥 \d+ · c\d+$", label)  # the part that differs is kept
                start = label.split("…")[0]
                assert LONG_NAME.startswith(start) and (start == LONG_NAME or LONG_NAME[len(start)] in " ,")
            chosen = await d.click("alice", preview, "room-8")
            assert "room-8" in (chosen.original().content or "")
            await d.click("alice", chosen.original(), "Post")
            await dc.wait_until(
                lambda: any("Eight rooms" in (m.content or "") for m in dc.messages(ROOMS[7][0]))
            )


async def test_every_topic_and_the_digest_switch_are_offered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with DiscordEmulator() as dc:
        await _eight_channels(dc)
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            await _set_up(d)
            topics = await dc.user_runs_command(uid("bob"), GUILD, ROOMS[0][0], "topics")
            await topics.response()
            offered = d.choices(topics.original())
            assert len(offered) == len(COLLECTIONS) + 1, offered
            assert len(topics.original().components) <= 5
            await d.click("bob", topics.original(), offered[-1])  # the DM digest switch works
            await dc.wait_until(lambda: d.choices(topics.original()) != offered)
