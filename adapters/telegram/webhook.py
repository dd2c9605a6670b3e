"""Telegram's webhook, answered only once the update is handled.

python-telegram-bot's webhook server answers Telegram's POST as soon as the update is in its queue: a process
killed then loses every update it had answered and not yet handled (Telegram sends an update until it gets a
2xx, never after). Here the answer waits for the update to be handled, members side by side and each
member's in order (the application's update processor), so what a crash interrupts is sent again. Telegram
sending an update again while it is still being handled (it timed out waiting) gets its answer when that
handling ends; it is not handled twice.

Several workers may run behind one URL on one PostgreSQL database (``claims``): each update is then claimed in
the database by the worker that handles it, and marked handled once it is. Telegram sending it again to
another worker (it timed out waiting, or the worker died) gets its answer once the first worker is done, and
is not handled twice; an update whose worker died while handling it (its claim no longer renewed, or its
process gone from this machine) is handled by the worker it comes to next.

An update the library can't read is answered 200 and skipped with one line naming nothing in it: answered
with an error, Telegram would send it again and again, holding back every update after it; and
python-telegram-bot's own server logs the raw update.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Sequence

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from adapters.holders import Holder
from bot.coordination import Coordination
from bot.logsafe import where

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header's name
MAX_BODY = 1024 * 1024  # an update is small; anything bigger is not Telegram's
STOP_GRACE = 10.0  # seconds the updates being handled have to finish when the process stops
CLAIM_STALE = 15.0  # seconds: a claim on an update not renewed for this long is taken over
RENEW_EVERY = 3.0  # seconds between two renewals of the claims on the updates being handled
ELSEWHERE_WAIT = 0.1  # seconds between two looks at an update another worker handles
ELSEWHERE_PATIENCE = 10.0  # seconds an update another worker handles is waited for before Telegram is told
# to send it again later (503)


class Claims:
    """Updates claimed in the shared database by the worker handling them (see the module's docstring)."""

    def __init__(self, coordination: Coordination, source: str) -> None:
        self._coordination = coordination
        self._source = source
        self._me = Holder(coordination)
        self._held = 0
        self._renewing: asyncio.Task[None] | None = None

    async def take(self, update_id: int) -> bool | None:
        """True: this worker handles it now; False: it was handled; None: another worker still handles it
        after ``ELSEWHERE_PATIENCE`` (Telegram sends it again later)."""
        waited = 0.0
        while True:
            claim = await self._coordination.take_event(self._source, update_id, self._me.id, CLAIM_STALE)
            if not claim.mine and claim.holder and self._me.dead_here(claim.holder):
                claim = await self._coordination.take_event(
                    self._source, update_id, self._me.id, CLAIM_STALE, replacing=claim.holder
                )
            if claim.mine:
                self._held += 1
                if self._renewing is None:
                    self._renewing = asyncio.create_task(self._renew())
                return True
            if claim.handled:
                return False
            if waited >= ELSEWHERE_PATIENCE:
                return None
            await asyncio.sleep(ELSEWHERE_WAIT)
            waited += ELSEWHERE_WAIT

    async def done(self, update_id: int, *, handled: bool) -> None:
        self._held -= 1
        try:
            await self._coordination.event_done(self._source, update_id, self._me.id, handled=handled)
        except Exception as error:  # its claim runs out: another worker handles it again if it comes back
            log.warning("telegram: an update was not marked as handled: %s", where(error))

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(RENEW_EVERY)
            if not self._held:
                continue
            try:
                await self._coordination.keep_events(self._me.id)
            except Exception as error:  # the database away for a moment: the claims last CLAIM_STALE
                log.warning(
                    "telegram: the claims on updates being handled were not renewed: %s", where(error)
                )

    async def close(self) -> None:
        if self._renewing is not None:
            self._renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewing
            self._renewing = None


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
        claims: Claims | None = None,
    ) -> None:
        self._app = application
        self._claims = claims
        self._listen, self._port = listen, port
        self._path = "/" + url_path.strip("/")
        self._url = webhook_url
        self._secret = secret_token
        self._allowed = list(allowed_updates)
        self._handling: dict[int, asyncio.Future[int]] = {}  # the status each update is answered with
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
        if self._claims is not None:
            await self._claims.close()

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
        if running is not None:  # sent again while being handled: answered when it is done, alike
            return web.Response(status=await asyncio.shield(running))
        try:
            update = Update.de_json(raw, self._app.bot)
        except Exception as error:
            # the kind of failure only: the exception's text quotes the update
            log.warning("telegram: an update the library can't read was skipped (%s)", type(error).__name__)
            return web.Response(status=200)
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._handling[update_id] = done
        status = 503  # unless handled: Telegram sends it again
        try:
            status = await self._claim_and_process(update_id, update)
        finally:
            del self._handling[update_id]
            done.set_result(status)
        return web.Response(status=status)

    async def _claim_and_process(self, update_id: int, update: Update) -> int:
        """The status to answer: 200 once handled here or by another worker, 503 if not known to be."""
        if self._claims is None:
            await self._process(update)
            return 200
        try:
            mine = await self._claims.take(update_id)
        except Exception as error:  # not known to be handled elsewhere: Telegram sends it again
            log.warning("telegram: an update could not be claimed: %s", where(error))
            return 503
        if mine is None:
            return 503  # still handled by another worker: sent again later
        if mine:
            handled = False
            try:
                await self._process(update)
                handled = True
            finally:
                await self._claims.done(update_id, handled=handled)
        return 200

    async def _process(self, update: Update) -> None:
        try:
            processor = self._app.update_processor
            await processor.process_update(update, self._app.process_update(update))
        except Exception as error:  # handlers' errors go to the error handler; this is anything else
            log.error("telegram: an update failed: %s", where(error))
