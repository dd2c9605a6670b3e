"""/stats in the console, in English and French, on SQLite and PostgreSQL: the chart comes as a photo in the
admin's DM and as a file, with the figures as text; both agree with the counters in the database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from storage.database import SqlDatabase
from tests.console_flow import ConsoleFlow
from tests.png import decode
from tests.test_console_scenario import FRENCH, dm

SAY = {
    "en": {"post": "Post", "refused": "Only the admins", "line": "• {kind}: {n} in 7 days, {n} in 30 days"},
    "fr": {
        "post": "Publier",
        "refused": "Seuls les admins",
        "line": "• {kind} : {n} en 7 jours, {n} en 30 jours",
    },
}
KINDS = {"en": ("posted", "published", "blocked"), "fr": ("envoyés", "publiés", "bloqués")}


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_stats_in_the_console_agree_with_the_database(
    tmp_path: Path, database: SqlDatabase, language: str
) -> None:
    say = SAY[language]
    url = database.engine.url.render_as_string(hide_password=False)
    flow = await ConsoleFlow.start(tmp_path, url, FRENCH if language == "fr" else "")
    try:
        for text in ("I water my neighbour's plants and talk to them.", "I still can't whistle."):
            await flow.as_("alice", text)
            await flow.send(f"/click {say['post']}")
        await flow.as_("bob", "BLOCKME fuck off")
        printed = await flow.send("/stats")
        assert say["refused"] in flow.last_in(dm("bob"), printed).body

        printed = await flow.as_("mod", "/stats")
        text = [shown for shown in flow.parse_new(printed) if shown.chat == dm("mod")][-1]
        saved = tmp_path / "murmure-data" / "exports" / "murmure-stats.png"
        assert f"📎 murmure-stats.png → {saved}" in printed

        async with database.engine.connect() as connection:
            rows = (await connection.execute(sa.text("SELECT day, kind, count FROM community_stats"))).all()
        stored = {(day, kind): count for day, kind, count in rows}
        assert {kind: n for (_, kind), n in stored.items()} == {"posted": 2, "published": 2, "blocked": 1}
        png = decode(saved.read_bytes())
        drawn = json.loads(png.text["Description"])
        assert (png.width, png.height) == (800, 600)
        assert {
            (day, kind): n
            for day, counts in drawn["days"].items()
            for kind, n in zip(drawn["kinds"], counts, strict=True)
            if n
        } == stored
        for kind, n in zip(KINDS[language], (2, 2, 1), strict=True):
            assert say["line"].format(kind=kind, n=n) in text.body, text.body
    finally:
        await flow.close()
