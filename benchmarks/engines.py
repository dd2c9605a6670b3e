"""What the database benchmarks share: a run on SQLite then PostgreSQL, and the schema dropped after."""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import text

from storage.database import SqlDatabase
from storage.tables import Base

Bench = Callable[[str, int, bool], Awaitable[None]]  # (database url, secrets to seed, reset after)


async def drop_schema(database: SqlDatabase) -> None:
    async with database.engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


async def on_both_engines(bench: Bench, *, reusable: bool = False) -> None:
    """``--secrets N`` on a throwaway SQLite file, then on PostgreSQL (``--postgres URL``, reset after)
    unless ``--skip-postgres``.

    ``reusable`` benchmarks also take ``--reuse FOLDER``: the SQLite file is ``FOLDER/bench-N.db`` and is
    kept, and the PostgreSQL schema is kept too, so that the next run with ``--reuse`` skips the seeding
    (the benchmark seeds only when the table does not hold N rows). What a run changes (the sweep's
    erasures) stays changed: figures for the record come from a run without ``--reuse``."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--secrets", type=int, default=1_000_000)
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--skip-postgres", action="store_true")
    if reusable:
        parser.add_argument("--reuse", type=Path, help="keep the seeded databases (a folder for SQLite's)")
    args = parser.parse_args()
    reuse: Path | None = getattr(args, "reuse", None)
    if reuse is not None:
        folder = reuse.resolve()  # noqa: ASYNC240 (before anything runs)
        folder.mkdir(parents=True, exist_ok=True)
        await bench(f"sqlite+aiosqlite:///{folder}/bench-{args.secrets}.db", args.secrets, False)
    else:
        with tempfile.TemporaryDirectory() as folder:
            await bench(f"sqlite+aiosqlite:///{folder}/bench.db", args.secrets, False)
    if not args.skip_postgres:
        await bench(args.postgres, args.secrets, reuse is None)
