"""The member's DM digest on Telegram at the time and zone they chose (issue 15, point 4): ``/digest 08:30
Europe/Paris`` in DM, the digest in their DM at 07:30 UTC in winter and not at 19:00 UTC, switched off from
the digest itself. The real APScheduler job runs it, on the core's clock the test moves."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support import FixedClock, card_recorded
from tests.telegram.harness import GROUP, Telegram, running_telegram, setup_group, uid

PUBLIC_AND_SCHEDULED = "[community]\npublic = true\n[scheduler]\ndigest_check_seconds = 0.2\n"
DIGEST = "Today in your topics"


def digests(t: Telegram, name: str) -> list[str]:
    return [m.text or "" for m in t.bot_messages(uid(name)) if DIGEST in (m.text or "")]


async def test_the_dm_digest_comes_at_the_members_local_time_and_stops_from_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FixedClock(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    async with running_telegram(tmp_path, monkeypatch, PUBLIC_AND_SCHEDULED, clock=clock) as t:
        await setup_group(t)
        await t.dm("erin", "/help")
        await t.until(uid("erin"), r"/digest — When your daily digest comes")
        await t.dm("erin", "/topics")
        topics = await t.until(uid("erin"), "Topics you follow")
        await t.click("erin", topics, "love")
        await t.dm("erin", "/digest 08:30 Atlantis")
        await t.until(uid("erin"), "I don't know the time zone “Atlantis”")
        await t.dm("erin", "/digest 08:30 Europe/Paris")
        await t.until(
            uid("erin"), "your daily digest comes at 08:30, Europe/Paris time; the next one tomorrow"
        )

        text = "I wrote a love song and sang it to my cat."
        await t.dm("alice", text)
        preview = await t.until(uid("alice"), "Preview")
        await t.click("alice", preview, "Topic")
        await t.tg.wait_until(lambda: "Topic: love" in str(t.last(uid("alice")).buttons), within=8)
        await t.click("alice", preview, "Post")
        card = await t.until(GROUP, re.escape(text))
        await t.tg.wait_until(lambda: card_recorded(t.data_dir / "murmure.db", text), within=8)
        for fan in ("bob", "carol"):
            await t.click(fan, card, "❤️")
        await asyncio.sleep(0.5)
        clock.advance(minutes=1)  # the card's edits are spaced out on the core's clock
        await t.tg.wait_until(lambda: "❤️ 2" in str(t.last_card().buttons), within=8)

        clock.current = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)  # the old fixed time: nothing
        await asyncio.sleep(1.5)  # several runs of the digest job
        assert digests(t, "erin") == []
        clock.current = datetime(2026, 11, 25, 7, 30, tzinfo=UTC)  # 08:30 in Paris in winter
        digest = await t.until(uid("erin"), DIGEST)
        assert text in (digest.text or "")
        await asyncio.sleep(1.0)
        assert len(digests(t, "erin")) == 1  # once

        await t.click("erin", digest, "Stop this digest")
        await t.until(uid("erin"), "no more daily digest")
        await t.dm("erin", "/digest")
        await t.until(uid("erin"), "Your daily digest is off")
        clock.current = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)
        await asyncio.sleep(1.5)
        assert len(digests(t, "erin")) == 1
