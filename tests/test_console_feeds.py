"""A simulated day in the console: secrets, reactions, the digest at local time, browsing, collections."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from storage.database import SqlDatabase
from tests.console_flow import ConsoleFlow

GROUP = "Demo group"
GROUPS = """
[community]
digest_time = "21:00"
timezone = "Europe/Paris"
[[console.groups]]
title = "Open plaza"
members = ["alice", "bob", "carol", "dave"]
public = true
[[console.groups]]
title = "Back room"
members = ["alice", "bob", "carol", "dave"]
"""


async def post_in(flow: ConsoleFlow, name: str, text: str, group: str, topic_clicks: int = 0) -> int:
    await flow.as_(name, text)
    await flow.send(f"/click {group}")
    for _ in range(topic_clicks):
        await flow.send("/click Topic")
    printed = await flow.send("/click Post")
    card = flow.last_in(group, printed)
    return card.id


async def test_a_simulated_day_digest_browsing_and_collections(tmp_path: Path, database: SqlDatabase) -> None:
    url = database.engine.url.render_as_string(hide_password=False)
    flow = await ConsoleFlow.start(tmp_path, url, GROUPS)
    try:
        flow.clock.current = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
        cards = {}
        texts = {
            "alice": "I cried at a dog food commercial this morning.",
            "bob": "I have never once replied to my aunt's emails.",
            "carol": "I eat the kids' Halloween candy every year and blame the cat.",
        }
        for name, text in texts.items():
            cards[name] = await post_in(flow, name, text, GROUP)
            flow.clock.advance(hours=1)
        for reactor, card, button in (
            ("dave", "bob", 1), ("erin", "bob", 2), ("mod", "bob", 1),
            ("dave", "carol", 1), ("erin", "carol", 1), ("alice", "carol", 3), ("bob", "carol", 4),
            ("erin", "alice", 1),
        ):  # fmt: skip
            await flow.as_(reactor, f"/click {cards[card]} {button}")

        # the digest at 21:00 in Paris (20:00 UTC), once, hottest first, linking to the cards
        flow.clock.current = datetime(2026, 11, 24, 19, 59, tzinfo=UTC)
        assert await flow.app.service.run_due_digests() == 0
        flow.clock.current = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)
        assert await flow.app.service.run_due_digests() == 1
        printed = await flow.send("/as erin")  # any line: the console delivers what is due after it
        digest = flow.last_in(GROUP, printed).body
        assert digest.startswith("🌙 Today's top secrets in Demo group")
        order = re.findall(r"\[→ message (\d+)\]", digest)
        assert order == [str(cards["carol"]), str(cards["bob"]), str(cards["alice"])]
        assert await flow.app.service.run_due_digests() == 0

        # browsing in DM, a page at a time, forward and back
        for name, text in (
            ("dave", "I have kept every ticket stub since 2009."),
            ("mod", "I moderate this group and I still laugh at the silly ones."),
            ("erin", "I learned French only to understand one song."),
        ):
            await post_in(flow, name, text, GROUP)
        dm = "DM erin ⇄ Murmure"
        printed = await flow.as_("erin", "/latest")
        page = flow.last_in(dm, printed)
        assert "page 1" in page.body and texts["bob"] in page.body and texts["alice"] not in page.body
        printed = await flow.send("/click Next")
        page = flow.last_in(dm, printed)
        assert "page 2" in page.body and texts["alice"] in page.body and "Next" not in page.body
        printed = await flow.send("/click Previous")
        page = flow.last_in(dm, printed)
        assert "page 1" in page.body and texts["carol"] in page.body
        printed = await flow.send("/click Top")
        top = flow.last_in("DM erin ⇄ Murmure", printed).body
        assert top.index(texts["carol"]) < top.index(texts["alice"])

        # erin follows "love": she sees the public plaza's love secrets, never the back room's
        await flow.send("/topics")
        printed = await flow.send("/click love")
        assert "✅ love" in flow.last_in("DM erin ⇄ Murmure", printed).body
        await post_in(flow, "dave", "I still write love letters I never send.", "Open plaza", topic_clicks=1)
        await post_in(flow, "bob", "I love someone in this very group.", "Back room", topic_clicks=1)
        printed = await flow.as_("erin", "/latest")
        page = flow.last_in("DM erin ⇄ Murmure", printed).body
        assert "I still write love letters I never send." in page and "Open plaza · 🏷 love" in page
        assert "someone in this very group" not in page
    finally:
        await flow.close()
