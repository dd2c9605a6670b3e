"""PostgreSQL: a recording of what a platform just took commits without waiting for its WAL to reach the
disk (the wait was inside the send-to-commit window, where a kill sends the message again on Telegram);
everything else waits for it, as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from storage.database import SqlDatabase
from tests.conftest import migrated, sql_url


@pytest.mark.postgres
async def test_recordings_commit_without_waiting_for_the_disk_and_nothing_else_does(
    tmp_path: Path,
) -> None:
    async with migrated(sql_url("postgresql", tmp_path)) as database:
        assert await _synchronous_commit(database, recording=True) == "off"
        assert await _synchronous_commit(database, recording=False) == "on"


async def _synchronous_commit(database: SqlDatabase, *, recording: bool) -> str:
    async with database.recording() if recording else database.unit_of_work() as uow:
        found = (await uow._session.execute(text("SHOW synchronous_commit"))).scalar_one()
        await uow.commit()
    return str(found)
