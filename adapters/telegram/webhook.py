"""Telegram's webhook, answered only once the update is handled.

python-telegram-bot's webhook server answers Telegram's POST as soon as the update is in its queue: a process
killed then loses every update it had answered and not yet handled (Telegram sends an update until it gets a
2xx, never after). Here the answer waits for the update to be handled, members side by side and each
member's in order (the application's update processor), so what a crash interrupts is sent again. Telegram
sending an update again while it is still being handled (it timed out waiting) gets its answer when that
handling ends; it is not handled twice.

An update the library can't read is answered 200 and skipped with one line naming nothing in it: answered
with an error, Telegram would send it again and again, holding back every update after it; and
python-telegram-bot's own server logs the raw update.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Sequence

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.logsafe import where

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header's name
MAX_BODY = 1024 * 1024  # an update is small; anything bigger is not Telegram's
STOP_GRACE = 10.0  # seconds the updates being handled have to finish when the process stops


class Webhook:
    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        *,
        listen: str,
        port: int,
        url_path: str,
        webhook_url: str,
        secret_token: str | None,
        allowed_updates: Sequence[str],
    ) -> None:
        self._app = application
        self._listen, self._port = listen, port
        self._path = "/" + url_path.strip("/")
        self._url = webhook_url
        self._secret = secret_token
        self._allowed = list(allowed_updates)
        self._handling: dict[int, asyncio.Future[None]] = {}
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        server = web.Application(client_max_size=MAX_BODY)
        server.router.add_post(self._path, self._receive)
        self._runner = web.AppRunner(server, access_log=None, shutdown_timeout=STOP_GRACE)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._listen, self._port).start()
        await self._app.bot.set_webhook(
            url=self._url, allowed_updates=self._allowed, secret_token=self._secret
        )

    async def stop(self) -> None:
        """Stops listening; the updates being handled finish (up to ``STOP_GRACE``) and are answered."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if self._secret and not hmac.compare_digest(given.encode(), self._secret.encode()):
            return web.Response(status=403)
        try:
            raw = json.loads(await request.read())
        except ValueError:
            return web.Response(status=400)  # not JSON: not Telegram
        update_id = raw.get("update_id") if isinstance(raw, dict) else None
        if not isinstance(update_id, int):
            log.warning("telegram: an update without an id was skipped")
            return web.Response(status=200)
        running = self._handling.get(update_id)
        if running is not None:  # sent again while being handled: answered when it is done
            await asyncio.shield(running)
            return web.Response(status=200)
        try:
            update = Update.de_json(raw, self._app.bot)
        except Exception as error:
            # the kind of failure only: the exception's text quotes the update
            log.warning("telegram: an update the library can't read was skipped (%s)", type(error).__name__)
            return web.Response(status=200)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._handling[update_id] = done
        try:
            await self._process(update)
        finally:
            del self._handling[update_id]
            done.set_result(None)
        return web.Response(status=200)

    async def _process(self, update: Update) -> None:
        try:
            processor = self._app.update_processor
            await processor.process_update(update, self._app.process_update(update))
        except Exception as error:  # handlers' errors go to the error handler; this is anything else
            log.error("telegram: an update failed: %s", where(error))
