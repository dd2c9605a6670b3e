"""The storage contract runs the same cases on every backend: the in-memory fake, SQLite and PostgreSQL.

Storage is the reference: where the fake answers differently, the fake is wrong.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.ports import Database
from tests.conftest import migrated, sql_url
from tests.fakes import FakeDatabase


@pytest.fixture(params=["fake", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """An empty store behind the core's port, on each backend in turn."""
    if request.param == "fake":
        yield FakeDatabase()
        return
    async with migrated(sql_url(request.param, tmp_path)) as database:
        yield database
