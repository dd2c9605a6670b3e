"""A community's word list and the care answer in the console, read as a dialogue, in English and French:
its admin adds, lists and removes terms (answered in their DM); the list holds or refuses secrets and
replies; a member writing about their own distress is answered with a helpline, not told to rethink."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.database import SqlDatabase
from tests.console_flow import ConsoleFlow
from tests.test_console_scenario import FRENCH, GROUP, MODS, dm

TEXTS = {
    "en": {
        "added_block": "Added to the word list of Demo group: “banana”. Secrets and replies with it are refused.",
        "added_review": "Added to the word list of Demo group: “pineapple*”. Secrets with it will wait",
        "listed": "• pineapple* — held for moderators",
        "removed": "Removed from the word list of Demo group: “banana”.",
        "not_admin": "Only the admins",
        "usage": "/words add TERM holds texts",
        "panel": "Word list",
        "held_text": "I secretly hate pineapples on pizza",
        "submit": "Submit to moderators",
        "held": "Sent to the moderators of Demo group",
        "secret": "I still sleep with the teddy bear my grandmother gave me.",
        "post": "Post",
        "reply": "Reply",
        "listed_reply": "A b@nana for your thoughts",
        "reply_refused": "a word this community doesn't allow",
        "distress": "I want to die, I can't go on",
        "care": "Samaritans 116 123",
        "care_note": "Nothing to change here",
        "rethink": "Rethink",
        "audit": "word list",
    },
    "fr": {
        "added_block": "Ajouté à la liste de mots de Demo group : « banana ». Les secrets et réponses",
        "added_review": "Ajouté à la liste de mots de Demo group : « pineapple* ». Les secrets qui le",
        "listed": "• pineapple* — attend un modérateur",
        "removed": "Retiré de la liste de mots de Demo group : « banana ».",
        "not_admin": "Seuls les admins",
        "usage": "/words add TERME fait attendre",
        "panel": "Liste de mots",
        "held_text": "Je déteste en secret les pineapples sur la pizza",
        "submit": "Soumettre aux modérateurs",
        "held": "Envoyé aux modérateurs de Demo group",
        "secret": "Je dors encore avec le nounours que ma grand-mère m'a offert.",
        "post": "Publier",
        "reply": "Répondre",
        "listed_reply": "Une b@nana pour tes pensées",
        "reply_refused": "un mot que cette communauté n'accepte pas",
        "distress": "je veux mourir, j'en peux plus",
        "care": "3114",
        "care_note": "Rien à changer",
        "rethink": "Repense",
        "audit": "liste de mots",
    },
}


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_word_list_applies_to_secrets_and_replies_and_distress_gets_care(
    tmp_path: Path, database: SqlDatabase, language: str
) -> None:
    say = TEXTS[language]
    url = database.engine.url.render_as_string(hide_password=False)
    flow = await ConsoleFlow.start(tmp_path, url, FRENCH if language == "fr" else "")
    try:
        # the admin keeps the list; answers come privately; a member can't touch it
        printed = await flow.as_("mod", "/words add block banana")
        assert say["added_block"] in flow.last_in(dm("mod"), printed).body
        printed = await flow.send("/words add pineapple*")
        assert say["added_review"] in flow.last_in(dm("mod"), printed).body
        printed = await flow.send("/words frobnicate")
        assert say["usage"] in flow.last_in(dm("mod"), printed).body
        printed = await flow.as_("bob", "/words add kiwi")
        assert say["not_admin"] in flow.last_in(dm("bob"), printed).body
        assert "banana" not in flow.last_in(GROUP).body

        # a review term holds the secret for the moderators
        await flow.as_("alice", say["held_text"])
        printed = await flow.send(f"/click {say['submit']}")
        assert say["held"] in flow.last_in(dm("alice"), printed).body
        assert say["held_text"] in flow.last_in(MODS).body

        # a block term refuses a reply
        await flow.send(say["secret"])
        printed = await flow.send(f"/click {say['post']}")
        card = flow.last_in(GROUP, printed)
        await flow.as_("bob", f"/click {card.id} {say['reply']}")
        printed = await flow.send(say["listed_reply"])
        assert say["reply_refused"] in flow.last_in(dm("bob"), printed).body

        # one's own distress: a helpline in the member's language, then a preview that asks no rethink
        printed = await flow.as_("carol", say["distress"])
        care, preview = [shown for shown in flow.parse_new(printed) if shown.chat == dm("carol")][-2:]
        assert say["care"] in care.body
        assert say["care_note"] in preview.body and say["rethink"] not in preview.body

        printed = await flow.as_("mod", "/words remove banana")
        assert say["removed"] in flow.last_in(dm("mod"), printed).body
        printed = await flow.send("/words list")
        listing = flow.last_in(dm("mod"), printed).body
        assert say["listed"] in listing and "banana" not in listing
        printed = await flow.send("/audit")
        assert say["audit"] in flow.last_in(dm("mod"), printed).body

        # the settings panel has a page for the list
        printed = await flow.send("/settings")
        panel = flow.last_in(dm("mod"), printed)
        printed = await flow.send(f"/click {panel.id} {say['panel']}")
        assert say["listed"] in flow.message(panel.id).body
    finally:
        await flow.close()
