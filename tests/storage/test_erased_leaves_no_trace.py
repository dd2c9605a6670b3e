"""Deleting erases: after a member deletes a secret and the sweep has run, neither its text, nor the texts
of its thread and of the drafts around it, nor the keys tied to it are left in the database: not in the
SQLite file and its write-ahead log (read as bytes), not in any PostgreSQL table."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from bot.actions import AskDelete, Cancel, ConfirmDelete, React, ReplyLink, Report
from bot.anonymity import Sealer
from bot.dispatch import Dispatcher
from bot.model import CommunitySettings, Reaction, ReportReason
from bot.service import Murmure
from storage.database import SqlDatabase
from tests.core.harness import PLATFORM, Harness, post_action, text_of
from tests.fakes import KeywordFilter
from tests.support import stored_bytes

SECRET = "Saffron umbrella confession QX7"
REPLY = "Marigold reply from the thread KJ3"
CANCELLED = "Cobalt draft I thought better of ZP9"
LEFT_OPEN = "Vermilion draft left open overnight WM4"
ERASED = (SECRET, REPLY, CANCELLED, LEFT_OPEN)


class StoredHarness(Harness):
    """The core tests' community, on a real database."""

    erased_id = 0

    def __init__(self, database: SqlDatabase) -> None:
        settings = CommunitySettings(publication_delay_seconds=0)
        super().__init__(settings)
        sealer = Sealer(b"k" * 32)
        self.stored = database
        self.service = Murmure(
            database,
            {PLATFORM: self.directory},
            self.anonymizer,
            sealer,
            self.clock,
            KeywordFilter(),
            settings,
        )
        self.dispatcher = Dispatcher(database, {PLATFORM: self.messenger}, sealer, self.clock)

    def secret_keys(self, user: str, secret_id: int) -> set[str]:
        """The keys of ``user`` that could tie them to one secret: in its thread, on its reactions and
        reports."""
        keys = self.anonymizer.keys(PLATFORM, user)
        return {keys.thread(secret_id), keys.reaction(secret_id), keys.report(secret_id)}


async def _rows(database: SqlDatabase) -> dict[str, str]:
    """Every table's rows, as text."""
    async with database.engine.connect() as connection:
        names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        return {
            name: repr((await connection.execute(text(f'SELECT * FROM "{name}"'))).all()) for name in names
        }


async def _live_through_a_deleted_secret(database: SqlDatabase) -> StoredHarness:
    h = await StoredHarness(database).setup()
    await h.post("u1", SECRET)
    async with database.engine.connect() as connection:
        secret_id = (await connection.execute(text("SELECT max(id) FROM secrets"))).scalar_one()
    async with database.unit_of_work() as uow:
        secret = await uow.secrets.get(secret_id)
    assert secret is not None
    h.erased_id = secret.id
    await h.press("u2", React(secret.token, Reaction.HEART))
    await h.press("u3", Report(secret.token, ReportReason.SPAM))
    await h.service.start(h.actor("u2"), ReplyLink(secret.token).encode())
    await h.press("u2", post_action(await h.service.text(h.actor("u2"), REPLY)))
    cancelled = post_action(await h.service.text(h.actor("u1"), CANCELLED))
    await h.press("u1", Cancel(cancelled.draft))
    await h.service.text(h.actor("u4"), LEFT_OPEN)
    await h.press("u1", AskDelete(secret.token))
    assert "was deleted" in text_of(await h.press("u1", ConfirmDelete(secret.token)))
    h.clock.advance(days=8)
    await h.service.sweep()
    return h


def _assert_untied(h: StoredHarness, rows: dict[str, str]) -> None:
    # the members' keys of the secret's scopes are gone with it; their other keys never named it
    for table in ("secrets", "replies", "reactions", "reports", "thread_names", "drafts"):
        for user in ("u1", "u2", "u3", "u4"):
            for key in h.secret_keys(user, h.erased_id):
                assert key not in rows[table], (table, user)
    assert rows["return_addresses"] == "[]"  # used or not, a deleted secret's address is gone
    for seals in ("secret_ban_keys", "reply_ban_keys", "reporter_seals"):
        assert rows[seals] == "[]", seals  # its author's, replier's and reporter's sealed keys too
    assert "'deleted'" in rows["secrets"]  # the empty row left for the card's placeholder


async def test_sqlite_file_and_log_keep_nothing_of_a_deleted_secret(tmp_path: Path) -> None:
    from storage.migrate import upgrade

    database = SqlDatabase.from_url(f"sqlite+aiosqlite:///{tmp_path / 'murmure.db'}")
    try:
        await upgrade(database.engine)
        h = await _live_through_a_deleted_secret(database)
        rows = await _rows(database)
        stored = stored_bytes(tmp_path)  # copied while the bot runs, its log not yet folded in on closing
    finally:
        await database.dispose()
    for erased in ERASED:
        assert erased not in stored, erased
        assert all(erased not in table for table in rows.values())
    _assert_untied(h, rows)


async def test_postgresql_tables_keep_nothing_of_a_deleted_secret(tmp_path: Path) -> None:
    from tests.conftest import migrated, sql_url

    async with migrated(sql_url("postgresql", tmp_path)) as database:
        h = await _live_through_a_deleted_secret(database)
        rows = await _rows(database)
    for erased in ERASED:
        assert all(erased not in table for table in rows.values()), erased
    _assert_untied(h, rows)
