"""Moderator tools in a Discord server, with the real discord.py against the emulator, in English and
French: replies reported, queued and removed, deleted by their author, hidden with their secret."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.discord.harness import GENERAL, GUILD, MODS, TEXT_ID, Discord, populate, running_discord, uid
from tests.emulators.discord import DiscordEmulator, Message
from tests.support import card_recorded

TEXTS = {
    "en": {
        "locale": "en-US",
        "community": "",
        "welcome": "Murmure is here",
        "post": "Post",
        "reply": "Reply",
        "report": "Report",
        "reason": "harassment",
        "hidden": "This reply is hidden while moderators look at reports.",
        "queued": "a reply under Night owls #general #1",
        "remove": "Remove",
        "removed": "This reply was removed by the moderators.",
        "delete": "Delete this reply",
        "yes": "Yes, delete it",
        "deleted": "This reply was deleted by its author.",
        "secret_removed": "removed by the moderators",
        "with_secret": "This reply is hidden with its secret.",
        "removed_answer": "#1 removed; its author is told",
        "banned_answer": "#2 removed; its author is suspended until",
        "list": r"Ban #(\d+) · for #2 · 24 h · ends",
        "refused": "You are suspended in Night owls #general until",
        "lifted": "lifted",
    },
    "fr": {
        "locale": "fr",
        "community": '[community]\nlocale = "fr"\n',
        "welcome": "Murmure est là",
        "post": "Publier",
        "reply": "Répondre",
        "report": "Signaler",
        "reason": "harcèlement",
        "hidden": "Cette réponse est masquée le temps que les modérateurs examinent les signalements.",
        "queued": "une réponse sous Night owls #general #1",
        "remove": "Retirer",
        "removed": "Cette réponse a été retirée par les modérateurs.",
        "delete": "Supprimer cette réponse",
        "yes": "Oui, la supprimer",
        "deleted": "Cette réponse a été supprimée par son auteur.",
        "secret_removed": "retiré par les modérateurs",
        "with_secret": "Cette réponse est masquée avec son secret.",
        "removed_answer": "#1 retiré ; son auteur est prévenu",
        "banned_answer": "#2 retiré ; son auteur est suspendu jusqu'au",
        "list": r"Bannissement n°(\d+) · pour #2 · 24 h · prend fin le",
        "refused": "Tu es suspendu dans Night owls #general jusqu'au",
        "lifted": "levé",
    },
}


def _plain(message: Message) -> str:
    return (message.content or "").replace("\\", "")


async def _reply(d: Discord, name: str, text: str, say: dict[str, str]) -> tuple[Message, Message]:
    """Bob writes in the card's modal and posts: (his reply in the thread, his private confirmation)."""
    card = d.card(1)
    opened = await d.dc.user_clicks(uid(name), card, d.custom_id(card, say["reply"]))
    assert (await opened.response())["type"] == 9
    submitted = await d.dc.user_submits_modal(uid(name), opened, {TEXT_ID: text})
    await submitted.response()
    await d.click(name, submitted.original(), say["post"])
    reply = await d.until(card.id, re.escape(text))
    return reply, d.dc.message(submitted.original().id)


