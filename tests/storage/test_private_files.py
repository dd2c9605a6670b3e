"""The embedded database keeps to its owner and overwrites what is deleted (SQLite)."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

from sqlalchemy import text

from storage.database import SqlDatabase, _sqlite_pragmas
from storage.migrate import upgrade


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_a_new_database_is_its_owners_alone_and_so_is_its_log(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    database = SqlDatabase.from_url(f"sqlite+aiosqlite:///{folder / 'murmure.db'}")
    try:
        await upgrade(database.engine)
        async with database.unit_of_work() as uow:
            await uow.preferences.set_locale("a" * 64, "fr")
            await uow.commit()
        assert mode(folder) == 0o700
        written = sorted(path.name for path in folder.iterdir())
        assert "murmure.db" in written and "murmure.db-wal" in written
        assert all(mode(path) == 0o600 for path in folder.iterdir()), written
    finally:
        await database.dispose()


async def test_an_existing_database_open_to_others_is_closed_to_them(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o755)
    path = folder / "murmure.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    database = SqlDatabase.from_url(f"sqlite+aiosqlite:///{path}")
    await database.dispose()
    assert mode(path) == 0o600
    assert mode(folder) == 0o755  # a folder the operator made is left as it is


async def test_every_connection_overwrites_deleted_content(tmp_path: Path) -> None:
    database = SqlDatabase.from_url(f"sqlite+aiosqlite:///{tmp_path / 'murmure.db'}")
    try:
        async with database.engine.connect() as first, database.engine.connect() as second:
            for connection in (first, second):
                assert (await connection.execute(text("PRAGMA secure_delete"))).scalar_one() == 1
    finally:
        await database.dispose()


def test_secure_delete_is_turned_on_even_where_sqlite_was_built_without_it(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "plain.db")
    try:
        connection.execute("PRAGMA secure_delete=OFF")  # the default of most builds (Debian's is ON)
        _sqlite_pragmas(connection, None)
        assert connection.execute("PRAGMA secure_delete").fetchone() == (1,)
    finally:
        connection.close()
