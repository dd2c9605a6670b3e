"""On Discord, the author of a secret replies in its thread without the 👑 if they choose (English and
French): the reply in the card's thread carries another pseudonym and no crown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.discord.harness import GENERAL, GUILD, MODS, TEXT_ID, Discord, populate, running_discord, uid
from tests.emulators.discord import DiscordEmulator
from tests.support import card_recorded

SECRET = "I still have the stuffed rabbit from when I was four."
SAY = {"en": ("en-US", "Post", "Post without 👑"), "fr": ("fr", "Publier", "Publier sans 👑")}


async def _reply(d: Discord, text: str, button: str) -> None:
    card = d.card(1)
    opened = await d.dc.user_clicks(uid("alice"), card, d.custom_id(card, "Reply"))
    answer = await opened.response()
    assert answer["type"] == 9, answer  # the modal
    submitted = await d.dc.user_submits_modal(uid("alice"), opened, {TEXT_ID: text})
    await submitted.response()
    preview = submitted.original()
    assert sum("👑" in label for label in d.choices(preview)) == 2  # with or without the crown
    await d.click("alice", preview, button)
    await d.until(card.id, re.escape(text))


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_the_author_replies_without_the_crown_on_discord(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    locale, post, without = SAY[lang]
    async with DiscordEmulator() as dc:
        await populate(dc, locale)
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            setup = await dc.user_runs_command(
                uid("mod"), GUILD, GENERAL, "murmure", subcommand="setup", options={"moderators": MODS}
            )
            await setup.response()
            await d.until(GENERAL, "Murmure")
            submitted = await d.write_secret("alice", SECRET)
            await d.click("alice", submitted.original(), post)
            await dc.wait_until(lambda: len(d.cards()) == 1, within=8)
            assert d.database is not None
            database = d.database
            await dc.wait_until(lambda: card_recorded(database, SECRET), within=8)  # its buttons work now
            await _reply(d, "Signed, with love.", post)
            await _reply(d, "Quietly: same here.", without)
            signed, quiet = (m.content or "" for m in dc.messages(d.card(1).id))
            assert "👑" in signed and "👑" not in quiet
            assert signed.split("\n")[0] != quiet.split("\n")[0]  # another pseudonym
