"""The bot's connections to Telegram: a burst may open many at once, but only a few stay open once idle
(httpcore walks its whole pool for each idle connection at every request: a pool left at a burst's size
cost more CPU than the requests)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from telegram.request import HTTPXRequest

from adapters.section import Section
from adapters.telegram.connection import LIMITS, TOKEN_ENV, application
from tests.emulators.telegram import TelegramEmulator

AT_ONCE = 60


async def test_a_burst_of_reads_leaves_only_a_few_connections_open(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    async with TelegramEmulator(latency=0.05) as tg:  # Telegram's exact limits; reads are not counted
        monkeypatch.setenv(TOKEN_ENV, tg.token)
        section = Section("telegram", {"base_url": tg.base_url}, Path())
        app = application(section)
        async with app.bot as bot:
            await asyncio.gather(*(bot.get_me() for _ in range(AT_ONCE)))
            await bot.get_me()  # the pool is tidied as a request comes
            request = bot.request
            assert isinstance(request, HTTPXRequest)
            pool = request._client._transport._pool  # type: ignore[attr-defined]
            open_now = len(pool.connections)
    assert len(tg.calls("getMe")) >= AT_ONCE + 1
    assert isinstance(LIMITS, httpx.Limits) and LIMITS.max_keepalive_connections is not None
    assert open_now <= LIMITS.max_keepalive_connections + 1, open_now
