"""Alembic, run from code: ``murmure db upgrade`` and the embedded SQLite upgrade at start."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPT_LOCATION = Path(__file__).parent / "migrations"
# The revisions before the scoped-keys baseline (1000), squashed into it: their databases keep one author key
# per person on every table, which can't be re-derived per scope without the raw platform ids.
PRE_BASELINE = frozenset(f"{n:04d}" for n in range(1, 13))


class SchemaTooOld(Exception):
    """The database predates the baseline: it is not upgraded (see the baseline revision and the README)."""

    def __init__(self, revision: str) -> None:
        super().__init__(
            f"this database is at revision {revision}, from before the scoped-keys baseline (1000): its one "
            "author key per person can't be turned into keys of one scope each without the platform ids, "
            "which were never stored. Nothing was released with that schema, so it is not upgraded: move "
            "the database file away (or point database.url at a new database) and run again; "
            "then register the communities again: add the bot to each Telegram group again, run the setup "
            "command on Discord (see README, 'Upgrading')"
        )
        self.revision = revision


def alembic_config(connection: Connection | None = None, more_versions: Sequence[Path] = ()) -> Config:
    """``more_versions``: folders of revisions beside ours (tests try the upgrade checks on made-up ones)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if more_versions:
        folders = [SCRIPT_LOCATION / "versions", *more_versions]
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", os.pathsep.join(str(folder) for folder in folders))
    config.attributes["connection"] = connection
    return config


_REVISION = re.compile(r"^revision\s*=\s*['\"](\w+)['\"]", re.MULTILINE)
_DOWN = re.compile(r"^down_revision\s*=\s*['\"](\w+)['\"]", re.MULTILINE)


@cache
def head_revision() -> str | None:
    """Our newest revision, read from the revision files (None if they don't name one head)."""
    revisions, parents = set(), set()
    for path in (SCRIPT_LOCATION / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revisions.update(_REVISION.findall(text))
        parents.update(_DOWN.findall(text))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


async def _stored_revision(engine: AsyncEngine) -> str | None:
    """The revision recorded in the database, read directly (None: none, or no table yet)."""
    try:
        async with engine.connect() as connection:
            rows = (await connection.exec_driver_sql("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


async def upgrade(engine: AsyncEngine, revision: str = "head", more_versions: Sequence[Path] = ()) -> None:
    head = head_revision() if revision == "head" and not more_versions else None
    if head is not None and await _stored_revision(engine) == head:
        return  # up to date: Alembic (a third of a start's imports) is not even loaded

    def run(connection: Connection) -> None:
        from alembic import command

        command.upgrade(alembic_config(connection, more_versions), revision)

    current = await current_revision(engine)
    if current in PRE_BASELINE:
        raise SchemaTooOld(current)
    async with engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            await connection.run_sync(run)
            await connection.commit()
            return
        # SQLite alters a table by copying it and dropping the old one (alembic's batch mode), which foreign
        # keys forbid once other tables point at its rows: they are off while migrating (the pragma only
        # takes effect outside a transaction, hence before anything else), and checked before committing.
        await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            await connection.run_sync(run)
            broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
            if broken:
                raise RuntimeError(f"the migration left {len(broken)} rows pointing at nothing")
            await connection.commit()
        finally:
            await connection.rollback()
            await connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            await connection.commit()


async def current_revision(engine: AsyncEngine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as connection:
        return await connection.run_sync(read)
