"""Seeded junk through the real adapter (issue 16, point 3): no crash, no internal error, every press
answered, and the bot still answers afterwards. ``benchmarks/fuzz_bench.py`` runs ten thousand."""

from __future__ import annotations

import logging
import random
from pathlib import Path

import pytest

from tests.telegram.fuzz import fuzz
from tests.telegram.harness import post, running_telegram, setup_group, uid

UPDATES = 300
INTERNAL = ("use case failed", "telegram update failed", "an update failed", "Traceback")


async def test_three_hundred_junk_updates_cause_no_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with running_telegram(tmp_path, monkeypatch) as t:
        t.tg.limit_rates(per_group_per_minute=None, global_per_second=None)  # junk volume, not limits
        await setup_group(t)
        await post(t, "alice", "A card to press on.")
        await fuzz(t, random.Random(16), UPDATES)
        await t.tg.wait_updates_consumed(within=60)
        await t.tg.wait_until(lambda: not t.tg.unanswered_callback_queries(), within=30)
        await t.dm("bob", "Still listening after the junk?")
        await t.until(uid("bob"), "Still listening after the junk")
        said = [m.text or "" for chat in t.tg.chats for m in t.tg.bot_messages(chat)]
    failures = [r.getMessage() for r in caplog.records if any(k in r.getMessage() for k in INTERNAL)]
    assert not failures, failures[:5]
    assert not [s for s in said if "Something went wrong" in s or "Un problème est survenu" in s]
