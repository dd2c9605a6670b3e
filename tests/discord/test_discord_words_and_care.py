"""A community's word list and the care answer on Discord, with the real discord.py against the emulator,
in English and French: the admin keeps the list with ``/murmure words`` (answered ephemerally), a secret
with a listed term is refused, one about the member's own distress gets a helpline in their language."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.discord.harness import GENERAL, GUILD, MODS, Discord, populate, running_discord, uid
from tests.emulators.discord import DiscordEmulator, Message

TEXTS = {
    "en": {
        "locale": "en-US",
        "community": "",
        "welcome": "Murmure is here",
        "added": "Added to the word list of Night owls #general: “banana”",
        "listed": "banana — refused",
        "removed": "Removed from the word list",
        "banned_word": "I hid a b@nana in my boss's drawer",
        "refused": "a word this community doesn't allow",
        "distress": "I want to die, I can't go on",
        "care": "116 123",
        "preview": "Preview",
    },
    "fr": {
        "locale": "fr",
        "community": '[community]\nlocale = "fr"\n',
        "welcome": "Murmure est là",
        "added": "Ajouté à la liste de mots de Night owls #general : « banana »",
        "listed": "banana — refusé",
        "removed": "Retiré de la liste de mots",
        "banned_word": "J'ai caché une b@nana dans le tiroir de mon chef",
        "refused": "un mot que cette communauté n'accepte pas",
        "distress": "je veux mourir, j'en peux plus",
        "care": "3114",
        "preview": "Aperçu",
    },
}


def _plain(message: Message) -> str:
    return (message.content or "").replace("\\", "")


async def _words(d: Discord, channel: int, **options: str) -> str:
    ran = await d.dc.user_runs_command(uid("mod"), GUILD, channel, "murmure", subcommand="words",
                                       options=options)  # fmt: skip
    answer = await ran.response()
    if answer["type"] == 5:  # deferred: the answer follows
        return _plain(ran.original())
    data = answer.get("data") or {}
    assert data.get("flags", 0) & 64, "answered ephemerally"
    return str(data.get("content", "")).replace("\\", "")


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_word_list_and_care_answer_on_discord(
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

            assert say["added"] in await _words(d, MODS, action="add", term="block banana")
            assert say["listed"] in await _words(d, GENERAL, action="list")

            refused = await d.write_secret("alice", say["banned_word"])
            assert say["refused"] in _plain(refused.original())
            cared = await d.write_secret("alice", say["distress"])
            await dc.wait_until(lambda: bool(cared.followups()), within=8)
            assert say["care"] in _plain(cared.original())
            assert say["preview"] in _plain(cared.followups()[-1])

            assert say["removed"] in await _words(d, MODS, action="remove", term="banana")
            allowed = await d.write_secret("alice", say["banned_word"])
            assert say["preview"] in _plain(allowed.original())
