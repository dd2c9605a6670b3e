"""The moderation queue and the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update

from bot.anonymity import new_token
from bot.model import (
    QueueCause,
    QueueItem,
    QueueStatus,
)
from bot.records import AuditEntry
from storage.repositories.base import (
    Repository,
    to_item,
)
from storage.tables import (
    AuditRow,
    QueueItemRow,
)


class SqlModeration(Repository):
    async def add_item(
        self, community_id: int, secret_id: int, cause: QueueCause, detail: str, at: datetime
    ) -> QueueItem:
        row = QueueItemRow(
            community_id=community_id,
            secret_id=secret_id,
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

    async def item_by_token(self, token: str) -> QueueItem | None:
        found = (
            select(QueueItemRow).where(QueueItemRow.token == token).execution_options(populate_existing=True)
        )
        row = (await self._session.execute(found)).scalar_one_or_none()
        return to_item(row) if row else None

    async def get_item(self, item_id: int) -> QueueItem | None:
        row = await self._session.get(QueueItemRow, item_id, populate_existing=True)
        return to_item(row) if row else None

    async def open_item_for(self, secret_id: int) -> QueueItem | None:
        query = select(QueueItemRow).where(
            QueueItemRow.secret_id == secret_id,
            QueueItemRow.reply_id.is_(None),
            QueueItemRow.status == QueueStatus.OPEN.value,
        )
        row = (await self._session.execute(query)).scalars().first()
        return to_item(row) if row else None

    async def last_decision_at(self, secret_id: int) -> datetime | None:
        query = select(func.max(QueueItemRow.decided_at)).where(
            QueueItemRow.secret_id == secret_id, QueueItemRow.reply_id.is_(None)
        )
        value = (await self._session.execute(query)).scalar_one_or_none()
        return value if isinstance(value, datetime) else None

    async def decide(self, item_id: int, status: QueueStatus, at: datetime) -> bool:
        result = await self._session.execute(
            update(QueueItemRow)
            .where(QueueItemRow.id == item_id, QueueItemRow.status == QueueStatus.OPEN.value)
            .values(status=status.value, decided_at=at)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def set_item_ref(self, item_id: int, message_ref: str) -> None:
        await self._session.execute(
            update(QueueItemRow).where(QueueItemRow.id == item_id).values(message_ref=message_ref)
        )

    async def set_item_detail(self, item_id: int, detail: str) -> None:
        await self._session.execute(
            update(QueueItemRow).where(QueueItemRow.id == item_id).values(detail=detail)
        )

    async def audit(self, entry: AuditEntry) -> None:
        self._session.add(
            AuditRow(
                community_id=entry.community_id,
                moderator_key=entry.moderator_key,
                action=entry.action,
                secret_id=entry.secret_id,
                detail=entry.detail,
                at=entry.at,
            )
        )
        await self._session.flush()

    async def audit_log(self, community_id: int, limit: int, offset: int = 0) -> Sequence[AuditEntry]:
        query = (
            select(AuditRow)
            .where(AuditRow.community_id == community_id)
            .order_by(AuditRow.at.desc(), AuditRow.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [
            AuditEntry(row.community_id, row.moderator_key, row.action, row.secret_id, row.detail, row.at)
            for row in (await self._session.execute(query)).scalars()
        ]
