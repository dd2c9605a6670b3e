"""A community's word list and the care answer on Telegram, with the real python-telegram-bot against the
emulator, in English and French: the admin adds a term from the group (answered privately), a secret with
it is refused, one about the member's own distress gets a helpline in their language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.telegram.harness import GROUP, USERS, running_telegram, uid

TEXTS = {
    "en": {
        "community": "",
        "welcome": "Murmure is here",
        "added": "Added to the word list of Night owls: “banana”",
        "listed": "banana — refused",
        "banned_word": "I hid a b@nana in my boss's drawer",
        "refused": "a word this community doesn't allow",
        "distress": "I want to die, I can't go on",
        "care": "116 123",
        "preview": "Preview",
        "not_admin": "Only the admins",
    },
    "fr": {
        "community": '[community]\nlocale = "fr"\n',
        "welcome": "Murmure est là",
        "added": "Ajouté à la liste de mots de Night owls : « banana »",
        "listed": "banana — refusé",
        "banned_word": "J'ai caché une b@nana dans le tiroir de mon chef",
        "refused": "un mot que cette communauté n'accepte pas",
        "distress": "je veux mourir, j'en peux plus",
        "care": "3114",
        "preview": "Aperçu",
        "not_admin": "Seuls les admins",
    },
}


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_word_list_and_care_answer_on_telegram(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    say = TEXTS[language]
    async with running_telegram(
        tmp_path, monkeypatch, say["community"], languages=dict.fromkeys(USERS, language)
    ) as t:
        await t.tg.add_bot_to_group(GROUP, uid("mod"), admin=True)
        await t.until(GROUP, say["welcome"])
        for name in ("mod", "alice", "bob"):
            await t.dm(name, "/start")

        # typed in the group by its admin, answered in the admin's DM; a member may not
        await t.tg.user_sends(uid("mod"), GROUP, "/words add block banana")
        await t.until(uid("mod"), re.escape(say["added"]))
        await t.tg.user_sends(uid("mod"), GROUP, "/words list")
        await t.until(uid("mod"), re.escape(say["listed"]))
        await t.tg.user_sends(uid("bob"), GROUP, "/words add kiwi")
        await t.until(uid("bob"), say["not_admin"])
        assert not any("banana" in (m.text or "") for m in t.bot_messages(GROUP))

        await t.dm("alice", say["banned_word"])
        await t.until(uid("alice"), re.escape(say["refused"]))
        await t.dm("alice", say["distress"])
        care = await t.until(uid("alice"), re.escape(say["care"]))
        await t.until(uid("alice"), say["preview"])
        assert say["distress"] not in (care.text or "")
