"""A poller says it has caught up (``Poller.caught_up``) once the updates that waited for the process are
handled; when none waited, at once, not after a first long poll (the outbox, which waits for it up to
``CATCH_UP_SECONDS`` at a start, would otherwise start that much later after every quiet restart)."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from adapters.telegram.polling import Poller
from tests.emulators.telegram import TelegramEmulator

LONG_POLL = 5  # seconds a getUpdates waits for an update when none is there
WRITER = 42


def _application(tg: TelegramEmulator, seen: list[str], held: asyncio.Event) -> Application:  # type: ignore[type-arg]
    app = Application.builder().token(tg.token).base_url(tg.base_url).concurrent_updates(True).build()

    async def handle(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await held.wait()
        seen.append(str(update.effective_message.text))

    app.add_handler(MessageHandler(filters.TEXT, handle))
    return app


async def _caught_up_within(poller: Poller, seconds: float) -> bool:
    try:
        await asyncio.wait_for(poller.caught_up(), seconds)
    except TimeoutError:
        return False
    return True


async def test_a_poller_with_nothing_waiting_has_caught_up_at_once() -> None:
    async with TelegramEmulator() as tg:
        held = asyncio.Event()
        held.set()
        app = _application(tg, [], held)
        await app.initialize()
        poller = Poller(app, timeout=LONG_POLL, poll_interval=0, allowed_updates=["message"])
        await poller.start()
        try:
            assert await _caught_up_within(poller, 1.0)  # not after the first long poll's 5 s
        finally:
            await poller.stop()
            await app.shutdown()


async def test_a_poller_has_caught_up_once_what_waited_is_handled() -> None:
    async with TelegramEmulator() as tg:
        tg.add_user(WRITER, "Writer").started = True
        await tg.user_sends(WRITER, WRITER, "written while the bot was down")
        seen: list[str] = []
        held = asyncio.Event()
        app = _application(tg, seen, held)
        await app.initialize()
        poller = Poller(app, timeout=LONG_POLL, poll_interval=0, allowed_updates=["message"])
        await poller.start()
        try:
            assert not await _caught_up_within(poller, 0.5)  # taken, not handled yet
            held.set()
            assert await _caught_up_within(poller, 1.0)
            assert seen == ["written while the bot was down"]
        finally:
            await poller.stop()
            await app.shutdown()
