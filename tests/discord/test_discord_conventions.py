"""Discord's own ways: a card's message menu replies, threads are named after the secret, the words are
Discord's ("server", "channel", never "group")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.discord.harness import (
    GENERAL,
    GUILD,
    TEXT_ID,
    populate,
    running_discord,
    set_up_server,
    uid,
)
from tests.emulators.discord import DiscordEmulator

MENU = "Reply anonymously"


async def test_reply_anonymously_from_a_cards_menu_in_a_thread_named_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with DiscordEmulator() as dc:
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            (menu,) = [c for c in dc.commands() if c.get("type") == 3]
            assert menu["name"] == MENU and menu["name_localizations"]["fr"] == "Répondre anonymement"
            await set_up_server(d)
            card = await d.post("alice", "I still sleep with my childhood teddy bear.")

            opened = await dc.user_runs_message_command(uid("bob"), card, MENU)
            assert (await opened.response())["type"] == 9  # the reply form, as the card's Reply button
            submitted = await dc.user_submits_modal(uid("bob"), opened, {TEXT_ID: "So do I, no shame."})
            await submitted.response()
            await d.click("bob", submitted.original(), "Post")
            await d.until(card.id, "So do I")
            assert dc.channels[card.id].name == "💬 #1"

            welcome = await d.until(GENERAL, "Murmure is here")
            elsewhere = await dc.user_runs_message_command(uid("bob"), welcome, MENU)
            answer = (await elsewhere.response())["data"]
            assert "isn't a secret's card" in answer["content"] and answer["flags"] & 64


async def test_discord_words_are_server_and_channel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with DiscordEmulator() as dc:
        await populate(dc)
        dc.users[uid("carol")].locale = "fr"
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            await dc.user_sends_dm(uid("alice"), "Nobody knows I quit my job.")
            nowhere = await d.dm_until("alice", "server channel")
            assert "group" not in (nowhere.content or "")
            await set_up_server(d)
            for name, word in (("alice", "channel"), ("carol", "salon")):
                asked = await dc.user_runs_command(uid(name), GUILD, GENERAL, "help")
                text = (await asked.response())["data"]["content"]
                assert word in text and not re.search(r"group|/cancel", text), text
            await dc.user_sends_dm(uid("alice"), "Nobody knows I quit my job.")
            preview = await d.dm_until("alice", "Preview")
            assert "Channel: " in (preview.content or "") and "Group" not in (preview.content or "")
