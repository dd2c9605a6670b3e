"""/murmure stats on Discord, in French: an ephemeral answer with the chart as a PNG attachment and the
figures as text; the decoded image and the text agree with the database. And the settings panel in French."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.discord.harness import GENERAL, GUILD, MODS, populate, running_discord, uid
from tests.emulators.discord import EPHEMERAL, DiscordEmulator, Message, PendingInteraction
from tests.png import decode


async def test_stats_and_the_settings_panel_on_discord_in_french(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dc = DiscordEmulator()
    async with dc:
        await populate(dc)
        dc.users[uid("mod")].locale = "fr"
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            setup = await dc.user_runs_command(
                uid("mod"), GUILD, GENERAL, "murmure", subcommand="setup", options={"moderators": MODS}
            )
            await setup.response()
            await d.post("alice", "I count the stairs every time I climb them.")

            # the panel, in French: a setting changed from it
            panel = await dc.user_runs_command(uid("mod"), GUILD, GENERAL, "murmure", subcommand="settings")
            answer = await panel.response()
            assert answer["data"]["flags"] == EPHEMERAL
            assert "• Seuil de signalements : 3 · par défaut" in answer["data"]["content"]
            await d.click("mod", panel.original(), "Modération")
            await d.click("mod", dc.message(panel.original().id), "relecture")
            now = "Actuellement : relecture — chaque secret attend une approbation (choisi ici)"
            assert now in (dc.message(panel.original().id).content or "")

            asked = await dc.user_runs_command(uid("mod"), GUILD, GENERAL, "murmure", subcommand="stats")
            await dc.wait_until(lambda: _answered(asked), within=10)
            messages = _messages(asked)
            chart = next(m for m in messages if m.attachments)
            text = next(
                m for m in messages if "7 derniers jours" in (m.content or "") and "•" in (m.content or "")
            )
            assert chart.flags & EPHEMERAL and text.flags & EPHEMERAL
            (attachment,) = chart.attachments
            assert attachment["filename"] == "murmure-stats.png"
            png = decode(dc.attachment_contents[int(attachment["id"])])
            assert (png.width, png.height) == (800, 600)
            drawn = json.loads(png.text["Description"])
            with closing(sqlite3.connect(tmp_path / "murmure.db")) as db:
                rows = db.execute("SELECT day, kind, count FROM community_stats").fetchall()
            stored = {(day, kind): n for day, kind, n in rows}
            assert {kind: n for (_, kind), n in stored.items()} == {"posted": 1, "published": 1}
            assert {
                (day, kind): n
                for day, counts in drawn["days"].items()
                for kind, n in zip(drawn["kinds"], counts, strict=True)
                if n
            } == stored
            assert "• envoyés : 1 en 7 jours, 1 en 30 jours" in (text.content or "")


def _messages(asked: PendingInteraction) -> list[Message]:
    """The answer's messages: the original one (if any) and the follow-ups."""
    original = [asked.original()] if asked.original_id is not None else []
    return [*original, *asked.followups()]


def _answered(asked: PendingInteraction) -> bool:
    messages = _messages(asked)
    return any(m.attachments for m in messages) and any("•" in (m.content or "") for m in messages)
