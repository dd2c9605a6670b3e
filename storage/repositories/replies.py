"""A secret's thread: anonymous replies and the pseudonyms given out in it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update

from bot.model import ReplyPost, ReplyStatus
from bot.records import NewReply
from storage.repositories.base import IN_CHUNK, Repository, insert_for, to_reply
from storage.tables import ReplyBanKeyRow, ReplyRow, ThreadNameRow


class SqlReplies(Repository):
    async def add(self, reply: NewReply) -> ReplyPost:
        row = ReplyRow(
            secret_id=reply.secret_id,
            thread_key=reply.thread_key,
            text=reply.text,
            pseudonym=reply.pseudonym,
            by_author=reply.by_author,
            created_at=reply.created_at,
            message_ref=None,
            status=ReplyStatus.PUBLISHED.value,
            token=reply.token,
        )
        self._session.add(row)
        await self._session.flush()
        if reply.ban_key is not None:
            self._session.add(
                ReplyBanKeyRow(
                    reply_id=row.id, sealed=reply.ban_key.sealed, expires_at=reply.ban_key.expires_at
                )
            )
            await self._session.flush()
        return to_reply(row)

    async def get(self, reply_id: int) -> ReplyPost | None:
        row = await self._session.get(ReplyRow, reply_id, populate_existing=True)
        return to_reply(row) if row else None

    async def by_token(self, token: str) -> ReplyPost | None:
        found = select(ReplyRow).where(ReplyRow.token == token).execution_options(populate_existing=True)
        row = (await self._session.execute(found)).scalar_one_or_none()
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

    async def counts(self, secret_ids: Sequence[int]) -> Mapping[int, int]:
        ids = list(secret_ids)
        found = dict.fromkeys(ids, 0)
        for start in range(0, len(ids), IN_CHUNK):
            query = (
                select(ReplyRow.secret_id, func.count())
                .where(
                    ReplyRow.secret_id.in_(ids[start : start + IN_CHUNK]),
                    ReplyRow.message_ref.is_not(None),
                    ReplyRow.status == ReplyStatus.PUBLISHED.value,
                )
                .group_by(ReplyRow.secret_id)
            )
            found.update({int(sid): int(count) for sid, count in (await self._session.execute(query)).all()})
        return found

    async def ban_key(self, reply_id: int, now: datetime) -> bytes | None:
        query = select(ReplyBanKeyRow.sealed).where(
            ReplyBanKeyRow.reply_id == reply_id, ReplyBanKeyRow.expires_at > now
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def erase_expired_ban_keys(self, now: datetime) -> int:
        result = await self._session.execute(delete(ReplyBanKeyRow).where(ReplyBanKeyRow.expires_at <= now))
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def pseudonym_of(self, secret_id: int, thread_key: str) -> str | None:
        row = await self._session.get(ThreadNameRow, (secret_id, thread_key))
        return row.pseudonym if row else None

    async def claim_pseudonym(self, secret_id: int, thread_key: str, pseudonym: str) -> bool:
        statement = (
            insert_for(self._session)(ThreadNameRow)
            .values(secret_id=secret_id, thread_key=thread_key, pseudonym=pseudonym)
            .on_conflict_do_nothing()
        )
        result = await self._session.execute(statement)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]
