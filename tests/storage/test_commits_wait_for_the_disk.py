"""On PostgreSQL, a unit of work's commit waits for the disk (``synchronous_commit`` as the server has it,
``on``) unless the core said its loss in a crash of the database's host breaks no promise: a reaction
toggled, a preview's draft. Read in the query that commits each kind of unit: a secret accepted, a
reply accepted, deliveries recorded, a deletion, a moderation decision and its ban, a forget-me stay
synchronous."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text

from bot.actions import AskDelete, ConfirmDelete, Forget, Moderate, React, ReplyLink
from bot.model import ModOperation, Reaction, Token
from storage.database import SqlDatabase
from tests.conftest import migrated, sql_url
from tests.core.harness import Harness, post_action

pytestmark = pytest.mark.postgres

SEEN: list[str] = []  # synchronous_commit as each COMMIT sent to the server set it, in order


@pytest.fixture
async def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[SqlDatabase]:
    """Each query that commits, as the driver sends it: ``off`` if it sets ``synchronous_commit = off``
    first in the same transaction (one query, storage/raw.py), else ``on`` (the server's setting)."""
    execute = asyncpg.Connection.execute

    async def spied(self: asyncpg.Connection, query: str, *args: Any, **kwargs: Any) -> Any:
        if "COMMIT" in query.upper() and not args:
            SEEN.append("off" if "synchronous_commit = off" in query else "on")
        return await execute(self, query, *args, **kwargs)

    async with migrated(sql_url("postgresql", tmp_path)) as db:
        async with db.engine.connect() as connection:
            assert (await connection.execute(text("SHOW synchronous_commit"))).scalar_one() == "on"
        monkeypatch.setattr(asyncpg.Connection, "execute", spied)
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
