"""A secret's thread: anonymous replies and the pseudonyms given out in it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import and_, delete, func, select, update

from bot.model import QueueStatus, ReplyPost, ReplyStatus
from bot.records import NewReply
from storage.raw import Raw
from storage.repositories.base import IN_CHUNK, Repository, delete_past, insert_for, to_reply
from storage.tables import (
    REMOVED_WITH_TEXT,
    ReplyBanKeyRow,
    ReplyReportRow,
    ReplyRow,
    ThreadNameRow,
)


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
        # the replies that are out, read at every card's render (each edit after a tap): to the driver
        row = await Raw(self._session).one(
            "SELECT COUNT(*) FROM replies WHERE secret_id = ? AND message_ref IS NOT NULL AND status = ?",
            secret_id,
            ReplyStatus.PUBLISHED.value,
        )
        return int(row[0]) if row is not None else 0

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
        return await delete_past(self._session, "reply_ban_keys", "expires_at", now)

    async def of_thread(self, secret_id: int, thread_key: str) -> Sequence[ReplyPost]:
        query = (
            select(ReplyRow)
            .where(ReplyRow.secret_id == secret_id, ReplyRow.thread_key == thread_key)
            .order_by(ReplyRow.id)
            .execution_options(populate_existing=True)
        )
        return [to_reply(row) for row in (await self._session.execute(query)).scalars()]

    async def rekey(
        self, secret_id: int, thread_key: str, new_key: str, ban_keys: Mapping[int, bytes]
    ) -> None:
        mine = and_(ReplyRow.secret_id == secret_id, ReplyRow.thread_key == thread_key)
        ids = select(ReplyRow.id).where(mine).scalar_subquery()
        windows = {
            int(reply_id): until
            for reply_id, until in (
                await self._session.execute(
                    select(ReplyBanKeyRow.reply_id, ReplyBanKeyRow.expires_at).where(
                        ReplyBanKeyRow.reply_id.in_(ids)
                    )
                )
            ).all()
        }
        # re-sealed in new rows: the old seals are deleted, never overwritten
        await self._session.execute(delete(ReplyBanKeyRow).where(ReplyBanKeyRow.reply_id.in_(ids)))
        for reply_id, sealed in ban_keys.items():
            if reply_id in windows:
                self._session.add(
                    ReplyBanKeyRow(reply_id=reply_id, sealed=sealed, expires_at=windows[reply_id])
                )
        await self._session.flush()
        await self._session.execute(update(ReplyRow).where(mine).values(thread_key=new_key))
        await self._session.execute(
            update(ThreadNameRow)
            .where(ThreadNameRow.secret_id == secret_id, ThreadNameRow.thread_key == thread_key)
            .values(thread_key=new_key)
        )

    async def erase(self, reply_id: int) -> None:
        row = await self._session.get(ReplyRow, reply_id, populate_existing=True)
        if row is None:
            return
        secret_id, thread_key = row.secret_id, row.thread_key
        await self._session.execute(delete(ReplyReportRow).where(ReplyReportRow.reply_id == reply_id))
        await self._session.execute(delete(ReplyBanKeyRow).where(ReplyBanKeyRow.reply_id == reply_id))
        await self._session.execute(
            update(ReplyRow)
            .where(ReplyRow.id == reply_id)
            .values(text="", thread_key="", status=ReplyStatus.DELETED.value)
        )
        if thread_key and not await self.of_thread(secret_id, thread_key):
            await self._session.execute(
                delete(ThreadNameRow).where(
                    ThreadNameRow.secret_id == secret_id, ThreadNameRow.thread_key == thread_key
                )
            )

    async def erase_removed_texts(self, before: datetime, limit: int) -> int:
        # as SqlSecrets.erase_removed_texts, through ix_replies_removed_text; each one's open or recent
        # moderation item looked up by the reply's secret (ix_queue_items_secret)
        return await Raw(self._session).run(
            f"UPDATE replies SET text = '' WHERE {REMOVED_WITH_TEXT} AND id IN "  # noqa: S608
            f"(SELECT id FROM replies WHERE {REMOVED_WITH_TEXT} AND created_at <= ? AND NOT EXISTS "
            "(SELECT 1 FROM queue_items WHERE queue_items.secret_id = replies.secret_id "
            "AND queue_items.reply_id = replies.id "
            "AND (queue_items.status = ? OR queue_items.decided_at > ?)) ORDER BY created_at LIMIT ?)",
            before,
            QueueStatus.OPEN.value,
            before,
            limit,
        )

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
