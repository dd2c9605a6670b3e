"""The migrations against the models, and against data: on SQLite and PostgreSQL.

- drift: after ``upgrade head`` the schema is what ``storage.tables`` describes (alembic's autogenerate
  comparison finds nothing to add, drop or change);
- every revision keeps the rows already there and fills what it adds for them (a backfill, a server
  default, or a reason in ``LEFT_EMPTY``);
- a database at the previous head, with rows in every table, upgrades and is read back by the models.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from bot.model import CommunitySettings
from bot.records import FeedQuery
from storage.database import SqlDatabase
from storage.migrate import alembic_config, current_revision, upgrade
from storage.tables import Base

# Columns a revision added that may stay empty on the rows that were already there, and why.
LEFT_EMPTY = {
    (
        "memberships",
        "joined_at",
    ): "a join seen before the upgrade was not recorded; the core counts from its first sight",
    ("drafts", "collection"): "drafts written before topics existed have none",
    ("secrets", "collection"): "secrets written before topics existed have none",
    ("secrets", "sending_until"): "no card is being sent across an upgrade",
    ("queue_items", "reply_id"): "items queued before replies were moderated are about their secret",
    ("bans", "secret_id"): "bans given before the ban list did not record their secret",
    ("bans", "lifted_at"): "no ban was lifted before unban existed",
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
    "pending_inputs.kind": "reply",
    "reactions.kind": "heart",
    "reports.reason": "spam",
    "queue_items.cause": "reports",
    "queue_items.status": "open",
    "audit_log.action": "remove",
    "audit_log.detail": "",
    "outbox.status": "pending",
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


async def test_every_revision_keeps_old_rows_and_fills_what_it_adds_for_them(blank: SqlDatabase) -> None:
    revisions = _revisions()
    for before, after in pairwise(revisions):
        await _wipe(blank)
        await upgrade(blank.engine, before)
        columns_before = await _run(blank, _seed)
        await upgrade(blank.engine, after)

        def check(connection: Connection, columns_before: dict[str, set[str]] = columns_before) -> Any:
            metadata = _reflect(connection)
            kept = {
                name: connection.execute(
                    sa.select(sa.func.count()).select_from(metadata.tables[name])
                ).scalar()
                for name in columns_before
                if name in metadata.tables
            }
            added = {
                name: {c.name for c in metadata.tables[name].columns} - old
                for name, old in columns_before.items()
                if name in metadata.tables
            }
            return kept, _empty_columns(connection, added)

        kept, empty = await _run(blank, check)
        assert kept == dict.fromkeys(columns_before, 1), f"{after} lost rows"
        unexplained = empty - set(LEFT_EMPTY)
        assert not unexplained, (
            f"{after} adds {sorted(unexplained)} without filling them for the rows already there"
        )


async def test_a_database_at_the_previous_head_with_data_upgrades_and_reads_back(blank: SqlDatabase) -> None:
    revisions = _revisions()
    await upgrade(blank.engine, revisions[-2])
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
    assert all(counts[name] >= 1 for name in seeded), counts  # a table the head adds starts empty
    async with blank.unit_of_work() as uow:
        community = await uow.communities.get(1)
        secret = await uow.secrets.get(1)
    assert community is not None and community.settings.mode == CommunitySettings().mode
    if blank.engine.dialect.name == "sqlite":  # turned off while migrating, and back on after
        async with blank.engine.connect() as connection:
            assert (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
    assert secret is not None and secret.created_at == SEEDED_AT.replace(tzinfo=UTC)


async def test_communities_public_before_public_since_stay_public_from_their_creation(
    blank: SqlDatabase,
) -> None:
    await upgrade(blank.engine, "0005")
    created = datetime(2025, 6, 1, 8, 0)

    def insert(connection: Connection) -> None:
        communities = _reflect(connection).tables["communities"]
        for ident, public in ((1, True), (2, False)):
            row = {c.name: _value(communities, c) for c in communities.columns}
            row.update(id=ident, chat_ref=f"g{ident}", public=public, created_at=created)
            connection.execute(communities.insert().values(row))

    await _run(blank, insert)
    await upgrade(blank.engine)
    async with blank.unit_of_work() as uow:
        public = await uow.communities.public_since()
    assert [(p.community_id, p.since) for p in public] == [(1, created.replace(tzinfo=UTC))]


async def test_cards_out_before_published_at_keep_their_order(blank: SqlDatabase) -> None:
    await upgrade(blank.engine, "0007")
    written = datetime(2025, 6, 1, 8, 0)
    # ids not in the order of writing (a card out of a publication delay); the feed showed them by writing
    order_of_writing = [3, 1, 2]

    def insert(connection: Connection) -> None:
        tables = _reflect(connection).tables
        community = {c.name: _value(tables["communities"], c) for c in tables["communities"].columns}
        connection.execute(tables["communities"].insert().values(community))
        secrets = tables["secrets"]
        for rank, ident in enumerate(order_of_writing):
            row = {c.name: _value(secrets, c) for c in secrets.columns}
            row.update(id=ident, number=ident, created_at=written + timedelta(minutes=rank), points=0.0)
            connection.execute(secrets.insert().values(row))
        unsent = {c.name: _value(secrets, c) for c in secrets.columns}
        unsent.update(id=4, number=4, status="queued", card_ref=None, created_at=written)
        connection.execute(secrets.insert().values(unsent))

    await _run(blank, insert)
    await upgrade(blank.engine)
    async with blank.unit_of_work() as uow:
        latest = await uow.feeds.page(FeedQuery(community_ids=[1], limit=10))
        top = await uow.feeds.page(FeedQuery(community_ids=[1], by_points=True, limit=10))
        unsent = await uow.secrets.get(4)
    newest_first = list(reversed(order_of_writing))
    assert [s.id for s in latest] == newest_first
    assert [s.id for s in top] == newest_first
    published = await _run(
        blank,
        lambda connection: dict(
            connection.execute(sa.text("SELECT id, published_at FROM secrets WHERE id IN (1, 2, 3)")).all()
        ),
    )
    assert all(published[ident] is not None for ident in order_of_writing)
    assert unsent is not None and unsent.card_ref is None
