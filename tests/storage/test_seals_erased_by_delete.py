"""Sealed ban and reporter keys live in rows of their own, so erasing one deletes its row: the rows of the
secret, reply and report it belonged to are never rewritten (on PostgreSQL an UPDATE to null would leave the
sealed value in the old row version until VACUUM)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.anonymity import new_token
from bot.model import ReportReason
from bot.records import NewReply, NewReport, SealedValue
from tests.conftest import migrated, sql_url
from tests.storage.contract import KEY, NOW, OTHER, add_community, add_secret

ROWS = {  # table -> the query naming its one row's version (xmin on PostgreSQL)
    "secrets": "SELECT xmin::text FROM secrets",
    "replies": "SELECT xmin::text FROM replies",
    "reports": "SELECT xmin::text FROM reports",
}
SEALS = ("secret_ban_keys", "reply_ban_keys", "reporter_seals")


@pytest.mark.postgres
async def test_erasing_sealed_keys_deletes_their_rows_and_rewrites_no_other(tmp_path: Path) -> None:
    async with migrated(sql_url("postgresql", tmp_path)) as database:
        community_id = await add_community(database)
        secret_id = await add_secret(database, community_id)
        async with database.unit_of_work() as uow:
            await uow.replies.add(
                NewReply(
                    secret_id=secret_id, thread_key=OTHER, text="a reply", pseudonym="Blue Fox", by_author=False,
                    created_at=NOW, ban_key=SealedValue(b"reply key", NOW + timedelta(hours=48)), token=new_token(),
                )
            )  # fmt: skip
            await uow.reports.add(
                NewReport(secret_id, KEY, ReportReason.SPAM, 1.0, NOW, SealedValue(b"reporter", NOW + timedelta(days=7)))
            )  # fmt: skip
            await uow.commit()

        async def versions() -> dict[str, object]:
            async with database.engine.connect() as connection:
                found: dict[str, object] = {
                    table: (await connection.execute(text(query))).scalar_one()
                    for table, query in ROWS.items()
                }
                for table in SEALS:
                    found[table] = (
                        await connection.execute(text(f"SELECT count(*) FROM {table}"))
                    ).scalar_one()
                return found

        before = await versions()
        assert [before[table] for table in SEALS] == [1, 1, 1]
        async with database.unit_of_work() as uow:
            later = NOW + timedelta(days=8)
            assert await uow.secrets.erase_expired_ban_keys(later) == 1
            assert await uow.replies.erase_expired_ban_keys(later) == 1
            assert await uow.reports.erase_expired_seals(later) == 1
            await uow.commit()
        after = await versions()
        assert [after[table] for table in SEALS] == [0, 0, 0]
        assert {t: after[t] for t in ROWS} == {t: before[t] for t in ROWS}  # not one of them rewritten
