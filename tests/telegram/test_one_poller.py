"""One long-polling process per bot (issue 16, point 6): a second `murmure run` polling the same bot on the
same database is refused at once with a clear message and a non-zero exit code, before it asks Telegram
anything that would disturb the first (no "terminated by other getUpdates request"); once the first stops, a
new one polls at once."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from murmure.config import load_config
from murmure.platforms_app import run_platforms
from storage.tables import SendSlotRow
from tests.conftest import migrated, sql_url
from tests.emulators.telegram import TelegramEmulator
from tests.telegram.harness import GROUP, keys_env, populate, uid, write_config

ROOT = Path(__file__).resolve().parents[2]


async def _murmure_run(config: Path, cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "murmure.cli", "run", "--config", str(config),
        cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def test_a_second_poller_of_the_same_bot_is_refused_and_the_first_keeps_polling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with TelegramEmulator() as tg:
        keys_env(monkeypatch, tg.token)
        populate(tg)
        config = write_config(tmp_path, tg)
        stop = asyncio.Event()
        first = asyncio.create_task(run_platforms(load_config(config), stop, install_signals=False))
        try:
            await tg.wait_for_request("getUpdates", within=20)
            asked_before = len(tg.requests)
            second = await _murmure_run(config, tmp_path)
            _, err = await asyncio.wait_for(second.communicate(), 60)
            assert second.returncode == 5
            message = err.decode()
            assert "another process already polls this bot's updates" in message
            assert 'telegram.mode = "webhook"' in message
            assert tg.token not in message and "Traceback" not in message
            # the refused process asked Telegram nothing: no getMe, no deleteWebhook, no competing getUpdates
            assert {c.method for c in tg.requests[asked_before:]} <= {"getUpdates"}
            assert not tg.calls("getUpdates", ok=False)
            assert not first.done()
        finally:
            stop.set()
            await asyncio.wait_for(first, 15)
        # the lease was given back on stop: the next process polls at once
        polls = len(tg.calls("getUpdates"))
        third = await _murmure_run(config, tmp_path)
        try:
            await tg.wait_until(lambda: len(tg.calls("getUpdates")) > polls + 1, within=30)
            assert third.returncode is None
        finally:
            third.send_signal(2)
            await asyncio.wait_for(third.communicate(), 20)
        assert third.returncode == 0


@pytest.mark.postgres
async def test_a_poller_on_postgresql_counts_its_messages_alone_with_no_round_trip_to_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A poller is the only process sending for its bot (its lease refuses a second one): its own windows
    count every message, with no send slot taken in the database before each send and marked after its
    answer (round trips that lay inside the send-to-commit window, in which a kill posts a card twice)."""
    async with migrated(sql_url("postgresql", tmp_path)) as database, TelegramEmulator() as tg:
        keys_env(monkeypatch, tg.token)
        populate(tg)
        config = write_config(tmp_path, tg)
        sqlite = f"sqlite+aiosqlite:///{tmp_path}/murmure.db"
        config.write_text(config.read_text().replace(sqlite, sql_url("postgresql", tmp_path)))
        stop = asyncio.Event()
        running = asyncio.create_task(run_platforms(load_config(config), stop, install_signals=False))
        try:
            await tg.wait_for_request("getUpdates", within=30)
            await tg.add_bot_to_group(GROUP, uid("mod"), admin=True)
            await tg.wait_until(lambda: any(m.from_bot for m in tg.messages(GROUP)), within=30)
        finally:
            stop.set()
            await asyncio.wait_for(running, 30)
        async with database.engine.connect() as connection:
            slots = (await connection.execute(select(func.count()).select_from(SendSlotRow))).scalar_one()
    assert slots == 0
