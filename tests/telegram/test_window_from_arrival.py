"""The send-to-commit window starts as Telegram's answer arrives in the HTTP layer (python-telegram-bot's
request class the adapter uses), not when the messenger returns: the library's parse of the answer, slow on a
busy event loop, is inside the measured window."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from telegram import Message

from adapters.section import Section
from adapters.telegram.connection import TOKEN_ENV, application
from adapters.telegram.platform import TelegramMessenger
from bot.anonymity import Sealer
from bot.delivery.context import DeliveryContext, MemberChat
from bot.messages import ChatTarget, OutgoingMessage, RichText
from bot.ports import UnitOfWork
from tests.emulators.telegram import TelegramEmulator
from tests.fakes.store import FakeDatabase
from tests.support import FixedClock

PARSE_SECONDS = 0.08  # the answer's parse, as long as a busy loop makes it
USER = 4242


async def _recorded(uow: UnitOfWork, ref: str, entry: int | None) -> bool:
    return False


async def test_the_window_counts_the_parse_of_telegrams_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    parse = Message.de_json

    def slow_parse(data: Any, bot: Any = None) -> Message | None:
        time.sleep(PARSE_SECONDS)  # holds the event loop, as a busy one would
        return parse(data, bot)

    async with TelegramEmulator() as tg:
        tg.add_user(USER, "Alice").started = True  # has pressed Start: the bot may write to them
        monkeypatch.setenv(TOKEN_ENV, tg.token)
        app = application(Section("telegram", {"base_url": tg.base_url}, Path()))
        async with app.bot as bot:
            context = DeliveryContext(
                FakeDatabase(), {"telegram": TelegramMessenger(bot)}, Sealer(b"k" * 32), FixedClock()
            )
            monkeypatch.setattr(Message, "de_json", slow_parse)
            await context.send(
                MemberChat(),
                ChatTarget("telegram", str(USER)),
                OutgoingMessage(RichText.plain("hi")),
                _recorded,
            )
    assert len(tg.calls("sendMessage")) == 1
    assert context.slowest is not None
    assert context.slowest.returned >= PARSE_SECONDS  # the parse, inside the window
    assert context.windows == [context.slowest.closed]
    assert context.slowest.closed >= context.slowest.committed >= context.slowest.returned
