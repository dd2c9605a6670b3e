"""What the database benchmarks share: a run on SQLite then PostgreSQL, and the schema dropped after."""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Awaitable, Callable

from sqlalchemy import text

from storage.database import SqlDatabase
from storage.tables import Base

Bench = Callable[[str, int, bool], Awaitable[None]]  # (database url, secrets to seed, reset after)


async def drop_schema(database: SqlDatabase) -> None:
    async with database.engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


async def on_both_engines(bench: Bench) -> None:
    """``--secrets N`` on a throwaway SQLite file, then on PostgreSQL (``--postgres URL``, reset after)
    unless ``--skip-postgres``."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--secrets", type=int, default=1_000_000)
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        await bench(f"sqlite+aiosqlite:///{folder}/bench.db", args.secrets, False)
    if not args.skip_postgres:
        await bench(args.postgres, args.secrets, True)
