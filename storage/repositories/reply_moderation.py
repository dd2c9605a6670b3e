"""Replies as moderators see them: their state, the reports on them, the queue items about them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update

from bot.anonymity import new_token
from bot.model import QueueCause, QueueItem, QueueStatus, ReplyPost, ReplyStatus, ReportReason
from storage.repositories.base import Repository, to_item, to_reply
from storage.tables import QueueItemRow, ReplyReportRow, ReplyRow


class SqlReplyModeration(Repository):
    async def thread(self, secret_id: int) -> Sequence[ReplyPost]:
        query = select(ReplyRow).where(ReplyRow.secret_id == secret_id).order_by(ReplyRow.id)
        return [to_reply(row) for row in (await self._session.execute(query)).scalars()]

    async def set_status(self, reply_id: int, status: ReplyStatus) -> None:
        await self._session.execute(
            update(ReplyRow).where(ReplyRow.id == reply_id).values(status=status.value)
        )

    async def add_report(
        self, reply_id: int, reporter_key: str, reason: ReportReason, weight: float, at: datetime
    ) -> bool:
        query = select(ReplyReportRow.id).where(
            ReplyReportRow.reply_id == reply_id, ReplyReportRow.reporter_key == reporter_key
        )
        if (await self._session.execute(query)).first() is not None:
            return False
        self._session.add(
            ReplyReportRow(
                reply_id=reply_id,
                reporter_key=reporter_key,
                reason=reason.value,
                weight=weight,
                created_at=at,
            )
        )
        await self._session.flush()
        return True

    async def report_weight(self, reply_id: int, since: datetime | None = None) -> float:
        query = select(func.coalesce(func.sum(ReplyReportRow.weight), 0.0)).where(
            ReplyReportRow.reply_id == reply_id
        )
        if since is not None:
            query = query.where(ReplyReportRow.created_at > since)
        return float((await self._session.execute(query)).scalar_one())

    async def report_reasons(self, reply_id: int) -> Sequence[ReportReason]:
        query = (
            select(ReplyReportRow.reason)
            .where(ReplyReportRow.reply_id == reply_id)
            .order_by(ReplyReportRow.id)
        )
        return [ReportReason(value) for value in (await self._session.execute(query)).scalars()]

    async def add_item(
        self, community_id: int, reply: ReplyPost, cause: QueueCause, detail: str, at: datetime
    ) -> QueueItem:
        row = QueueItemRow(
            community_id=community_id,
            secret_id=reply.secret_id,
            reply_id=reply.id,
            cause=cause.value,
            detail=detail,
            status=QueueStatus.OPEN.value,
            message_ref=None,
            created_at=at,
            decided_at=None,
            token=new_token(),
        )
        self._session.add(row)
        await self._session.flush()
        return to_item(row)

    async def open_item_for(self, reply_id: int) -> QueueItem | None:
        query = select(QueueItemRow).where(
            QueueItemRow.reply_id == reply_id, QueueItemRow.status == QueueStatus.OPEN.value
        )
        row = (await self._session.execute(query)).scalars().first()
        return to_item(row) if row else None

    async def last_decision_at(self, reply_id: int) -> datetime | None:
        query = select(func.max(QueueItemRow.decided_at)).where(QueueItemRow.reply_id == reply_id)
        value = (await self._session.execute(query)).scalar_one_or_none()
        return value if isinstance(value, datetime) else None
