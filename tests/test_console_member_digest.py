"""The member's DM digest in the console: it arrives with its own off switch, and the switch works (issue 15)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from storage.database import SqlDatabase
from tests.console_flow import ConsoleFlow

GROUPS = """
[[console.groups]]
title = "Open plaza"
members = ["alice", "bob", "carol", "dave"]
public = true
"""
DM = "DM erin ⇄ Murmure"


async def test_a_member_switches_their_dm_digest_off_from_the_digest(
    tmp_path: Path, database: SqlDatabase
) -> None:
    url = database.engine.url.render_as_string(hide_password=False)
    flow = await ConsoleFlow.start(tmp_path, url, GROUPS)
    try:
        flow.clock.current = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
        await flow.as_("erin", "/topics")
        await flow.send("/click love")
        printed = await flow.send("/click Daily digest")
        assert "Daily digest of these topics in DM: on" in flow.last_in(DM, printed).body

        await flow.as_("alice", "I wrote a love song and sang it to my cat.")
        await flow.send("/click Open plaza")
        await flow.send("/click Topic")
        card = flow.last_in("Open plaza", await flow.send("/click Post")).id
        for fan in ("bob", "carol"):
            await flow.as_(fan, f"/click {card} 1")

        flow.clock.current = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)
        assert await flow.app.service.run_due_digests() == 1
        printed = await flow.send("/as erin")  # any line: the console delivers what is due after it
        digest = flow.last_in(DM, printed)
        assert digest.body.startswith("🌙 Today in your topics")
        assert "I wrote a love song" in digest.body and "Stop this digest" in digest.body

        printed = await flow.send("/click Stop this digest")
        assert "no more daily digest" in flow.last_in(DM, printed).body
        flow.clock.current = datetime(2026, 11, 25, 19, 0, tzinfo=UTC)
        assert await flow.app.service.run_due_digests() == 0
    finally:
        await flow.close()


async def test_a_member_chooses_their_digest_time_and_zone_and_stops_it_from_the_digest(
    tmp_path: Path, database: SqlDatabase
) -> None:
    """``/digest 08:30 Europe/Paris`` in the console: the digest comes at 07:30 UTC in winter, not at 19:00
    UTC; bad input is answered, in French too; /help names the command (issue 15, point 4)."""
    url = database.engine.url.render_as_string(hide_password=False)
    flow = await ConsoleFlow.start(tmp_path, url, GROUPS)
    try:
        flow.clock.current = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
        printed = await flow.as_("erin", "/help")
        assert "/digest" in printed
        await flow.send("/topics")
        await flow.send("/click love")
        printed = await flow.send("/digest 08:30 Europe/Paris")
        assert "your daily digest comes at 08:30, Europe/Paris time" in flow.last_in(DM, printed).body
        printed = await flow.send("/digest")
        assert "comes at 08:30, Europe/Paris time" in printed and "/digest off" in printed
        printed = await flow.send("/digest 8:30 Atlantis")
        assert "I don't know the time zone “Atlantis”" in flow.last_in(DM, printed).body

        await flow.as_("alice", "I wrote a love song and sang it to my cat.")
        await flow.send("/click Open plaza")
        await flow.send("/click Topic")
        card = flow.last_in("Open plaza", await flow.send("/click Post")).id
        for fan in ("bob", "carol"):
            await flow.as_(fan, f"/click {card} 1")

        flow.clock.current = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)
        assert await flow.app.service.run_due_digests() == 0  # not at 19:00 UTC any more
        flow.clock.current = datetime(2026, 11, 25, 7, 30, tzinfo=UTC)  # 08:30 in Paris
        assert await flow.app.service.run_due_digests() == 1
        printed = await flow.send("/as erin")  # any line: the console delivers what is due after it
        digest = flow.last_in(DM, printed)
        assert digest.body.startswith("🌙 Today in your topics")
        assert "I wrote a love song" in digest.body and "Stop this digest" in digest.body
        await flow.send("/lang fr")
        printed = await flow.send(f"/click {digest.id} Stop this digest")
        assert "plus de résumé quotidien" in flow.last_in(DM, printed).body
        printed = await flow.send("/digest 25:00")
        assert "« 25:00 » n'est pas une heure" in flow.last_in(DM, printed).body
        printed = await flow.send("/digest")
        assert "Ton résumé quotidien est désactivé" in flow.last_in(DM, printed).body
        flow.clock.current = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)
        assert await flow.app.service.run_due_digests() == 0
    finally:
        await flow.close()
