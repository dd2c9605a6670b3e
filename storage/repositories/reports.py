"""Reports on secrets, and what moderators made of a reporter's past ones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select

from bot.model import QueueCause, QueueStatus, ReportReason
from bot.records import NewReport, ReporterRecord
from storage.repositories.base import Repository
from storage.tables import QueueItemRow, ReportRow


class SqlReports(Repository):
    async def add(self, report: NewReport) -> bool:
        query = select(ReportRow.id).where(
            ReportRow.secret_id == report.secret_id, ReportRow.reporter_key == report.reporter_key
        )
        if (await self._session.execute(query)).first() is not None:
            return False
        self._session.add(
            ReportRow(
                secret_id=report.secret_id,
                reporter_key=report.reporter_key,
                reason=report.reason.value,
                weight=report.weight,
                created_at=report.created_at,
            )
        )
        await self._session.flush()
        return True

    async def weight(self, secret_id: int, since: datetime | None = None) -> float:
        query = select(func.coalesce(func.sum(ReportRow.weight), 0.0)).where(ReportRow.secret_id == secret_id)
        if since is not None:
            query = query.where(ReportRow.created_at > since)
        return float((await self._session.execute(query)).scalar_one())

    async def reasons(self, secret_id: int) -> Sequence[ReportReason]:
        query = select(ReportRow.reason).where(ReportRow.secret_id == secret_id).order_by(ReportRow.id)
        return [ReportReason(reason) for reason in (await self._session.execute(query)).scalars()]

    async def record_of(self, reporter_key: str, community_id: int) -> ReporterRecord:
        query = (
            select(QueueItemRow.status, func.count(func.distinct(QueueItemRow.secret_id)))
            .join(ReportRow, ReportRow.secret_id == QueueItemRow.secret_id)
            .where(
                ReportRow.reporter_key == reporter_key,
                QueueItemRow.community_id == community_id,
                QueueItemRow.cause == QueueCause.REPORTS.value,
                QueueItemRow.decided_at.is_not(None),
                ReportRow.created_at <= QueueItemRow.decided_at,  # only reports that decision judged
            )
            .group_by(QueueItemRow.status)
        )
        counts = {str(status): int(count) for status, count in (await self._session.execute(query)).all()}
        upheld = counts.get(QueueStatus.REMOVED.value, 0) + counts.get(QueueStatus.BANNED.value, 0)
        return ReporterRecord(upheld, counts.get(QueueStatus.APPROVED.value, 0))
