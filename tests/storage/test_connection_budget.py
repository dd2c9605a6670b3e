"""``[database] pool_size`` sizes a process's pool, and on PostgreSQL the process says at start how many of
the server's connections it may hold, warning when one process alone may hold more than the server allows
(several processes of the bot share one server's connections)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from murmure.config import ConfigError, load_config
from storage.database import POOL_SIZE, RECORDING_POOL, SqlDatabase
from tests.conftest import sql_url


def _config(tmp_path: Path, database: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f"[database]\n{database}\n", encoding="utf-8")
    return path


def test_the_pool_size_is_read_from_the_configuration(tmp_path: Path) -> None:
    assert load_config(_config(tmp_path, "pool_size = 12")).database_pool_size == 12
    assert load_config(_config(tmp_path, "")).database_pool_size is None
    for wrong in ("pool_size = -1", 'pool_size = "many"', "pool_size = 5000"):
        with pytest.raises(ConfigError, match=r"database\.pool_size"):
            load_config(_config(tmp_path, wrong))


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
async def test_a_process_holds_its_pool_and_what_it_records_with(engine: str, tmp_path: Path) -> None:
    url = sql_url(engine, tmp_path)
    sized, default = SqlDatabase.from_url(url, pool_size=12), SqlDatabase.from_url(url)
    try:
        listening = 1 if engine == "postgresql" else 0
        assert sized.connections_at_most() == 12 + RECORDING_POOL + listening
        assert default.connections_at_most() == POOL_SIZE + RECORDING_POOL + listening
    finally:
        await sized.dispose()
        await default.dispose()


async def test_postgresql_warns_when_one_process_may_hold_more_than_the_server_allows(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = sql_url("postgresql", tmp_path)
    caplog.set_level(logging.INFO, logger="storage.database")
    for size in (12, 1000):
        database = SqlDatabase.from_url(url, pool_size=size)
        try:
            await database.check_connection_budget()
        finally:
            await database.dispose()
    said = [(record.levelno, record.getMessage()) for record in caplog.records]
    assert said[0][0] == logging.INFO and "15 of PostgreSQL's" in said[0][1]
    assert said[1][0] == logging.WARNING and "1003 connections at once, more than" in said[1][1]
