"""The settings panel in the console, read as a dialogue in English and French: only the admins open it, in
their DM; a setting changed there applies to the next secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.database import SqlDatabase
from tests.console_flow import ConsoleFlow
from tests.test_console_scenario import FRENCH, MODS, dm

SAY = {
    "en": {
        "refused": "Only the admins of Demo group",
        "panel": "Settings of Demo group (community number",
        "line": "• Moderation: open — the filter only · default",
        "setting": "Moderation",
        "review": "review",
        "now": "Now: review — every secret waits for approval (chosen here)",
        "saved": "Saved.",
        "secret": "I read my sister's diary when we were kids.",
        "post": "Post",
        "held": "Sent to the moderators of Demo group",
    },
    "fr": {
        "refused": "Seuls les admins de Demo group",
        "panel": "Réglages de Demo group (communauté numéro",
        "line": "• Modération : ouverte — le filtre seulement · par défaut",
        "setting": "Modération",
        "review": "relecture",
        "now": "Actuellement : relecture — chaque secret attend une approbation (choisi ici)",
        "saved": "Enregistré.",
        "secret": "J'ai lu le journal de ma sœur quand on était petits.",
        "post": "Publier",
        "held": "Envoyé aux modérateurs de Demo group",
    },
}


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_an_admin_changes_a_setting_from_the_console_panel(
    tmp_path: Path, database: SqlDatabase, language: str
) -> None:
    say = SAY[language]
    url = database.engine.url.render_as_string(hide_password=False)
    flow = await ConsoleFlow.start(tmp_path, url, FRENCH if language == "fr" else "")
    try:
        printed = await flow.as_("alice", "/settings")
        assert say["refused"] in flow.last_in(dm("alice"), printed).body

        printed = await flow.as_("mod", "/settings")
        panel = flow.last_in(dm("mod"), printed)
        assert say["panel"] in panel.body and say["line"] in panel.body
        await flow.send(f"/click {panel.id} {say['setting']}")
        printed = await flow.send(f"/click {panel.id} {say['review']}")
        assert say["saved"] in printed and say["now"] in flow.message(panel.id).body

        await flow.as_("alice", say["secret"])
        printed = await flow.send(f"/click {say['post']}")
        assert say["held"] in flow.last_in(dm("alice"), printed).body
        assert say["secret"] in flow.last_in(MODS).body
    finally:
        await flow.close()
