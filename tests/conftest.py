from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.database import SqlDatabase
from storage.migrate import upgrade
from tests import conformance
from tests.support import BASE_POSTGRES_URL, POSTGRES_URL, postgres_reachable


async def create_worker_database() -> None:
    """Creates this pytest-xdist worker's own PostgreSQL database, beside the base one, if it is missing."""
    base, own = make_url(BASE_POSTGRES_URL), make_url(POSTGRES_URL)
    connection = await asyncpg.connect(
        host=base.host, port=base.port, user=base.username, password=base.password, database=base.database
    )
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", own.database):
            await connection.execute(f'CREATE DATABASE "{own.database}"')
    finally:
        await connection.close()


def pytest_configure(config: pytest.Config) -> None:
    if POSTGRES_URL != BASE_POSTGRES_URL and postgres_reachable():
        asyncio.run(create_worker_database())


def sql_url(backend: str, tmp_path: Path) -> str:
    """A SQLite file in ``tmp_path``, or the test PostgreSQL database (skipped when it is not running)."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'murmure.db'}"
    if not postgres_reachable():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432")
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    return POSTGRES_URL


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return sql_url(request.param, tmp_path)


async def reset_postgres(database: SqlDatabase) -> None:
    """Every table gone, including any the models no longer describe (left by another revision of the code
    on the same database: its foreign keys would keep the models' tables from being dropped)."""
    async with database.engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))


@asynccontextmanager
async def migrated(url: str) -> AsyncIterator[SqlDatabase]:
    """A migrated, empty database at ``url``, disposed of afterwards."""
    db = SqlDatabase.from_url(url)
    if url.startswith("postgresql"):
        await reset_postgres(db)
    await upgrade(db.engine)
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[SqlDatabase]:
    """A migrated, empty database on SQLite or PostgreSQL."""
    async with migrated(database_url) as db:
        yield db


@pytest.fixture(autouse=True)
def api_conformance() -> Iterator[None]:
    """Fails a test during which an emulator received a request its platform's API description forbids."""
    conformance.begin_test()
    yield
    problems = conformance.end_test()
    if problems:
        pytest.fail("requests that break the official API description:\n" + "\n".join(problems[:20]))
