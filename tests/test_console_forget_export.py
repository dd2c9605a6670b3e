"""/export and /forget in the console, read as a dialogue, in English and French: the file is written in the
data folder's ``exports``; deleting everything takes the card down from the group."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.console_flow import ConsoleFlow

GROUP = "Demo group"
SAY = {
    "en": {
        "secret": "I still sleep with the light on at thirty-four.",
        "post": "Post",
        "caption": "Your 1 secrets and 0 replies",
        "choose": "Forget me",
        "erase": "Delete everything",
        "confirm": "Delete 1 secrets and 0 replies",
        "yes": "Yes, delete everything",
        "done": "1 secrets and 0 replies are erased",
        "card": "This secret was deleted by its author",
    },
    "fr": {
        "secret": "Je dors encore avec la lumière allumée à trente-quatre ans.",
        "post": "Publier",
        "caption": "Tes 1 secrets et 0 réponses",
        "choose": "M'oublier",
        "erase": "Tout supprimer",
        "confirm": "Supprimer 1 secrets et 0 réponses",
        "yes": "Oui, tout supprimer",
        "done": "1 secrets et 0 réponses sont effacés",
        "card": "This secret was deleted by its author",  # the group's language, not the member's
    },
}


def _read(path: Path) -> tuple[tuple[int, int], dict[str, Any]]:
    modes = (stat.S_IMODE(path.stat().st_mode), stat.S_IMODE(path.parent.stat().st_mode))
    return modes, json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_export_then_forget_everything_in_the_console(tmp_path: Path, lang: str) -> None:
    say = SAY[lang]
    flow = await ConsoleFlow.start(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'murmure.db'}")
    try:
        await flow.as_("alice", f"/lang {lang}")
        await flow.send(say["secret"])
        printed = await flow.send(f"/click {say['post']}")
        card = flow.last_in(GROUP, printed)

        printed = await flow.send("/export")
        assert say["caption"] in printed
        written = re.search(r"📎 (\S+\.json) → (\S+)", printed)
        assert written is not None, printed
        path = Path(written[2])
        assert path.parent == tmp_path / "murmure-data" / "exports"
        modes, exported = _read(path)
        assert modes == (0o600, 0o700)  # the file, its folder: the member's own only
        assert [s["text"] for s in exported["secrets"]] == [say["secret"]]

        printed = await flow.send("/forget")
        assert say["choose"] in printed
        printed = await flow.send(f"/click {say['erase']}")
        assert say["confirm"] in printed
        printed = await flow.send(f"/click {say['yes']}")
        assert say["done"] in printed
        assert say["card"] in flow.message(card.id).body and say["secret"] not in flow.message(card.id).body
        # the chosen language was forgotten too: the platform's hint (English here) speaks now
        assert "There is nothing to export" in await flow.send("/export")
    finally:
        await flow.close()
