"""/privacy on Discord, in English and in French: what is kept of a photo and of reply notices, and how long."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.discord.harness import GENERAL, GUILD, ephemeral_answer, populate, running_discord, uid
from tests.emulators.discord import DiscordEmulator


async def test_privacy_tells_of_photos_and_reply_notices_in_both_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with DiscordEmulator() as dc:
        await populate(dc)
        dc.users[uid("carol")].locale = "fr"
        async with running_discord(tmp_path, monkeypatch, dc):
            asked = await dc.user_runs_command(uid("alice"), GUILD, GENERAL, "privacy")
            english = await ephemeral_answer(asked, "What Murmure keeps")
            assert "What Murmure keeps" in english
            assert "A photo you send with a secret: re-encoded from its pixels" in english
            assert "kept in the bot's database under a random name (never yours" in english
            assert "Reply notices, if you turn them on" in english and "erased after 7 days" in english
            assert "15 to 30 minutes after the first reply" in english
            asked = await dc.user_runs_command(uid("carol"), GUILD, GENERAL, "privacy")
            french = await ephemeral_answer(asked, "Ce que Murmure garde")
            assert "Une photo envoyée avec un secret : réencodée à partir de ses pixels" in french
            assert "gardée dans la base de données du bot sous un nom tiré au hasard" in french
            assert "Les notifications des réponses, si tu les demandes" in french
            assert "15 à 30 minutes après la première réponse" in french
