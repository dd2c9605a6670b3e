"""/export and /forget on Discord, as a dialogue: the export comes as an attachment of a private answer, and
deleting everything takes the card down from the channel; Alice speaks English, Bob French."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.discord.harness import GENERAL, GUILD, MODS, Discord, populate, running_discord, uid
from tests.emulators.discord import EPHEMERAL, DiscordEmulator, Message, PendingInteraction


async def _answer(d: Discord, pending: PendingInteraction, pattern: str) -> Message:
    """The private answer to a command: at once, or after a "thinking…" (then the original is edited)."""
    await pending.response()
    await d.dc.wait_until(lambda: pattern in (pending.original().content or ""), within=8)
    return pending.original()


async def test_export_and_forget_on_discord_in_english_and_french(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dc = DiscordEmulator()
    async with dc:
        await populate(dc)
        dc.users[uid("bob")].locale = "fr"
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            setup = await dc.user_runs_command(
                uid("mod"), GUILD, GENERAL, "murmure", subcommand="setup", options={"moderators": MODS}
            )
            await setup.response()
            await d.post("alice", "I learnt to swim at forty and told no one.")
            written = await d.write_secret("bob", "J'ai raté mon permis cinq fois et personne ne le sait.")
            await d.click("bob", written.original(), "Publier")
            await dc.wait_until(lambda: len(d.cards()) == 2, within=8)
            card = d.cards()[-1]

            export = await _answer(
                d, await dc.user_runs_command(uid("alice"), GUILD, GENERAL, "export"), "Your 1"
            )
            assert export.flags & EPHEMERAL and "Your 1 secrets and 0 replies" in (export.content or "")
            (attachment,) = export.attachments
            assert attachment["filename"].endswith(".json")
            data = json.loads(dc.attachment_contents[int(attachment["id"])])
            assert [s["text"] for s in data["secrets"]] == ["I learnt to swim at forty and told no one."]

            choice = await _answer(
                d, await dc.user_runs_command(uid("bob"), GUILD, GENERAL, "forget"), "M'oublier"
            )
            await d.click("bob", choice, "Tout supprimer")
            confirm = await d.until(GENERAL, "Supprimer 1 secrets et 0 réponses")
            await d.click("bob", confirm, "Oui, tout supprimer")
            await d.until(GENERAL, "sont effacés et retirés des salons")
            await dc.wait_until(
                lambda: "deleted by its author" in (dc.message(card.id).content or ""), within=8
            )
            assert "personne ne le sait" not in (dc.message(card.id).content or "")
