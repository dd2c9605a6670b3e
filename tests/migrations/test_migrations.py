"""The migrations against the models, and against data: on SQLite and PostgreSQL.

- drift: after ``upgrade head`` the schema is what ``storage.tables`` describes (alembic's autogenerate
  comparison finds nothing to add, drop or change);
- every revision after the baseline keeps the rows already there and fills what it adds for them (a
  backfill, a server default, or a reason in ``LEFT_EMPTY``): checked on every later revision, and shown to
  catch a made-up revision that loses rows or leaves a new column empty;
- a database at the baseline, with rows in every table, upgrades to head and is read back by the models;
- a database from before the baseline is refused with a message, not half-upgraded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from bot.model import CommunitySettings
from storage.database import SqlDatabase
from storage.migrate import SchemaTooOld, alembic_config, current_revision, upgrade
from storage.tables import Base

# Columns a revision after the baseline added that may stay empty on the rows already there, and why.
LEFT_EMPTY: dict[tuple[str, str], str] = {
    ("communities", "topic_ref"): "none: cards keep going to the chat's main topic",
    ("communities", "discussion_ref"): "none: replies keep going under the cards, in the same chat",
    (
        "secrets",
        "thread_ref",
    ): "none: learnt from Telegram's forwards (1005; 1007 moves it to discussion_copies)",
    ("communities", "pictures"): "NULL: the photo policy follows the configuration's default (review)",
    ("outbox", "claimed_by"): "none: a claim made before holders were named is held until its lease ends",
    ("secrets", "sending_by"): "none: a card claimed before holders were named is held until its lease ends",
    ("pictures", "file"): "NULL: the photo's bytes are in its row (the database store, the only one before)",
    ("seen_events", "holder"): "NULL: an event marked before claims had holders was handled",
    ("secrets", "normalised"): "NULL: the duplicate check normalises an older secret's own text",
}

# Plausible values for columns the core reads as enums or formats; any other column gets one by its type.
VALUES: dict[str, Any] = {
    "communities.platform": "console",
    "communities.chat_ref": "g1",
    "communities.locale": "en",
    "communities.mode": "open",
    "communities.digest_time": "20:00",
    "communities.timezone": "UTC",
    "communities.collections": "love,work",
    "communities.moderation_chat_ref": "m1",
    "secrets.status": "published",
    "secrets.author_locale": "en",
    "secrets.collection": "love",
    "secrets.card_ref": "100",
    "drafts.kind": "secret",
    "drafts.verdict": "allow",
    "drafts.reason_categories": "",
    "drafts.status": "open",
    "drafts.collection": "love",
    "reactions.kind": "heart",
    "reports.reason": "spam",
    "queue_items.cause": "reports",
    "queue_items.status": "open",
    "audit_log.action": "remove",
    "audit_log.detail": "",
    "community_stats.day": "2026-01-01",
    "community_stats.kind": "posted",
    "outbox.status": "pending",
    "outbox.kind": "card",  # 1015 fills its platform from its secret's community
    "outbox.payload": {"secret_id": 1},
    "member_preferences.locale": "en",
    "digest_readers.platform": "console",
    "digest_readers.locale": "en",
    "subscriptions.collection": "love",
    "digest_runs.period": "2026-01-01",
    "member_digest_runs.period": "2026-01-01",
    "thread_names.pseudonym": "Blue fox",
    "replies.pseudonym": "Blue fox",
    "replies.status": "published",
    "reply_reports.reason": "spam",
}
SEEDED_AT = datetime(2026, 1, 1, 12, 0)  # naive UTC, as the models store it


def _revisions() -> list[str]:
    """Base first, head last."""
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def _value(table: sa.Table, column: sa.Column[Any]) -> Any:
    if f"{table.name}.{column.name}" in VALUES:
        return VALUES[f"{table.name}.{column.name}"]
    if column.foreign_keys or (column.primary_key and _python_type(column) is int):
        return 1
    kind = _python_type(column)
    if kind is str:
        length = getattr(column.type, "length", None) or 64
        return ("a" * 64)[:length]
    return {int: 1, float: 1.0, bool: True, datetime: SEEDED_AT, bytes: b"sealed", dict: {"n": 1}}[kind]


def _python_type(column: sa.Column[Any]) -> type:
    if isinstance(column.type, sa.JSON):
        return dict
    try:
        return column.type.python_type
    except NotImplementedError:
        return str


def _reflect(connection: Connection) -> sa.MetaData:
    metadata = sa.MetaData()
    metadata.reflect(connection)
    if "alembic_version" in metadata.tables:
        metadata.remove(metadata.tables["alembic_version"])
    return metadata


def _seed(connection: Connection) -> dict[str, set[str]]:
    """One row in every table of the schema as it is now (every column filled); returns the columns."""
    metadata = _reflect(connection)
    for table in metadata.sorted_tables:
        connection.execute(table.insert().values({c.name: _value(table, c) for c in table.columns}))
    return {name: {c.name for c in table.columns} for name, table in metadata.tables.items()}


def _empty_columns(connection: Connection, added: dict[str, set[str]]) -> set[tuple[str, str]]:
    metadata = _reflect(connection)
    empty = set()
    for table_name, columns in added.items():
        table = metadata.tables[table_name]
        for column in columns:
            if connection.execute(sa.select(sa.func.count()).where(table.c[column].is_(None))).scalar():
                empty.add((table_name, column))
    return empty


async def _run(database: SqlDatabase, work: Any) -> Any:
    async with database.engine.begin() as connection:
        return await connection.run_sync(work)


async def _wipe(database: SqlDatabase) -> None:
    """Every table, whatever revision the database is at (the models may not know them all)."""

    def drop(connection: Connection) -> None:
        metadata = sa.MetaData()
        metadata.reflect(connection)
        metadata.drop_all(connection)

    await _run(database, drop)


@pytest.fixture
async def blank(database_url: str) -> AsyncIterator[SqlDatabase]:
    """An empty database, not migrated."""
    database = SqlDatabase.from_url(database_url)
    await _wipe(database)
    try:
        yield database
    finally:
        await _wipe(database)
        await database.dispose()


def _drift(connection: Connection, metadata: sa.MetaData) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def test_the_migrations_build_the_schema_the_models_describe(blank: SqlDatabase) -> None:
    await upgrade(blank.engine)
    assert await _run(blank, lambda connection: _drift(connection, Base.metadata)) == []


async def test_the_drift_check_sees_a_column_the_migrations_lack(blank: SqlDatabase) -> None:
    await upgrade(blank.engine)
    models = sa.MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(models)
    models.tables["secrets"].append_column(sa.Column("forgotten", sa.Integer(), nullable=True))
    drift = await _run(blank, lambda connection: _drift(connection, models))
    assert [(d[0], d[3].name) for d in drift] == [("add_column", "forgotten")]


async def _upgrade_problems(
    database: SqlDatabase, before: str, after: str, more_versions: tuple[Path, ...] = ()
) -> list[str]:
    """What upgrading ``before`` -> ``after`` does wrong to a database with one row in every table."""
    await _wipe(database)
    await upgrade(database.engine, before, more_versions)
    columns_before = await _run(database, _seed)
    await upgrade(database.engine, after, more_versions)

    def check(connection: Connection) -> tuple[dict[str, int], set[tuple[str, str]]]:
        metadata = _reflect(connection)
        kept = {
            name: connection.execute(sa.select(sa.func.count()).select_from(metadata.tables[name])).scalar()
            for name in columns_before
            if name in metadata.tables
        }
        added = {
            name: {c.name for c in metadata.tables[name].columns} - old
            for name, old in columns_before.items()
            if name in metadata.tables
        }
        return kept, _empty_columns(connection, added)

    kept, empty = await _run(database, check)
    problems = [f"{after} lost the rows of {name}" for name, count in kept.items() if count != 1]
    problems += [
        f"{after} adds {table}.{column} without filling it"
        for table, column in sorted(empty - set(LEFT_EMPTY))
    ]
    return problems


async def test_every_revision_after_the_baseline_keeps_old_rows_and_fills_what_it_adds(
    blank: SqlDatabase,
) -> None:
    revisions = _revisions()
    assert revisions[0] == "1000"  # the baseline: what came before it is refused, not upgraded
    for before, after in pairwise(revisions):
        assert await _upgrade_problems(blank, before, after) == []


REVISION = """
from alembic import op
import sqlalchemy as sa

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
{body}


