"""The whole product in a Discord server, with the real discord.py against the emulator."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from bot.actions import Moderate, React, ReplyLink
from bot.anonymity import new_token
from bot.model import ModOperation, Reaction
from tests.discord.harness import (
    GENERAL,
    GUILD,
    MODS,
    TEXT_ID,
    USERS,
    Discord,
    populate,
    running_discord,
    uid,
)
from tests.emulators.discord import DiscordEmulator, EmulatorError
from tests.support import stored_bytes

EPHEMERAL = 64


async def _reply(d: Discord, name: str, number: int, text: str) -> None:
    opened = await d.dc.user_clicks(uid(name), d.card(number), d.custom_id(d.card(number), "Reply"))
    assert (await opened.response())["type"] == 9
    submitted = await d.dc.user_submits_modal(uid(name), opened, {TEXT_ID: text})
    await submitted.response()
    await d.click(name, submitted.original(), "Post")
    await d.until(d.card(number).id, re.escape(text))


async def test_the_whole_flow_in_a_discord_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    secret = "I <3 my flatmate & I've *never* said it ~~out loud~~ || not even once."
    async with DiscordEmulator() as dc:
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            commands = {c["name"]: c for c in dc.commands() if c.get("type", 1) == 1}  # slash commands
            assert {"secret", "murmure", "latest", "top", "topics", "mine"} <= set(commands)
            assert commands["secret"]["description_localizations"].get("fr")
            assert commands["latest"]["name_localizations"].get("fr") == "derniers"
            # the declared commands Discord offers: no /cancel (replies are written in a modal), no /start
            assert set(commands) == {
                "secret",
                "latest",
                "top",
                "topics",
                "digest",
                "mine",
                "language",
                "privacy",
                "export",
                "forget",
                "help",
                "murmure",
            }
            digest_options = {o["name"]: o for o in commands["digest"]["options"]}
            assert list(digest_options) == ["time", "zone"]  # both optional: /digest alone says when
            assert not any(o.get("required") for o in digest_options.values())
            assert commands["digest"]["name_localizations"].get("fr") == "resume"
            admin = {o["name"]: o for o in commands["murmure"]["options"]}
            assert list(admin) == [
                "setup",
                "settings",
                "audit",
                "remove",
                "ban",
                "unban",
                "bans",
                "words",
                "stats",
            ]
            (moderators,) = admin["setup"]["options"]
            assert moderators["name"] == "moderators" and moderators["description_localizations"].get("fr")

            # setup: only who can manage the server; the channel becomes a community
            with pytest.raises(EmulatorError, match="hidden"):  # Discord hides it from who can't manage
                await dc.user_runs_command(uid("erin"), GUILD, GENERAL, "murmure", subcommand="setup")
            public = await dc.user_runs_command(uid("mod"), GUILD, GENERAL, "murmure", subcommand="setup",
                                                options={"moderators": GENERAL})  # fmt: skip
            assert "must be another channel" in (await public.response())["data"]["content"]
            setup = await dc.user_runs_command(uid("mod"), GUILD, GENERAL, "murmure", subcommand="setup",
                                               options={"moderators": MODS})  # fmt: skip
            assert "is now a Murmure community" in (await setup.response())["data"]["content"]
            await d.until(GENERAL, "Murmure is here")

            # /secret: a modal, a private preview, then a plain bot message in the channel
            card = await d.post("alice", secret)
            assert not card.from_interaction and card.allowed_mentions == {"parse": []}
            assert "\\*never\\*" in (card.content or "") and "\\~\\~out loud\\~\\~" in (card.content or "")
            assert "\\|\\|" in (card.content or "")

            # reactions with counts; a second tap removes
            await d.click("bob", d.card(1), "❤️")
            await dc.wait_until(lambda: "❤️ 1" in str(d.card(1).components), within=8)
            await d.click("carol", d.card(1), "❤️")
            await dc.wait_until(lambda: "❤️ 2" in str(d.card(1).components), within=8)
            await d.click("carol", d.card(1), "❤️")
            await dc.wait_until(lambda: "❤️ 1" in str(d.card(1).components), within=8)

            # replies in a thread on the card, with the author's crown
            await _reply(d, "bob", 1, "Same here, honestly.")
            await _reply(d, "alice", 1, "Thank you, that helps.")
            thread = [m.content or "" for m in dc.messages(d.card(1).id)]
            assert thread[0].startswith("**💬 ") and "Roberto" not in thread[0]
            assert thread[1].startswith("**💬 👑 Author**")

            # reports hide the card and queue it in the moderators' channel
            for name in ("bob", "carol", "dave"):
                asked = await d.click(name, d.card(1), "Report")
                reasons = asked.original()
                assert reasons.ephemeral
                await d.click(name, reasons, "harassment")
            await dc.wait_until(lambda: "hidden" in (d.card(1).content or ""), within=8)
            item = await d.until(MODS, "To moderate")
            assert "Alicia" not in (item.content or "")

            # no rights, forged ids: nothing changes
            denied_click = await d.click("erin", item, "Approve")
            assert "Only the admins" in str(denied_click.answers)
            forged_ids = (
                Moderate(new_token(), ModOperation.APPROVE).encode(),
                React(new_token(), Reaction.HEART).encode(),
                "link:" + ReplyLink(new_token()).encode(),
                "zzz",
            )
            for data in forged_ids:
                forged = await dc.user_clicks(uid("bob"), d.card(1), data, forged=True)
                assert "expired" in str((await forged.response())["data"]["content"])
            assert "hidden" in (d.card(1).content or "")

            # the moderator removes it with a reason; the author is told in a DM
            await d.click("mod", item, "Remove")
            await d.click("mod", dc.message(item.id), "harassment")
            alice_dm = await d.dm_until("alice", "Reason: harassment")
            assert alice_dm
            await dc.wait_until(lambda: "removed by the moderators" in (d.card(1).content or ""), within=8)

            # a DM to the bot works too; a held secret; a 24 h ban; the next post refused
            await dc.user_sends_dm(uid("dave"), "Call me at 06 12 34 56 78 tonight.")
            preview = await d.dm_until("dave", "Preview")
            await d.click("dave", preview, "Submit to moderators")
            held = await d.until(MODS, "06 12 34 56 78")
            await d.click("mod", held, "Ban author 24h")
            await d.dm_until("dave", "suspended you for 24 hours")
            await dc.user_sends_dm(uid("dave"), "Something else entirely.")
            await d.dm_until("dave", "You can't post in Night owls")

            await dc.user_sends_dm(uid("carol"), "Posted from my DMs, no slash command.")
            from_dm = await d.dm_until("carol", "Preview")
            await d.click("carol", from_dm, "Post")
            await d.until(GENERAL, "Posted from my DMs")

        # every interaction acknowledged in time; no public interaction response with content
        assert dc.ack_delays() and max(dc.ack_delays().values()) < 3
        for message in dc.messages(GENERAL) + dc.messages(MODS):
            if message.from_interaction:
                assert message.ephemeral, message.content
            else:
                assert message.allowed_mentions == {"parse": []}

        # restart: a new client on the same database; buttons on old cards still work
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            await d.click("erin", d.card(3), "😂")  # dave is banned: he could not
            await dc.wait_until(lambda: "😂 1" in str(d.card(3).components), within=8)

    stored = stored_bytes(tmp_path)
    for user_id, username, display in USERS.values():
        for value in (str(user_id), username, display):
            assert value not in stored
            assert value not in caplog.text
    assert dc.token not in caplog.text and dc.token not in stored
