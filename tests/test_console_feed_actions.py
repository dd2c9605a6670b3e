"""Acting from a feed page in the console: a reaction and a reply from /latest change the card in the group,
with the group's rules (a banned member is refused there as on the card)."""

from __future__ import annotations

from pathlib import Path

from storage.database import SqlDatabase
from tests.console_flow import ConsoleFlow

GROUP = "Demo group"


def dm(name: str) -> str:
    return f"DM {name} ⇄ Murmure"


async def test_reacting_and_replying_from_a_feed_page_change_the_card(
    tmp_path: Path, database: SqlDatabase
) -> None:
    url = database.engine.url.render_as_string(hide_password=False)
    flow = await ConsoleFlow.start(tmp_path, url)
    try:
        await flow.as_("alice", "I still sleep with the light on.")
        card = flow.last_in(GROUP, await flow.send("/click Post"))
        assert "❤️ 0" in card.body

        printed = await flow.as_("bob", "/latest")
        page = flow.last_in(dm("bob"), printed)
        assert "I still sleep with the light on." in page.body
        printed = await flow.send(f"/click {page.id} #1")  # the item's first button: ❤️
        assert "❤️ added" in printed
        assert "❤️ 1" in flow.message(card.id).body

        printed = await flow.send(f"/click {page.id} 5")  # 💬
        assert "Write your reply to #1" in flow.last_in(dm("bob"), printed).body
        await flow.send("Me too, and I'm forty.")
        printed = await flow.send("/click Post")
        assert "Me too, and I'm forty." in flow.last_reply(printed).body
        assert "Reply (1)" in flow.message(card.id).body

        # the group's rules hold on the feed: alice, banned, can't react to carol's secret from it
        await flow.as_("carol", "I never returned a library book from 2011.")
        await flow.send("/click Post")
        await flow.as_("mod", "/ban 1 24h")
        printed = await flow.as_("alice", "/latest")
        page = flow.last_in(dm("alice"), printed)
        printed = await flow.send(f"/click {page.id} #2")
        assert "You are suspended in Demo group" in printed
        printed = await flow.send(f"/click {page.id} 6")  # 🚩
        assert "You are suspended in Demo group" in flow.last_in(dm("alice"), printed).body
    finally:
        await flow.close()
