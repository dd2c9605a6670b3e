"""Shared test helpers: a clock the tests move by hand, database URLs for both engines."""

from __future__ import annotations

import os
import socket
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

BASE_POSTGRES_URL = os.environ.get(
    "MURMURE_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


def worker_postgres_url(base: str, worker: str | None) -> str:
    """The database a test process uses: the base one alone, or one of its own per pytest-xdist worker
    (``test_gw0``, ``test_gw1``, ...), since every PostgreSQL test empties the database it runs on."""
    if not worker:
        return base
    url = make_url(base)
    return url.set(database=f"{url.database}_{worker}").render_as_string(hide_password=False)


POSTGRES_URL = worker_postgres_url(BASE_POSTGRES_URL, os.environ.get("PYTEST_XDIST_WORKER"))


STARTUP_SECONDS = 30.0  # how long the emulator tests wait for the adapter to start


class FixedClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


def publishing_at_once(toml: str = "") -> str:
    """A config whose communities publish at once (``publication_delay_seconds = 0``): for tests about
    something else than the delay, which would otherwise wait 5 to 10 minutes for every card."""
    line = "publication_delay_seconds = 0\n"
    if "publication_delay_seconds" in toml:
        return toml  # the test sets its own delay
    if "[community]\n" in toml:
        return toml.replace("[community]\n", "[community]\n" + line, 1)
    return f"{toml}\n[community]\n{line}"


def postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def stored_bytes(folder: Path) -> str:
    """Everything SQLite wrote in a folder (database and write-ahead log), to grep for what must not be."""
    return b"".join(path.read_bytes() for path in folder.glob("murmure.db*")).decode("latin-1")


def card_recorded(database: Path, text: str) -> bool:
    """Whether the card of the secret with this text is recorded as out (a moment after it appears in the
    chat: until then a tap on it finds a secret that isn't out yet)."""
    with closing(sqlite3.connect(database)) as db:
        rows = db.execute("SELECT 1 FROM secrets WHERE text = ? AND card_ref IS NOT NULL", (text,)).fetchall()
    return bool(rows)


def replies_recorded(database: Path) -> int:
    """How many replies are recorded as out (a moment after they appear: what their going out queues, such as
    the author's reply notice, is written in the same transaction)."""
    with closing(sqlite3.connect(database)) as db:
        (count,) = db.execute("SELECT COUNT(*) FROM replies WHERE message_ref IS NOT NULL").fetchone()
    return int(count)
