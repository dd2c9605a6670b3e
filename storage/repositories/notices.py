"""Authors' wishes to hear about replies (one per secret): a sealed address and the replies not yet told."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.records import PendingNotices
from storage.repositories.base import delete_past
from storage.tables import ReplyNoticeRow


class SqlNotices:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def subscribe(self, secret_id: int, token: str, sealed: bytes, expires_at: datetime) -> None:
        self._session.add(
            ReplyNoticeRow(secret_id=secret_id, token=token, sealed=sealed, expires_at=expires_at, pending=0)
        )
        await self._session.flush()

    async def count_reply(self, secret_id: int, now: datetime) -> bool:
        result = await self._session.execute(
            update(ReplyNoticeRow)
            .where(ReplyNoticeRow.secret_id == secret_id, ReplyNoticeRow.expires_at > now)
            .values(pending=ReplyNoticeRow.pending + 1)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def pending(self, secret_id: int, now: datetime) -> PendingNotices | None:
        row = await self._session.scalar(
            select(ReplyNoticeRow).where(
                ReplyNoticeRow.secret_id == secret_id, ReplyNoticeRow.expires_at > now
            )
        )
        return _pending(row) if row is not None else None

    async def claim(self, seen: PendingNotices, secret_id: int, now: datetime) -> PendingNotices | None:
        # guarded by the number seen: of two claims of the same replies (two processes, two entries), the
        # second matches no row once the first is committed (replies counted since stay pending)
        result = await self._session.execute(
            update(ReplyNoticeRow)
            .where(
                ReplyNoticeRow.secret_id == secret_id,
                ReplyNoticeRow.batch == seen.batch,
                ReplyNoticeRow.pending >= seen.count,
                ReplyNoticeRow.expires_at > now,
            )
            .values(pending=ReplyNoticeRow.pending - seen.count, batch=seen.batch + 1)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return replace(seen, batch=seen.batch + 1)

    async def give_back(self, secret_id: int, count: int) -> None:
        await self._session.execute(
            update(ReplyNoticeRow)
            .where(ReplyNoticeRow.secret_id == secret_id)
            .values(pending=ReplyNoticeRow.pending + count)
        )

    async def stop(self, token: str) -> bool:
        result = await self._session.execute(delete(ReplyNoticeRow).where(ReplyNoticeRow.token == token))
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def find(self, token: str, now: datetime) -> PendingNotices | None:
        row = await self._session.scalar(
            select(ReplyNoticeRow).where(ReplyNoticeRow.token == token, ReplyNoticeRow.expires_at > now)
        )
        return _pending(row) if row is not None else None

    async def renew(self, token: str, sealed: bytes, expires_at: datetime, now: datetime) -> bool:
        result = await self._session.execute(
            update(ReplyNoticeRow)
            .where(ReplyNoticeRow.token == token, ReplyNoticeRow.expires_at > now)
            .values(sealed=sealed, expires_at=expires_at)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def erase_expired(self, now: datetime) -> int:
        return await delete_past(self._session, "reply_notices", "expires_at", now)


def _pending(row: ReplyNoticeRow) -> PendingNotices:
    return PendingNotices(row.token, row.sealed, row.pending, row.expires_at, row.batch)
