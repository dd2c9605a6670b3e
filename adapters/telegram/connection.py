"""Telegram's client from its config section: the bot's menus, then long polling or the webhook."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import httpx
from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeDefault,
    Update,
)
from telegram.ext import Application, ApplicationBuilder

from adapters.library_logs import scrub_library_logs
from adapters.section import ConfigError, Section
from adapters.telegram.handled import HandledUpdates
from adapters.telegram.handlers import FEATURES, TelegramHandlers
from adapters.telegram.lease import PollerLease
from adapters.telegram.platform import TelegramDirectory, TelegramMessenger
from adapters.telegram.polling import Poller
from adapters.telegram.rate_limit import TelegramRateLimiter
from adapters.telegram.request import StampedRequest
from adapters.telegram.updates import MemberOrderedUpdates
from bot.commands import Command, Place, commands_for
from bot.i18n import SUPPORTED_LOCALES, t_in
from bot.logsafe import where
from bot.service import Murmure

if TYPE_CHECKING:
    from adapters.telegram.webhook import Webhook

log = logging.getLogger(__name__)

# the names of the environment variables that hold them
TOKEN_ENV = "MURMURE_TELEGRAM_TOKEN"  # noqa: S105
WEBHOOK_SECRET_ENV = "MURMURE_TELEGRAM_WEBHOOK_SECRET"  # noqa: S105
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
# The bot's connections to Telegram: up to PTB's 256 at once (a burst of reads at a start), but no more than
# 16 kept open once idle. httpcore walks every connection of its pool for each idle one at each request, so a
# pool left at a burst's size (100 after a start with 50 groups) cost more CPU than the requests themselves.
POOL = 256
LIMITS = httpx.Limits(max_connections=POOL, max_keepalive_connections=16)


def menus() -> list[tuple[BotCommandScope, tuple[Command, ...]]]:
    """Each menu scope with its commands: members in private, admins in groups (who see the group's too)."""
    group = commands_for(Place.GROUP, FEATURES)
    return [
        (BotCommandScopeAllPrivateChats(), commands_for(Place.PRIVATE, FEATURES)),
        (BotCommandScopeAllGroupChats(), group),
        (BotCommandScopeAllChatAdministrators(), group + commands_for(Place.ADMIN, FEATURES)),
    ]


def application(section: Section) -> Application:  # type: ignore[type-arg]
    token = section.secret("token", TOKEN_ENV)
    # Telegram's limits (30 messages in any second overall, 20 in any minute per group) counted as Telegram
    # counts them, and its RetryAfter answers honoured by the chat that got them, for every request.
    limiter = TelegramRateLimiter(
        overall_per_second=int(section.number("overall_per_second", 30)),
        group_per_minute=int(section.number("group_per_minute", 20)),
        group_period=section.number("group_window_seconds", 60),
        max_retries=int(section.number("max_retries", 3)),
        counted_after=section.number("counted_after_ms", 0) / 1000,
    )
    # members' updates side by side, each member's in order
    builder = (
        ApplicationBuilder()
        .token(token)
        .rate_limiter(limiter)
        .concurrent_updates(MemberOrderedUpdates())
        .request(StampedRequest(POOL, httpx_kwargs={"limits": LIMITS}))  # answers' arrival told
    )
    base_url = section.get("base_url")
    if base_url:
        builder = builder.base_url(str(base_url)).base_file_url(str(section.get("base_file_url", base_url)))
    return builder.build()


class TelegramConnection:
    def __init__(self, section: Section) -> None:
        self._section = section
        if section.get("mode", "polling") == "webhook" and "webhook_url" not in section.values:
            raise ConfigError('telegram.mode = "webhook" needs telegram.webhook_url')
        self._application = application(section)
        self.messenger = TelegramMessenger(self._application.bot)
        self.directory = TelegramDirectory(self._application.bot)
        self._initialized = self._started = False
        self._poller: Poller | None = None
        self._webhook: Webhook | None = None
        self._lease: PollerLease | None = None

    async def _set_menus(self) -> None:
        """Each scope's menu in each language; a scope with none is cleared, as is the default scope (an
        earlier version put the members' commands there, where groups showed them)."""
        bot = self._application.bot
        for locale in SUPPORTED_LOCALES:
            language = None if locale == "en" else locale
            await bot.delete_my_commands(scope=BotCommandScopeDefault(), language_code=language)
            for scope, commands in menus():
                if commands:
                    described = [BotCommand(c.name, t_in(locale, c.description_key)) for c in commands]
                    await bot.set_my_commands(described, scope=scope, language_code=language)
                else:
                    await bot.delete_my_commands(scope=scope, language_code=language)

    async def _set_descriptions(self) -> None:
        """What Telegram shows before a member's first message (the description) and on the bot's profile
        and in shares (the short one), in each language; English is also the default for the others."""
        bot = self._application.bot
        for locale in SUPPORTED_LOCALES:
            language = None if locale == "en" else locale
            await bot.set_my_description(t_in(locale, "telegram.description"), language_code=language)
            await bot.set_my_short_description(
                t_in(locale, "telegram.short_description"), language_code=language
            )

    async def start(self, service: Murmure) -> None:
        section, app = self._section, self._application
        polling = section.get("mode", "polling") != "webhook"
        if service.coordination is not None:
            # one poller per bot over every process on the database, or webhook workers (they hold the lease
            # together): refused here before anything is asked
            lease = PollerLease(service.coordination, section.secret("token", TOKEN_ENV), webhook=not polling)
            await lease.acquire()
            self._lease = lease
        shared = service.coordination if service.coordination and service.coordination.shared else None
        if shared is not None and not polling:
            # several processes may send for this bot (webhook workers): its limits counted over all of them.
            # A poller sends alone (its lease refuses a second one): its own windows count every message, with
            # no database round trip before each send and after its answer (inside the send-to-commit window)
            limiter = app.bot.rate_limiter
            if isinstance(limiter, TelegramRateLimiter):
                limiter.share(shared, shared.tag(section.secret("token", TOKEN_ENV)))
        scrub_library_logs("telegram")
        TelegramHandlers(service).install(app)
        await app.initialize()
        self._initialized = True
        await self._set_menus()
        await self._set_descriptions()
        await app.start()
        self._started = True
        if section.get("mode", "polling") == "webhook":
            # imported only here: aiohttp's server (about 10 MiB resident) is not loaded by a poller
            from adapters.telegram.webhook import Claims, Webhook

            # answered once handled (PTB's webhook server answers as soon as the update is queued)
            self._webhook = Webhook(
                app,
                listen=str(section.get("listen", "127.0.0.1")),
                port=int(section.number("port", 8443)),
                url_path=str(section.get("url_path", "telegram")),
                webhook_url=str(section.get("webhook_url")),
                secret_token=section.secret("webhook_secret", WEBHOOK_SECRET_ENV),
                allowed_updates=ALLOWED_UPDATES,
                # several workers behind one URL: each update claimed by the one handling it, handled once
                claims=(
                    Claims(shared, f"telegram:{shared.tag(section.secret('token', TOKEN_ENV))}")
                    if shared is not None
                    else None
                ),
            )
            await self._webhook.start()
            if self._lease is not None:
                self._lease.keep(lambda: None)  # a poller never takes it from live workers
        else:
            # updates confirmed once handled (PTB's updater confirms them as soon as they are queued)
            coordination = service.coordination
            source = (
                f"telegram:{coordination.tag(section.secret('token', TOKEN_ENV))}" if coordination else ""
            )
            self._poller = Poller(
                app,
                timeout=int(section.number("poll_timeout", 10)),
                poll_interval=section.number("poll_interval", 0.0),
                allowed_updates=ALLOWED_UPDATES,
                # updates handled before a kill are not handled again when Telegram sends them again
                handled=HandledUpdates(coordination, source) if coordination is not None else None,
            )
            await self._poller.start()
            if self._lease is not None:
                self._lease.keep(self._poller.halt)

    async def caught_up(self) -> None:
        """Polling: once the updates that waited for this process are handled (a webhook's come as they
        come: at once)."""
        if self._poller is not None:
            await self._poller.caught_up()

    async def stop(self) -> None:
        app = self._application
        steps = []
        if self._poller is not None:
            steps.append(self._poller.stop)
            self._poller = None
        if self._webhook is not None:
            steps.append(self._webhook.stop)
            self._webhook = None
        if self._started:
            limiter = app.bot.rate_limiter
            if isinstance(limiter, TelegramRateLimiter):
                limiter.stop_waiting()  # messages waiting for a group's minute would hold the stop
            steps.append(app.stop)
        if self._initialized:
            steps.append(app.shutdown)
        if self._lease is not None:
            steps.append(self._lease.release)  # once the poller confirmed what it handled
            self._lease = None
        for step in steps:
            try:
                await step()
            except Exception as error:
                log.error("while stopping telegram: %s", where(error))
        self._initialized = self._started = False