def downgrade() -> None:
    pass
"""


def _made_up_revision(folder: Path, head: str, body: str) -> Path:
    folder.mkdir()
    (folder / "9001_made_up.py").write_text(REVISION.format(head=head, body=body))
    return folder


async def test_the_upgrade_check_catches_a_revision_that_loses_rows_or_leaves_a_column_empty(
    blank: SqlDatabase, tmp_path: Path
) -> None:
    head = _revisions()[-1]
    careless = _made_up_revision(
        tmp_path / "careless",
        head,
        '    op.add_column("secrets", sa.Column("hint", sa.String(20), nullable=True))\n'
        '    op.execute("DELETE FROM reactions")',
    )
    assert await _upgrade_problems(blank, head, "9001", (careless,)) == [
        "9001 lost the rows of reactions",
        "9001 adds secrets.hint without filling it",
    ]
    careful = _made_up_revision(
        tmp_path / "careful",
        head,
        '    op.add_column("secrets", sa.Column("hint", sa.String(20), nullable=False, server_default="none"))',
    )
    assert await _upgrade_problems(blank, head, "9001", (careful,)) == []


async def test_a_database_at_the_baseline_with_data_upgrades_and_reads_back(blank: SqlDatabase) -> None:
    revisions = _revisions()
    await upgrade(blank.engine, revisions[0])
    seeded = set(await _run(blank, _seed))
    await upgrade(blank.engine)
    assert await current_revision(blank.engine) == revisions[-1]

    def read(connection: Connection) -> dict[str, int]:
        counts = {}
        with sa.orm.Session(connection) as session:
            for mapper in Base.registry.mappers:
                rows = session.scalars(sa.select(mapper.class_)).all()
                for row in rows:
                    for attribute in mapper.column_attrs:
                        getattr(row, attribute.key)
                counts[mapper.local_table.name] = len(rows)  # type: ignore[union-attr]
        return counts

    counts = await _run(blank, read)
    assert set(counts) == set(Base.metadata.tables)
    assert all(counts[name] >= 1 for name in seeded), counts  # a table a later revision adds starts empty
    async with blank.unit_of_work() as uow:
        community = await uow.communities.get(1)
        secret = await uow.secrets.get(1)
    assert community is not None and community.settings.mode == CommunitySettings().mode
    if blank.engine.dialect.name == "sqlite":  # turned off while migrating, and back on after
        async with blank.engine.connect() as connection:
            assert (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
    assert secret is not None and secret.created_at == SEEDED_AT.replace(tzinfo=UTC)


async def test_a_database_from_before_the_baseline_is_refused_with_a_reason(blank: SqlDatabase) -> None:
    def old_schema(connection: Connection) -> None:
        connection.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        connection.execute(sa.text("INSERT INTO alembic_version VALUES ('0008')"))
        connection.execute(sa.text("CREATE TABLE secrets (id INTEGER PRIMARY KEY, author_key VARCHAR(64))"))

    await _run(blank, old_schema)
    with pytest.raises(SchemaTooOld, match="before the scoped-keys baseline") as refused:
        await upgrade(blank.engine)
    assert "can't be turned into keys of one scope" in str(refused.value)
    assert await current_revision(blank.engine) == "0008"  # left as it was


async def test_sealed_ban_and_reporter_keys_move_to_tables_of_their_own(blank: SqlDatabase) -> None:
    """Revision 1004: the sealed keys leave their rows (erased by UPDATE) for rows of their own (by DELETE)."""
    moved = (
        ("SELECT id, ban_key FROM secrets", "SELECT secret_id, sealed FROM secret_ban_keys"),
        ("SELECT id, ban_key FROM replies", "SELECT reply_id, sealed FROM reply_ban_keys"),
        ("SELECT id, sealed_member_key FROM reports", "SELECT report_id, sealed FROM reporter_seals"),
    )

    def read(queries: tuple[str, ...]) -> Any:
        return lambda connection: [
            [(row[0], bytes(row[1])) for row in connection.execute(sa.text(q))] for q in queries
        ]

    await upgrade(blank.engine, "1003")
    await _run(blank, _seed)
    before = await _run(blank, read(tuple(old for old, _ in moved)))
    await upgrade(blank.engine, "1004")
    assert await _run(blank, read(tuple(new for _, new in moved))) == before
    assert all(len(rows) == 1 and rows[0][1] for rows in before)
    columns = await _run(blank, lambda c: {t: {col.name for col in _reflect(c).tables[t].columns} for t in
                                          ("secrets", "replies", "reports")})  # fmt: skip
    assert not columns["secrets"] & {"ban_key", "ban_key_until"}
    assert not columns["reports"] & {"sealed_member_key", "sealed_until"}