async def _shows(d: Discord, message: Message, text: str) -> None:
    await d.dc.wait_until(lambda: text in _plain(d.dc.message(message.id)), within=8)


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_replies_are_moderated_in_a_discord_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    say = TEXTS[language]
    async with DiscordEmulator() as dc:
        await populate(dc, say["locale"])
        async with running_discord(tmp_path, monkeypatch, dc, say["community"]) as d:
            setup = await dc.user_runs_command(uid("mod"), GUILD, GENERAL, "murmure", subcommand="setup",
                                               options={"moderators": MODS})  # fmt: skip
            await setup.response()
            await d.until(GENERAL, say["welcome"])
            secret = "I have never finished a single book I started."
            submitted = await d.write_secret("alice", secret)
            await d.click("alice", submitted.original(), say["post"])
            await dc.wait_until(lambda: card_recorded(tmp_path / "murmure.db", secret), within=8)

            # a rude reply in the thread; its Report button lists reasons privately; three reports
            rude, _ = await _reply(d, "bob", "Pathetic, honestly.", say)
            for name in ("carol", "dave", "erin"):
                asked = await d.click(name, dc.message(rude.id), say["report"])
                reasons = asked.original()
                assert reasons.ephemeral
                await d.click(name, reasons, say["reason"])
            await _shows(d, rude, say["hidden"])
            assert "Pathetic" not in _plain(dc.message(rude.id)) and not dc.message(rude.id).components
            item = await d.until(MODS, re.escape(say["queued"]))
            assert "Pathetic, honestly." in _plain(item) and "Roberto" not in _plain(item)

            # the moderator removes it with a reason
            await d.click("mod", item, say["remove"])
            await d.click("mod", dc.message(item.id), say["reason"])
            await _shows(d, rude, say["removed"])

            # carol deletes her own reply from her private confirmation
            kind, posted = await _reply(d, "carol", "Same, and I'm fine with it.", say)
            asked = await d.click("carol", posted, say["delete"])
            await d.click("carol", asked.original(), say["yes"])
            await _shows(d, kind, say["deleted"])

            # the secret reported and removed: what is left of its thread is hidden with it
            kept, _ = await _reply(d, "dave", "Me neither, no shame.", say)
            for name in ("bob", "carol", "erin"):
                asked = await d.click(name, d.card(1), say["report"])
                await d.click(name, asked.original(), say["reason"])
            await _shows(d, kept, say["with_secret"])
            item = await d.until(MODS, "never finished")
            await d.click("mod", item, say["remove"])
            await d.click("mod", dc.message(item.id), say["reason"])
            await dc.wait_until(lambda: say["secret_removed"] in _plain(d.card(1)), within=8)
            assert say["with_secret"] in _plain(dc.message(kept.id))
        assert dc.ack_delays() and max(dc.ack_delays().values()) < 3


async def _command(d: Discord, name: str, channel: int, subcommand: str, **options: str) -> str:
    ran = await d.dc.user_runs_command(uid(name), GUILD, channel, "murmure", subcommand=subcommand,
                                       options=options or None)  # fmt: skip
    answer = await ran.response()
    data = answer.get("data") or {}
    if answer["type"] == 5:  # deferred: the answer follows
        return str(ran.original().content or "").replace("\\", "")
    assert data.get("flags", 0) & 64, "answered ephemerally"
    return str(data.get("content", "")).replace("\\", "")


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_admins_remove_ban_list_and_unban_by_command_on_discord(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    say = TEXTS[language]
    async with DiscordEmulator() as dc:
        await populate(dc, say["locale"])
        async with running_discord(tmp_path, monkeypatch, dc, say["community"]) as d:
            setup = await dc.user_runs_command(uid("mod"), GUILD, GENERAL, "murmure", subcommand="setup",
                                               options={"moderators": MODS})  # fmt: skip
            await setup.response()
            await d.until(GENERAL, say["welcome"])
            for name, text in (
                ("alice", "First, to remove."),
                ("bob", "Second, banned."),
                ("carol", "Third."),
            ):
                submitted = await d.write_secret(name, text)
                await d.click(name, submitted.original(), say["post"])
                await dc.wait_until(lambda text=text: card_recorded(tmp_path / "murmure.db", text), within=8)

            assert say["removed_answer"] in await _command(d, "mod", MODS, "remove", number="1")
            await dc.wait_until(lambda: say["secret_removed"] in _plain(d.card(1)), within=8)
            assert say["banned_answer"] in await _command(d, "mod", MODS, "ban", number="2", duration="24h")
            listed = await _command(d, "mod", MODS, "bans")
            found = re.search(say["list"], listed)
            assert found is not None and "Roberto" not in listed

            # bob can't react, report or open the reply form
            reacted = await d.click("bob", d.card(3), "❤️")
            assert say["refused"] in str(reacted.answers).replace("\\", "")
            asked = await d.click("bob", d.card(3), say["report"])
            assert say["refused"] in _plain(asked.original())
            opened = await dc.user_clicks(uid("bob"), d.card(3), d.custom_id(d.card(3), say["reply"]))
            answer = await opened.response()
            assert answer["type"] != 9 and say["refused"] in str(answer).replace("\\", "")

            assert say["lifted"] in await _command(d, "mod", MODS, "unban", ban=found[1])
            opened = await dc.user_clicks(uid("bob"), d.card(3), d.custom_id(d.card(3), say["reply"]))
            assert (await opened.response())["type"] == 9  # the form opens again
