"""/export and /forget on Telegram, as a dialogue: the export comes as a document in the DM, and deleting
everything takes the card down from the group; Alice speaks English, Bob French."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.emulators.telegram import ChatMessage
from tests.telegram.harness import GROUP, Telegram, post, running_telegram, setup_group, uid


async def _document(t: Telegram, name: str) -> ChatMessage:
    def found() -> ChatMessage | None:
        return next((m for m in reversed(t.bot_messages(uid(name))) if m.document is not None), None)

    await t.tg.wait_until(lambda: found() is not None)
    message = found()
    assert message is not None
    return message


async def test_export_and_forget_on_telegram_in_english_and_french(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_telegram(tmp_path, monkeypatch, languages={"bob": "fr"}) as t:
        await setup_group(t)
        await post(t, "alice", "I learnt to swim at forty and told no one.")
        await t.dm("bob", "J'ai raté mon permis cinq fois et personne ne le sait.")
        await t.click("bob", await t.until(uid("bob"), "Aperçu"), "Publier")
        card = await t.until(GROUP, "personne ne le sait")

        await t.dm("alice", "/export")
        export = await _document(t, "alice")
        assert export.caption is not None and "Your 1 secrets and 0 replies" in export.caption
        assert export.document is not None and export.document["file_name"].endswith(".json")
        assert export.file_content is not None
        secrets = json.loads(export.file_content)["secrets"]
        assert [s["text"] for s in secrets] == ["I learnt to swim at forty and told no one."]

        await t.dm("bob", "/forget")
        choice = await t.until(uid("bob"), "M'oublier")
        await t.click("bob", choice, "Tout supprimer")
        confirm = await t.until(uid("bob"), "Supprimer 1 secrets et 0 réponses")
        await t.click("bob", confirm, "Oui, tout supprimer")
        await t.until(uid("bob"), "sont effacés et retirés des groupes")
        await t.until(GROUP, "deleted by its author")
        assert "personne ne le sait" not in (t.tg.last_message(GROUP).text or "")
        assert card.message_id == t.tg.last_message(GROUP).message_id
        await t.dm("bob", "/export")
        await t.until(uid("bob"), "Rien à exporter")  # still in French: Telegram says Bob's language
