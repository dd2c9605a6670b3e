"""Every thread the process runs beside the event loop is started before it takes work
(``murmure/worker_threads.py``, ``App.start_threads``): ``Thread.start()`` waits on the loop's thread until the
new thread has run, which on a loaded machine held the loop 100 to 200 ms (asyncio's default pool started its
threads one by one as a restart's first members derived their keys and scored their texts in threads), while a
card's recording waited inside its send-to-commit window."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from tests.telegram.harness import running_telegram, setup_group, uid

WRITERS = ("alice", "bob", "carol", "dave", "erin")
LONG = " and the night was long, so long that nobody slept until the birds began to sing" * 6  # past 400


async def test_no_thread_is_started_on_the_loop_once_the_bot_takes_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_telegram(tmp_path, monkeypatch) as t:
        await setup_group(t)
        loop_thread = threading.get_ident()
        started_on_the_loop: list[str] = []
        start = threading.Thread.start

        def watched(thread: threading.Thread) -> None:
            if threading.get_ident() == loop_thread:
                started_on_the_loop.append(thread.name)
            start(thread)

        monkeypatch.setattr(threading.Thread, "start", watched)
        # five members at once: each scores a long text and derives their keys in a worker thread
        await asyncio.gather(*(t.dm(name, f"Secret of {name}: {LONG}") for name in WRITERS))
        previews = [await t.until(uid(name), "Preview", within=30) for name in WRITERS]
        await asyncio.gather(
            *(t.click(name, preview, "Post") for name, preview in zip(WRITERS, previews, strict=True))
        )
        for name in WRITERS:
            await t.until(uid(name), "will appear in", within=30)
        monkeypatch.setattr(threading.Thread, "start", start)
    assert started_on_the_loop == []
