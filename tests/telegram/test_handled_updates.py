"""Updates handled before a kill are not handled again when Telegram sends them again after the restart.

The poller confirms to Telegram the lowest update still in progress: a slow one holds back the confirmation
of every later one, and after a kill Telegram sends them all again. Handled twice, a reaction's tap undid
itself and a reply link put its member back into writing a reply. Here a poller is "killed" (its tasks
cancelled, nothing confirmed) while a slow update is in progress and a later one was handled; the next poller
on the same database handles the slow one and skips the other."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from adapters.telegram.handled import HandledUpdates
from adapters.telegram.polling import Poller
from storage.coordination import SqlCoordination
from tests.conftest import migrated, sql_url
from tests.emulators.telegram import TelegramEmulator

SLOW, FAST = 42, 43


def application(tg: TelegramEmulator, seen: list[str], held: asyncio.Event) -> Application:  # type: ignore[type-arg]
    app = Application.builder().token(tg.token).base_url(tg.base_url).concurrent_updates(True).build()

    async def handle(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        seen.append(str(update.effective_message.text))
        if update.effective_message.text == "slow":
            await held.wait()

    app.add_handler(MessageHandler(filters.TEXT, handle))
    return app


async def test_an_update_handled_before_a_kill_is_not_handled_again(tmp_path: Path) -> None:
    async with migrated(sql_url("sqlite", tmp_path)) as database, TelegramEmulator() as tg:
        tg.add_user(SLOW, "Slow").started = True
        tg.add_user(FAST, "Fast").started = True
        coordination = SqlCoordination(database.engine, b"k" * 32)
        seen: list[str] = []
        held = asyncio.Event()
        first = application(tg, seen, held)
        await first.initialize()
        poller = Poller(
            first, timeout=0, poll_interval=0, allowed_updates=["message"],
            handled=HandledUpdates(coordination, "telegram:test", every=0.01),
        )  # fmt: skip
        await poller.start()
        await tg.user_sends(SLOW, SLOW, "slow")  # in progress until the kill: its confirmation held back
        await tg.wait_until(lambda: seen == ["slow"], within=10)
        await tg.user_sends(FAST, FAST, "fast")  # handled, not confirmed (the slow one is still in progress)
        await tg.wait_until(lambda: seen == ["slow", "fast"], within=10)
        await asyncio.sleep(0.2)  # its mark is written
        # the kill: nothing stops, nothing is confirmed
        for task in [poller._task, *poller._tasks]:
            assert task is not None
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        held.set()
        again: list[str] = []
        second = application(tg, again, held)
        await second.initialize()
        restarted = Poller(
            second, timeout=0, poll_interval=0, allowed_updates=["message"],
            handled=HandledUpdates(coordination, "telegram:test", every=0.01),
        )  # fmt: skip
        await restarted.start()
        try:
            await tg.wait_until(lambda: "slow" in again, within=10)
            await asyncio.sleep(0.3)  # the fast one, sent again with it, had time to be handled if it were
        finally:
            await restarted.stop()
            await second.shutdown()
            await first.shutdown()
    assert again == ["slow"]
