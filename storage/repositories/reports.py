"""Reports on secrets (by a key of the reporter for that secret only), their reporters' community keys
sealed until the moderators judge, and what moderators made of a reporter's past reports (by community
key)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update

from bot.model import ReportReason
from bot.records import NewReport, ReporterRecord, SealedReporter
from storage.repositories.base import Repository, insert_for
from storage.tables import ReporterRecordRow, ReportRow


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
                sealed_member_key=report.sealed_member_key.sealed if report.sealed_member_key else None,
                sealed_until=report.sealed_member_key.expires_at if report.sealed_member_key else None,
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

    async def sealed_reporters(self, secret_id: int, now: datetime) -> Sequence[SealedReporter]:
        query = (
            select(ReportRow.reporter_key, ReportRow.sealed_member_key)
            .where(
                ReportRow.secret_id == secret_id,
                ReportRow.sealed_member_key.is_not(None),
                ReportRow.sealed_until > now,
            )
            .order_by(ReportRow.id)
        )
        rows = (await self._session.execute(query)).all()
        return [SealedReporter(key, sealed) for key, sealed in rows if sealed is not None]

    async def erase_seals(self, secret_id: int) -> None:
        await self._session.execute(
            update(ReportRow)
            .where(ReportRow.secret_id == secret_id)
            .values(sealed_member_key=None, sealed_until=None)
        )

    async def erase_expired_seals(self, now: datetime) -> int:
        result = await self._session.execute(
            update(ReportRow)
            .where(ReportRow.sealed_until <= now)
            .values(sealed_member_key=None, sealed_until=None)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

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
