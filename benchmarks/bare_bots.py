"""The yardstick of ``bare_bot_bench.py``: a bare python-telegram-bot echo bot and a bare discord.py client,
in a process of their own, as Murmure's is. Same library versions, same polling (a long poll of the same
timeout), the same rate limiter as Murmure's Telegram adapter; no database, nothing else.

    python benchmarks/bare_bots.py --telegram URL --discord-api URL --discord-gateway URL --channel ID

Telegram (token in MURMURE_TELEGRAM_TOKEN): a DM ``<group id> <text>`` is echoed with a ``Post`` button; the
press is answered, then the text is sent to that group with a ``❤️`` button; a press on ``❤️`` is answered,
then the message is edited with the count. Discord (token in MURMURE_DISCORD_TOKEN): a message with ``Post``
and ``❤️`` in channel ``--channel``; ``Post`` is acknowledged, then a message with ``❤️`` is sent to the
channel; ``❤️`` edits the clicked message with the count through the interaction's answer.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

import discord
import discord.gateway
import discord.http
import yarl
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.telegram.rate_limit import TelegramRateLimiter

HEART = "❤️"


def telegram_bot(base_url: str, file_url: str, poll_timeout: int) -> Application:  # type: ignore[type-arg]
    app = (
        ApplicationBuilder()
        .token(os.environ["MURMURE_TELEGRAM_TOKEN"])
        .base_url(base_url)
        .base_file_url(file_url)
        .rate_limiter(TelegramRateLimiter())
        .build()
    )
    hearts: dict[tuple[int, int], int] = {}

    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not message.text:
            return
        group = message.text.split()[0]
        post = InlineKeyboardButton("Post", callback_data=f"post:{group}")
        await message.reply_text(message.text, reply_markup=InlineKeyboardMarkup([[post]]))

    async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or query.message is None or not query.data:
            return
        await query.answer()
        text = getattr(query.message, "text", "") or ""
        heart = InlineKeyboardMarkup([[InlineKeyboardButton(HEART, callback_data="heart")]])
        if query.data.startswith("post:"):
            await context.bot.send_message(int(query.data.split(":", 1)[1]), text, reply_markup=heart)
        elif query.data == "heart":
            key = (query.message.chat.id, query.message.message_id)
            hearts[key] = hearts.get(key, 0) + 1
            await query.edit_message_text(f"{text.split(' ❤️')[0]} {HEART} {hearts[key]}", reply_markup=heart)

    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.TEXT, on_text))
    app.add_handler(CallbackQueryHandler(on_press))
    app.bot_data["poll_timeout"] = poll_timeout
    return app


class Buttons(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)
        self.hearts: dict[int, int] = {}

    @discord.ui.button(label="Post", custom_id="bare:post")
    async def post(self, interaction: discord.Interaction[Any], button: discord.ui.Button[Any]) -> None:
        await interaction.response.defer()
        channel = interaction.channel
        if isinstance(channel, discord.TextChannel):
            await channel.send("A bare card", view=self)

    @discord.ui.button(label=HEART, custom_id="bare:heart")
    async def heart(self, interaction: discord.Interaction[Any], button: discord.ui.Button[Any]) -> None:
        message_id = interaction.message.id if interaction.message else 0
        self.hearts[message_id] = self.hearts.get(message_id, 0) + 1
        await interaction.response.edit_message(content=f"A bare card {HEART} {self.hearts[message_id]}")


class DiscordBot(discord.Client):
    def __init__(self, channel_id: int) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        intents.dm_messages = True
        super().__init__(intents=intents, guild_ready_timeout=0.05)
        self.channel_id = channel_id
        self.buttons = Buttons()

    async def setup_hook(self) -> None:
        self.add_view(self.buttons)

    async def on_ready(self) -> None:
        channel = self.get_channel(self.channel_id)
        if isinstance(channel, discord.TextChannel):
            await channel.send("A bare card", view=self.buttons)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--telegram", required=True, help="the Bot API base URL (ends with /bot)")
    parser.add_argument("--telegram-files", required=True)
    parser.add_argument("--poll-timeout", type=int, default=1)
    parser.add_argument("--discord-api", required=True)
    parser.add_argument("--discord-gateway", required=True)
    parser.add_argument("--channel", type=int, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    discord.http.Route.BASE = args.discord_api
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(args.discord_gateway + "/")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    tg = telegram_bot(args.telegram, args.telegram_files, args.poll_timeout)
    dc = DiscordBot(args.channel)
    async with tg:
        await tg.start()
        assert tg.updater is not None
        await tg.updater.start_polling(timeout=args.poll_timeout, poll_interval=0.0)
        running = asyncio.create_task(dc.start(os.environ["MURMURE_DISCORD_TOKEN"]))
        try:
            await stop.wait()
        finally:
            await dc.close()
            with contextlib.suppress(Exception):
                await running
            await tg.updater.stop()
            await tg.stop()


if __name__ == "__main__":
    asyncio.run(main())
