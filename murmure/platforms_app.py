"""`murmure run` with messengers configured: Telegram (and later Discord) on one database, until a signal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import Application, ApplicationBuilder

from adapters.discord.client import PLATFORM as DISCORD
from adapters.discord.client import MurmureClient, configure_endpoints
from adapters.discord.platform import DiscordDirectory, DiscordMessenger
from adapters.telegram.handlers import PLATFORM as TELEGRAM
from adapters.telegram.handlers import TelegramHandlers
from adapters.telegram.platform import TelegramDirectory, TelegramMessenger
from adapters.telegram.rate_limit import MessageRateLimiter
from bot.i18n import SUPPORTED_LOCALES, t_in
from bot.logsafe import where
from bot.ports import Directory, Messenger
from murmure.bootstrap import build_app, scheduled_jobs
from murmure.config import Config, ConfigError, number
from murmure.keys import secret_value

log = logging.getLogger(__name__)
Step = Callable[[], Awaitable[Any]]

BOT_COMMANDS = ("start", "latest", "top", "topics", "mine", "language", "cancel", "help")
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]


def telegram_application(config: Config) -> Application:  # type: ignore[type-arg]
    section = config.telegram
    token = secret_value(section, "token", "MURMURE_TELEGRAM_TOKEN", config.base_dir)
    # Telegram's limits (about 30 messages a second overall, 20 a minute per group) and its RetryAfter
    # answers are honoured for every request, replies to members included.
    limiter = MessageRateLimiter(
        overall_max_rate=number(section, "telegram", "overall_per_second", 30),
        group_max_rate=number(section, "telegram", "group_per_minute", 20),
        group_time_period=60,
        max_retries=int(number(section, "telegram", "max_retries", 3)),
    )
    builder = ApplicationBuilder().token(token).rate_limiter(limiter)
    base_url = section.get("base_url")
    if base_url:
        builder = builder.base_url(str(base_url)).base_file_url(str(section.get("base_file_url", base_url)))
    return builder.build()


async def _set_commands(application: Application) -> None:  # type: ignore[type-arg]
    for locale in SUPPORTED_LOCALES:
        commands = [BotCommand(name, t_in(locale, f"command.{name}")) for name in BOT_COMMANDS]
        await application.bot.set_my_commands(commands, language_code=None if locale == "en" else locale)


async def _start_telegram(config: Config, application: Application) -> list[Step]:  # type: ignore[type-arg]
    """Start polling or the webhook; returns the steps that stop it, in order."""
    section = config.telegram
    await application.initialize()
    steps: list[Step] = [application.shutdown]
    await _set_commands(application)
    await application.start()
    steps.insert(0, application.stop)
    updater = application.updater
    assert updater is not None
    if section.get("mode", "polling") == "webhook":
        if "webhook_url" not in section:
            raise ConfigError('telegram.mode = "webhook" needs telegram.webhook_url')
        await updater.start_webhook(
            listen=str(section.get("listen", "127.0.0.1")),
            port=int(number(section, "telegram", "port", 8443)),
            url_path=str(section.get("url_path", "telegram")),
            webhook_url=str(section["webhook_url"]),
            secret_token=secret_value(
                section, "webhook_secret", "MURMURE_TELEGRAM_WEBHOOK_SECRET", config.base_dir
            ),
            allowed_updates=ALLOWED_UPDATES,
        )
    else:
        await updater.start_polling(
            poll_interval=number(section, "telegram", "poll_interval", 0.0),
            timeout=int(number(section, "telegram", "poll_timeout", 10)),
            allowed_updates=ALLOWED_UPDATES,
        )
    steps.insert(0, updater.stop)
    return steps


async def _start_discord(config: Config, client: MurmureClient) -> list[Step]:
    token = secret_value(config.discord, "token", "MURMURE_DISCORD_TOKEN", config.base_dir)
    await client.login(token)
    connection = asyncio.create_task(client.connect(reconnect=True))

    async def stop() -> None:
        await client.close()
        with contextlib.suppress(asyncio.CancelledError):
            await connection

    return [stop]


def discord_client(config: Config) -> MurmureClient:
    section = config.discord
    configure_endpoints(section.get("api_base_url"), section.get("gateway_url"))
    guilds = section.get("guild_ids", [])
    if not isinstance(guilds, list) or not all(isinstance(g, int) for g in guilds):
        raise ConfigError("discord.guild_ids must be a list of server ids (numbers)")
    return MurmureClient(
        dev_guilds=tuple(guilds), guild_ready_timeout=number(section, "discord", "guild_ready_timeout", 2.0)
    )


async def run_platforms(
    config: Config, stop: asyncio.Event | None = None, *, install_signals: bool = True
) -> int:
    """Every configured messenger in one process, on one database, until ``stop`` (or SIGINT/SIGTERM)."""
    stop = stop or asyncio.Event()
    if install_signals:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, stop.set)
    messengers: dict[str, Messenger] = {}
    directories: dict[str, Directory] = {}
    application = telegram_application(config) if "telegram" in config.messengers else None
    if application is not None:
        messengers[TELEGRAM] = TelegramMessenger(application.bot)
        directories[TELEGRAM] = TelegramDirectory(application.bot)
    client = discord_client(config) if "discord" in config.messengers else None
    if client is not None:
        messengers[DISCORD] = DiscordMessenger(client)
        directories[DISCORD] = DiscordDirectory(client)
    app = await build_app(config, messengers, directories)
    stopping: list[Step] = []
    try:
        if application is not None:
            TelegramHandlers(app.service).install(application)
            stopping[:0] = await _start_telegram(config, application)
        if client is not None:
            client.attach(app.service)
            stopping[:0] = await _start_discord(config, client)
        log.warning("murmure is running on %s", ", ".join(config.messengers))
        jobs = scheduled_jobs(config, app)
        if jobs is not None:
            jobs.start()
            stopping.insert(0, _as_async(jobs.stop))
        await app.dispatcher.run_forever(stop)
    finally:
        for step in stopping:
            try:
                await step()
            except Exception as error:
                log.error("while stopping: %s", where(error))
        await app.close()
    return 0


def _as_async(step: Callable[[], None]) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        step()

    return run


def main_platforms(config: Config) -> int:
    return asyncio.run(run_platforms(config))
