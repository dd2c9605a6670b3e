"""/stats on Telegram: typed in the group, the chart (a PNG document, as drawn) and the figures as text come
in the admin's DM, nothing in the group; the decoded image and the text agree with the database."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.emulators.telegram import ChatMessage
from tests.png import decode
from tests.telegram.harness import GROUP, Telegram, post, running_telegram, setup_group, uid


def _stored(t: Telegram) -> dict[tuple[str, str], int]:
    with closing(sqlite3.connect(t.data_dir / "murmure.db")) as db:
        rows = db.execute("SELECT day, kind, count FROM community_stats").fetchall()
    return {(day, kind): count for day, kind, count in rows}


def _chart(t: Telegram) -> ChatMessage | None:
    return next((m for m in reversed(t.bot_messages(uid("mod"))) if m.file_content), None)


async def test_stats_come_privately_as_a_png_and_text_on_telegram(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_telegram(tmp_path, monkeypatch) as t:
        await setup_group(t)
        await post(t, "alice", "I pretend to know wine and I don't.")
        await t.dm("bob", "/start")
        await t.dm("bob", "BLOCKME shut up, idiot")
        await t.until(uid("bob"), "rethink|Rethink|re-think")
        in_group = len(t.bot_messages(GROUP))

        await t.tg.user_sends(uid("bob"), GROUP, "/stats")
        await t.until(uid("bob"), "Only the admins")
        await t.tg.user_sends(uid("mod"), GROUP, "/stats")
        text = await t.until(uid("mod"), "the last 7 and 30 days")
        await t.tg.wait_until(lambda: _chart(t) is not None, within=8)
        chart = _chart(t)
        assert chart is not None and chart.file_content is not None and chart.document is not None
        assert chart.document["file_name"] == "murmure-stats.png" and "Secrets and moderation" in (
            chart.caption or ""
        )
        await asyncio.sleep(0.3)
        assert len(t.bot_messages(GROUP)) == in_group  # nothing was said in the group

        stored = _stored(t)
        assert {kind: n for (_, kind), n in stored.items()} == {"posted": 1, "published": 1, "blocked": 1}
        png = decode(chart.file_content)
        drawn = json.loads(png.text["Description"])
        assert (png.width, png.height) == (800, 600)
        shown = {
            (day, kind): n
            for day, counts in drawn["days"].items()
            for kind, n in zip(drawn["kinds"], counts, strict=True)
            if n
        }
        assert shown == stored
        for kind, n in (("posted", 1), ("published", 1), ("blocked", 1), ("removed", 0)):
            assert f"• {kind}: {n} in 7 days, {n} in 30 days" in (text.text or "")
