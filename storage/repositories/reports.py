"""Reports on secrets (by a key of the reporter for that secret only), their reporters' community keys
sealed until the moderators judge, and what moderators made of a reporter's past reports (by community
key)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select

from bot.model import ReportReason
from bot.records import NewReport, ReporterRecord, SealedReporter
from storage.repositories.base import Repository, delete_past, insert_for
from storage.tables import ReporterRecordRow, ReporterSealRow, ReportRow


class SqlReports(Repository):
    async def add(self, report: NewReport) -> bool:
        query = select(ReportRow.id).where(
            ReportRow.secret_id == report.secret_id, ReportRow.reporter_key == report.reporter_key
        )
        if (await self._session.execute(query)).first() is not None:
            return False
        row = ReportRow(
            secret_id=report.secret_id,
            reporter_key=report.reporter_key,
            reason=report.reason.value,
            weight=report.weight,
            created_at=report.created_at,
        )
        self._session.add(row)
        await self._session.flush()
        if report.sealed_member_key is not None:
            sealed = report.sealed_member_key
            self._session.add(
                ReporterSealRow(report_id=row.id, sealed=sealed.sealed, expires_at=sealed.expires_at)
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

    async def sealed_reporters(self, secret_id: int, now: datetime) -> Sequence[SealedReporter]:
        query = (
            select(ReportRow.reporter_key, ReporterSealRow.sealed)
            .join(ReporterSealRow, ReporterSealRow.report_id == ReportRow.id)
            .where(ReportRow.secret_id == secret_id, ReporterSealRow.expires_at > now)
            .order_by(ReportRow.id)
        )
        return [SealedReporter(key, sealed) for key, sealed in (await self._session.execute(query)).all()]

    async def erase_seals(self, secret_id: int) -> None:
        reports = select(ReportRow.id).where(ReportRow.secret_id == secret_id).scalar_subquery()
        await self._session.execute(delete(ReporterSealRow).where(ReporterSealRow.report_id.in_(reports)))

    async def erase_expired_seals(self, now: datetime) -> int:
        return await delete_past(self._session, "reporter_seals", "expires_at", now)

    async def record_of(self, member_key: str, community_id: int) -> ReporterRecord:
        row = await self._session.get(ReporterRecordRow, (member_key, community_id), populate_existing=True)
        return ReporterRecord(row.upheld, row.rejected) if row else ReporterRecord(0, 0)

    async def record_judgement(self, member_key: str, community_id: int, upheld: bool) -> None:
        statement = (
            insert_for(self._session)(ReporterRecordRow)
            .values(
                member_key=member_key, community_id=community_id, upheld=int(upheld), rejected=int(not upheld)
            )
            .on_conflict_do_update(
                index_elements=["member_key", "community_id"],
                set_={
                    "upheld": ReporterRecordRow.upheld + int(upheld),
                    "rejected": ReporterRecordRow.rejected + int(not upheld),
                },
            )
        )
        await self._session.execute(statement)
