"""The whole product in the console, read as a dialogue: post, react, reply, report, moderate, ban."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from storage.database import SqlDatabase
from tests.console_flow import ConsoleFlow

GROUP = "Demo group"
MODS = "Demo moderators"


def dm(name: str) -> str:
    return f"DM {name} ⇄ Murmure"


TEXTS = {
    "en": {
        "secret": "I have been pretending to like jazz for three years to impress my flatmate.",
        "preview": "Preview",
        "post": "Post",
        "post_crowned": "Post as",
        "sent": "will appear in Demo group as #1",
        "reply_button": "Reply",
        "report_button": "Report",
        "reply_prompt": "Write your reply to #1",
        "bob_reply": "Honestly, same here with opera.",
        "bob_again": "Jazz grows on you though.",
        "alice_reply": "Thanks, I feel less alone now.",
        "author": "👑 Author",
        "reason": "harassment",
        "thanks": "Your report is anonymous",
        "hidden": "hidden while moderators look at reports",
        "remove": "Remove",
        "removed_notice": "removed your secret #1. Reason: harassment.",
        "card_removed": "removed by the moderators",
        "dave_secret": "Call me tonight at 06 12 34 56 78 if you know what happened.",
        "submit": "Submit to moderators",
        "ban": "Ban author 24h",
        "banned_notice": "suspended you for 24 hours",
        "dave_next": "Another thing I never told anyone: I hate birthdays.",
        "refused": "You can't post in Demo group until",
        "reply_hidden": "This reply is hidden with its secret.",
    },
    "fr": {
        "secret": "Je fais semblant d'aimer le jazz depuis trois ans pour impressionner ma colocataire.",
        "preview": "Aperçu",
        "post": "Publier",
        "post_crowned": "Publier en",
        "sent": "va apparaître dans Demo group en #1",
        "reply_button": "Répondre",
        "report_button": "Signaler",
        "reply_prompt": "Écris ta réponse au #1",
        "bob_reply": "Franchement, pareil avec l'opéra.",
        "bob_again": "Le jazz, ça vient avec le temps.",
        "alice_reply": "Merci, je me sens moins seule.",
        "author": "👑 Auteur",
        "reason": "harcèlement",
        "thanks": "Ton signalement est anonyme",
        "hidden": "masqué le temps que les modérateurs",
        "remove": "Retirer",
        "removed_notice": "ont retiré ton secret #1. Motif : harcèlement.",
        "card_removed": "retiré par les modérateurs",
        "dave_secret": "Appelle-moi ce soir au 06 12 34 56 78 si tu sais ce qui s'est passé.",
        "submit": "Soumettre aux modérateurs",
        "ban": "Bannir l'auteur 24 h",
        "banned_notice": "t'ont suspendu pour 24 heures",
        "dave_next": "Autre chose que je n'ai jamais dit : je déteste les anniversaires.",
        "refused": "Tu ne peux pas publier dans Demo group avant le",
        "reply_hidden": "Cette réponse est masquée avec son secret.",
    },
}

FRENCH = '[community]\nlocale = "fr"\n[console]\nlocales = { alice = "fr", bob = "fr", carol = "fr", dave = "fr", erin = "fr", mod = "fr" }\n'


async def run_scenario(flow: ConsoleFlow, say: dict[str, str]) -> None:
    # alice writes a secret: a private preview, nothing in the group yet
    printed = await flow.as_("alice", say["secret"])
    preview = flow.last_in(dm("alice"), printed)
    assert say["preview"] in preview.body and say["secret"] in preview.body
    assert not [shown for shown in flow.parse_new(printed) if shown.chat == GROUP]

    printed = await flow.send(f"/click {say['post']}")
    assert say["sent"] in flow.last_in(dm("alice"), printed).body
    card = flow.last_in(GROUP, printed)
    assert card.body.startswith("#1\n") and say["secret"] in card.body
    assert "❤️ 0" in card.body and say["reply_button"] in card.body and say["report_button"] in card.body

    # bob and carol react; counts follow; a second tap removes
    printed = await flow.as_("bob", f"/click {card.id} 1")
    assert "❤️ 1" in flow.last_in(GROUP, printed).body
    printed = await flow.as_("carol", f"/click {card.id} 1")
    assert "❤️ 2" in flow.last_in(GROUP, printed).body
    printed = await flow.send(f"/click {card.id} 2")
    assert "❤️ 2" in flow.last_in(GROUP, printed).body and "😂 1" in flow.last_in(GROUP, printed).body
    printed = await flow.send(f"/click {card.id} 1")
    assert "❤️ 1" in flow.last_in(GROUP, printed).body and "😂 1" in flow.last_in(GROUP, printed).body

    # bob replies anonymously, twice: the same pseudonym inside this thread
    printed = await flow.as_("bob", f"/click {card.id} {say['reply_button']}")
    assert say["reply_prompt"] in flow.last_in(dm("bob"), printed).body
    printed = await flow.send(say["bob_reply"])
    assert say["bob_reply"] in flow.last_in(dm("bob"), printed).body
    printed = await flow.send(f"/click {say['post']}")
    first = flow.last_reply(printed)
    assert f"reply to message {card.id}" in first.notes and say["bob_reply"] in first.body
    pseudonym = first.body.split("\n")[0]
    assert pseudonym.startswith("💬 ") and "bob" not in pseudonym.lower()
    await flow.send(f"/click {card.id} {say['reply_button']}")
    await flow.send(say["bob_again"])
    printed = await flow.send(f"/click {say['post']}")
    assert flow.last_reply(printed).body.split("\n")[0] == pseudonym

    # alice answers in the same thread, as the author (she chooses the crown)
    await flow.as_("alice", f"/click {card.id} {say['reply_button']}")
    await flow.send(say["alice_reply"])
    printed = await flow.send(f"/click {say['post_crowned']}")
    answer = flow.last_reply(printed)
    assert answer.body.split("\n")[0] == f"💬 {say['author']}" and say["alice_reply"] in answer.body

    # three members report it: hidden at once, queued for the moderators
    for reporter in ("bob", "carol", "dave"):
        printed = await flow.as_(reporter, f"/click {card.id} {say['report_button']}")
        assert "#1" in flow.last_in(dm(reporter), printed).body
        printed = await flow.send(f"/click {say['reason']}")
        assert say["thanks"] in flow.last_in(dm(reporter), printed).body
    assert say["hidden"] in flow.message(card.id).body
    for reply in (first, answer):  # its thread is hidden with it, the author's reply too
        assert say["reply_hidden"] in flow.message(reply.id).body
    item = flow.last_in(MODS, printed)
    assert say["secret"] in item.body and "alice" not in item.body

    # mod removes it with a reason; alice is told in her language
    printed = await flow.as_("mod", f"/click {item.id} {say['remove']}")
    printed = await flow.send(f"/click {item.id} {say['reason']}")
    assert say["removed_notice"] in flow.last_in(dm("alice"), printed).body
    assert say["card_removed"] in flow.message(card.id).body

    # dave's secret is held by the filter; mod bans its author for 24 h; dave's next post is refused
    printed = await flow.as_("dave", say["dave_secret"])
    printed = await flow.send(f"/click {say['submit']}")
    held = flow.last_in(MODS, printed)
    assert "06 12 34 56 78" in held.body
    printed = await flow.as_("mod", f"/click {held.id} {say['ban']}")
    assert say["banned_notice"] in flow.last_in(dm("dave"), printed).body
    printed = await flow.as_("dave", say["dave_next"])
    assert say["refused"] in flow.last_in(dm("dave"), printed).body


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_the_whole_flow_in_the_console(
    tmp_path: Path, database: SqlDatabase, language: str, caplog: pytest.LogCaptureFixture
) -> None:
    database_url = database.engine.url.render_as_string(hide_password=False)
    caplog.set_level(logging.INFO)
    flow = await ConsoleFlow.start(tmp_path, database_url, FRENCH if language == "fr" else "")
    try:
        await run_scenario(flow, TEXTS[language])
    finally:
        await flow.close()
    names = ("alice", "bob", "carol", "dave", "erin", "mod")
    raw_ids = [user.user_id for user in flow.session.world.users.values()]
    for record in caplog.records:
        line = record.getMessage()
        assert not any(re.search(rf"\b{name}\b", line) for name in names), line
        assert not any(raw in line for raw in raw_ids), line
    if database_url.startswith("sqlite"):
        stored = b"".join(path.read_bytes() for path in (tmp_path / "murmure-data").glob("murmure.db*"))
        text = stored.decode("latin-1")
        for name in names:
            assert not re.search(rf"\b{name}\b", text, re.IGNORECASE), name
        for raw in raw_ids:
            assert raw not in text
