"""On PostgreSQL, a unit of work's commit waits for the disk (``synchronous_commit`` as the server has it,
``on``) unless the core said its loss in a crash of the database's host breaks no promise: a reaction
toggled, a preview's draft. Read inside each kind of unit, just before its COMMIT: a secret accepted, a
reply accepted, deliveries recorded, a deletion, a moderation decision and its ban, a forget-me stay
synchronous."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.actions import AskDelete, ConfirmDelete, Forget, Moderate, React, ReplyLink
from bot.model import ModOperation, Reaction, Token
from storage.database import SqlDatabase
from storage.raw import Raw
from tests.conftest import migrated, sql_url
from tests.core.harness import Harness, post_action

pytestmark = pytest.mark.postgres

SEEN: list[str] = []  # synchronous_commit as each commit found it, in order


class _Spying(AsyncSession):
    async def commit(self) -> None:
        if self.in_transaction():
            row = await Raw(self).one("SELECT current_setting('synchronous_commit')")
            assert row is not None
            SEEN.append(str(row[0]))
        await super().commit()


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[SqlDatabase]:
    async with migrated(sql_url("postgresql", tmp_path)) as db:
        async with db.engine.connect() as connection:
            assert (await connection.execute(text("SHOW synchronous_commit"))).scalar_one() == "on"
        info = db._sessions.kw["info"]
        db._sessions = async_sessionmaker(db.engine, class_=_Spying, expire_on_commit=False, info=info)
        db._recording_sessions = async_sessionmaker(
            db._recording_sessions.kw["bind"], class_=_Spying, expire_on_commit=False, info=info
        )
        yield db


async def _seen(h: Harness, step: Awaitable[object]) -> list[str]:
    """What the commits of ``step``, and of the deliveries it queued, found."""
    SEEN.clear()
    await step
    await h.settle()
    return list(SEEN)


async def _latest(database: SqlDatabase, table: str) -> Token:
    async with database.engine.connect() as connection:
        query = f"SELECT token FROM {table} ORDER BY id DESC LIMIT 1"
        return Token((await connection.execute(text(query))).scalar_one())


async def test_only_toggles_and_previews_commit_without_waiting_for_the_disk(database: SqlDatabase) -> None:
    h = await Harness(database=database).setup()
    preview: list[object] = []

    async def write(user: str, said: str) -> None:
        preview[:] = await h.service.text(h.actor(user), said)

    assert "off" in await _seen(h, write("u1", "A secret of mine."))  # the preview's draft
    accepted = await _seen(h, h.press("u1", post_action(preview)))  # "Sent!", then its card recorded
    assert len(accepted) >= 2 and set(accepted) == {"on"}
    secret = await _latest(database, "secrets")
    toggled = await _seen(h, h.press("u2", React(secret, Reaction.HEART)))
    assert toggled[0] == "off" and set(toggled[1:]) == {"on"}  # then the card's edit recorded
    await h.service.start(h.actor("u3"), ReplyLink(secret).encode())
    assert "off" in await _seen(h, write("u3", "A reply."))
    assert set(await _seen(h, h.press("u3", post_action(preview)))) == {"on"}
    await h.press("u1", AskDelete(secret))
    assert set(await _seen(h, h.press("u1", ConfirmDelete(secret)))) == {"on"}
    await write("u2", "REVIEWME please.")
    assert set(await _seen(h, h.press("u2", post_action(preview)))) == {"on"}  # held for the moderators
    item = await _latest(database, "queue_items")
    assert set(await _seen(h, h.press("u6", Moderate(item, ModOperation.BAN_WEEK)))) == {"on"}
    assert set(await _seen(h, h.press("u1", Forget(erase=True, confirmed=True)))) == {"on"}
