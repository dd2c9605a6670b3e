"""Moderator tools in the console, read as a dialogue, in English and French: replies reported, queued and
removed, deleted by their author."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from storage.database import SqlDatabase
from tests.console_flow import ConsoleFlow
from tests.test_console_scenario import FRENCH, GROUP, MODS, dm

SANCTIONS = {
    "en": {
        "post": "Post",
        "react": "❤️",
        "removed": "#1 removed; its author is told",
        "told": "removed your secret #1",
        "card_removed": "removed by the moderators",
        "banned": "#2 removed; its author is suspended until",
        "refused_post": "You can't post in Demo group until",
        "refused": "You are suspended in Demo group until",
        "list": "· for #2 · 24 h · ends",
        "lifted": "lifted",
        "preview": "Preview",
        "not_admin": "Only the admins",
        "audit_lifted": "ban lifted",
    },
    "fr": {
        "post": "Publier",
        "react": "❤️",
        "removed": "#1 retiré ; son auteur est prévenu",
        "told": "ont retiré ton secret #1",
        "card_removed": "retiré par les modérateurs",
        "banned": "#2 retiré ; son auteur est suspendu jusqu'au",
        "refused_post": "Tu ne peux pas publier dans Demo group avant le",
        "refused": "Tu es suspendu dans Demo group jusqu'au",
        "list": "· pour #2 · 24 h · prend fin le",
        "lifted": "levé",
        "preview": "Aperçu",
        "not_admin": "Seuls les admins",
        "audit_lifted": "bannissement levé",
    },
}

TEXTS = {
    "en": {
        "secret": "I still sleep with the teddy bear my grandmother gave me.",
        "post": "Post",
        "reply": "Reply",
        "report": "Report",
        "rude": "That is pathetic, grow up.",
        "reason": "harassment",
        "ask": "Why are you reporting this reply under #1",
        "thanks": "Your report is anonymous",
        "hidden": "This reply is hidden while moderators look at reports.",
        "queued": "a reply under Demo group #1",
        "remove": "Remove",
        "removed": "This reply was removed by the moderators.",
        "regret": "Actually I have one too, a rabbit.",
        "delete": "Delete this reply",
        "confirm": "Delete your reply under #1?",
        "yes": "Yes, delete it",
        "deleted": "This reply was deleted by its author.",
        "audit": "a reply under #1",
        "reported_1": "Reported (1): harassment — still visible",
    },
    "fr": {
        "secret": "Je dors encore avec le nounours que ma grand-mère m'a offert.",
        "post": "Publier",
        "reply": "Répondre",
        "report": "Signaler",
        "rude": "C'est pathétique, grandis un peu.",
        "reason": "harcèlement",
        "ask": "Pourquoi signales-tu cette réponse sous le #1",
        "thanks": "Ton signalement est anonyme",
        "hidden": "Cette réponse est masquée le temps que les modérateurs examinent les signalements.",
        "queued": "une réponse sous Demo group #1",
        "remove": "Retirer",
        "removed": "Cette réponse a été retirée par les modérateurs.",
        "regret": "En fait j'en ai un aussi, un lapin.",
        "delete": "Supprimer cette réponse",
        "confirm": "Supprimer ta réponse sous le #1 ?",
        "yes": "Oui, la supprimer",
        "deleted": "Cette réponse a été supprimée par son auteur.",
        "audit": "une réponse sous #1",
        "reported_1": "Signalé (1) : harcèlement — toujours visible",
    },
}


async def _reply(flow: ConsoleFlow, name: str, card_id: int, text: str, say: dict[str, str]) -> int:
    await flow.as_(name, f"/click {card_id} {say['reply']}")
    await flow.send(text)
    printed = await flow.send(f"/click {say['post']}")
    return flow.last_reply(printed).id


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_replies_are_reported_queued_removed_and_deleted_in_the_console(
    tmp_path: Path, database: SqlDatabase, language: str
) -> None:
    say = TEXTS[language]
    url = database.engine.url.render_as_string(hide_password=False)
    flow = await ConsoleFlow.start(tmp_path, url, FRENCH if language == "fr" else "")
    try:
        await flow.as_("alice", say["secret"])
        printed = await flow.send(f"/click {say['post']}")
        card = flow.last_in(GROUP, printed)

        # bob's rude reply carries a Report button; three members report it
        rude = await _reply(flow, "bob", card.id, say["rude"], say)
        assert say["report"] in flow.message(rude).body
        for reporter in ("carol", "dave", "erin"):
            printed = await flow.as_(reporter, f"/click {rude} {say['report']}")
            assert say["ask"] in flow.last_in(dm(reporter), printed).body
            printed = await flow.send(f"/click {say['reason']}")
            assert say["thanks"] in flow.last_in(dm(reporter), printed).body
            if reporter == "carol":  # the first report reaches the moderators, the reply still up
                assert say["reported_1"] in flow.last_in(MODS).body
                assert say["rude"] in flow.message(rude).body
        assert say["hidden"] in flow.message(rude).body and say["rude"] not in flow.message(rude).body
        item = flow.last_in(MODS)
        assert say["queued"] in item.body and say["rude"] in item.body and "bob" not in item.body

        # the moderator removes it with a reason; the thread shows it was removed
        await flow.as_("mod", f"/click {item.id} {say['remove']}")
        await flow.send(f"/click {item.id} {say['reason']}")
        assert say["removed"] in flow.message(rude).body
        printed = await flow.send("/audit")
        assert say["audit"] in flow.last_in(dm("mod"), printed).body

        # carol regrets her reply and deletes it herself
        regret = await _reply(flow, "carol", card.id, say["regret"], say)
        posted = flow.last_in(dm("carol"))
        assert say["delete"] in posted.body
        printed = await flow.send(f"/click {posted.id} {say['delete']}")
        assert say["confirm"] in flow.last_in(dm("carol"), printed).body
        await flow.send(f"/click {say['yes']}")
        assert say["deleted"] in flow.message(regret).body and say["regret"] not in flow.message(regret).body
        assert say["secret"] in flow.message(card.id).body  # the secret stays
    finally:
        await flow.close()


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_admins_remove_ban_list_and_unban_by_command_in_the_console(
    tmp_path: Path, database: SqlDatabase, language: str
) -> None:
    say, reply_say = SANCTIONS[language], TEXTS[language]
    url = database.engine.url.render_as_string(hide_password=False)
    flow = await ConsoleFlow.start(tmp_path, url, FRENCH if language == "fr" else "")
    try:
        await flow.as_("alice", "My first secret, which the admins will remove.")
        card = flow.last_in(GROUP, await flow.send(f"/click {say['post']}"))
        await flow.as_("bob", "Bob's secret, which gets him suspended.")
        bob_card = flow.last_in(GROUP, await flow.send(f"/click {say['post']}"))
        await flow.as_("carol", "Carol's secret, still up.")
        carol_card = flow.last_in(GROUP, await flow.send(f"/click {say['post']}"))

        printed = await flow.as_("erin", "/remove 1")  # erin is no admin
        assert say["not_admin"] in flow.last_in(dm("erin"), printed).body
        printed = await flow.as_("mod", "/remove 1")
        assert say["removed"] in flow.last_in(dm("mod"), printed).body
        assert say["card_removed"] in flow.message(card.id).body
        assert say["told"] in flow.last_in(dm("alice")).body

        printed = await flow.send("/ban 2 24h")
        assert say["banned"] in flow.last_in(dm("mod"), printed).body
        assert say["card_removed"] in flow.message(bob_card.id).body
        printed = await flow.send("/bans")
        listed = flow.last_in(dm("mod"), printed).body
        assert say["list"] in listed and "bob" not in listed.lower()
        found = re.search(r"(?:Ban #|n°)(\d+)", listed)
        assert found is not None
        ban_number = found[1]

        # bob can't post, react, report or open the reply prompt
        printed = await flow.as_("bob", "Let me post again.")
        assert say["refused_post"] in flow.last_in(dm("bob"), printed).body
        printed = await flow.send(f"/click {carol_card.id} 1")
        assert say["refused"] in printed
        for button in (reply_say["report"], reply_say["reply"]):
            printed = await flow.send(f"/click {carol_card.id} {button}")
            assert say["refused"] in flow.last_in(dm("bob"), printed).body

        printed = await flow.as_("mod", f"/unban {ban_number}")
        assert say["lifted"] in flow.last_in(dm("mod"), printed).body
        printed = await flow.as_("bob", "Back, and nicer this time.")
        assert say["preview"] in flow.last_in(dm("bob"), printed).body
        printed = await flow.as_("mod", "/audit")
        log = flow.last_in(dm("mod"), printed).body
        lifted = next(line for line in log.split("\n") if say["audit_lifted"] in line)
        assert "🛡 " in lifted and "mod" not in lifted.split(" · ")[1].lower()
    finally:
        await flow.close()
