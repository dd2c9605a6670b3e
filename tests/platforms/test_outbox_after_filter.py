"""The moderation filter's build stalls the event loop in chunks (it runs in a worker thread, but holds the
GIL): the outbox starts only once it is built, so that no card's answer waits behind the build before its
recording (the send-to-commit window, in which a kill posts the card twice on Telegram). The build runs with
the garbage collector off and freezes what it made: full passes over it stalled the loop for up to 130 ms."""

from __future__ import annotations

import asyncio
import gc
import threading
from pathlib import Path

import pytest

from bot.moderation.pipeline import default_filter
from bot.ports import TextChecker
from murmure import bootstrap
from murmure.bootstrap import PreparedFilter
from murmure.config import load_config
from murmure.platforms_app import run_platforms
from tests.emulators.telegram import TelegramEmulator
from tests.telegram.harness import GROUP, keys_env, populate, uid, write_config


async def test_the_outbox_sends_nothing_before_the_moderation_filter_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()

    def slow_build() -> TextChecker:
        release.wait(30)
        return default_filter()

    monkeypatch.setattr(bootstrap, "_default_filter", slow_build)
    async with TelegramEmulator() as tg:
        keys_env(monkeypatch, tg.token)
        populate(tg)
        stop = asyncio.Event()
        running = asyncio.create_task(
            run_platforms(load_config(write_config(tmp_path, tg)), stop, install_signals=False)
        )
        try:
            await tg.wait_for_request("getUpdates", within=30)
            await tg.add_bot_to_group(GROUP, uid("mod"), admin=True)  # its welcome is queued in the outbox
            # the update is handled (its offset confirmed) while the build still waits
            await tg.wait_until(lambda: len(tg.calls("getUpdates")) >= 3, within=30)
            await asyncio.sleep(0.5)
            released = tg.now()
            release.set()
            await tg.wait_until(lambda: bool(tg.bot_messages(GROUP)), within=30)
        finally:
            release.set()
            stop.set()
            await asyncio.wait_for(running, 30)
    welcome = next(c for c in tg.calls("sendMessage") if int(c.params.get("chat_id", 0)) == GROUP)
    assert welcome.time >= released


def test_the_filter_is_built_with_the_collector_off_and_what_it_made_frozen() -> None:
    during: list[bool] = []

    def build() -> TextChecker:
        during.append(gc.isenabled())
        return default_filter()

    frozen = gc.get_freeze_count()
    try:
        prepared = PreparedFilter(build)
        assert prepared.check("hello there").verdict is not None
        assert during == [False]
        assert gc.isenabled()
        assert gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()
