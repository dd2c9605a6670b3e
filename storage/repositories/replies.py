"""A secret's thread: anonymous replies and the pseudonyms given out in it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from bot.model import ReplyPost, ReplyStatus
from bot.records import NewReply
from storage.repositories.base import Repository, insert_for, to_reply
from storage.tables import ReplyRow, ThreadNameRow


class SqlReplies(Repository):
    async def add(self, reply: NewReply) -> ReplyPost:
        row = ReplyRow(
            secret_id=reply.secret_id,
            author_key=reply.author_key,
            text=reply.text,
            pseudonym=reply.pseudonym,
            by_author=reply.by_author,
            created_at=reply.created_at,
            message_ref=None,
            status=ReplyStatus.PUBLISHED.value,
        )
        self._session.add(row)
        await self._session.flush()
        return to_reply(row)

    async def get(self, reply_id: int) -> ReplyPost | None:
        row = await self._session.get(ReplyRow, reply_id, populate_existing=True)
        return to_reply(row) if row else None

    async def set_message_ref(self, reply_id: int, message_ref: str) -> None:
        await self._session.execute(
            update(ReplyRow).where(ReplyRow.id == reply_id).values(message_ref=message_ref)
        )

    async def count(self, secret_id: int) -> int:
        query = (
            select(func.count())
            .select_from(ReplyRow)
            .where(
                ReplyRow.secret_id == secret_id,
                ReplyRow.message_ref.is_not(None),  # replies that are out
                ReplyRow.status == ReplyStatus.PUBLISHED.value,
            )
        )
        return int((await self._session.execute(query)).scalar_one())

    async def count_by_author_since(self, author_key: str, since: datetime) -> int:
        query = (
            select(func.count())
            .select_from(ReplyRow)
            .where(ReplyRow.author_key == author_key, ReplyRow.created_at >= since)
        )
        return int((await self._session.execute(query)).scalar_one())

    async def pseudonym_of(self, secret_id: int, author_key: str) -> str | None:
        row = await self._session.get(ThreadNameRow, (secret_id, author_key))
        return row.pseudonym if row else None

    async def claim_pseudonym(self, secret_id: int, author_key: str, pseudonym: str) -> bool:
        statement = (
            insert_for(self._session)(ThreadNameRow)
            .values(secret_id=secret_id, author_key=author_key, pseudonym=pseudonym)
            .on_conflict_do_nothing()
        )
        result = await self._session.execute(statement)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]
