"""The outbox: what is to be delivered, claimed by one dispatcher at a time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update

from bot.ports import OutboxEntry
from storage.repositories.base import (
    Repository,
)
from storage.tables import (
    OutboxRow,
)

PENDING = "pending"
FAILED = "failed"


class SqlOutbox(Repository):
    async def add(
        self, kind: str, payload: dict[str, Any], not_before: datetime, dedupe_key: str | None
    ) -> None:
        if dedupe_key is not None:
            query = select(OutboxRow.id).where(
                OutboxRow.dedupe_key == dedupe_key,
                OutboxRow.status == PENDING,
                OutboxRow.claimed_until.is_(None),
            )
            if (await self._session.execute(query)).first() is not None:
                return
        self._session.add(
            OutboxRow(
                kind=kind,
                payload=payload,
                status=PENDING,
                attempts=0,
                not_before=not_before,
                claimed_until=None,
                dedupe_key=dedupe_key,
                created_at=not_before,
            )
        )
        await self._session.flush()

    async def claim_due(self, now: datetime, limit: int, lease_until: datetime) -> Sequence[OutboxEntry]:
        claimable = and_(
            OutboxRow.status == PENDING,
            OutboxRow.not_before <= now,
            or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until < now),
        )
        query = (
            select(OutboxRow.id).where(claimable).order_by(OutboxRow.not_before, OutboxRow.id).limit(limit)
        )
        claimed: list[OutboxEntry] = []
        for entry_id in list((await self._session.execute(query)).scalars()):
            # The guarded UPDATE is the claim: another process that got there first leaves rowcount 0.
            result = await self._session.execute(
                update(OutboxRow).where(OutboxRow.id == entry_id, claimable).values(claimed_until=lease_until)
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                row = await self._session.get(OutboxRow, entry_id, populate_existing=True)
                assert row is not None
                claimed.append(OutboxEntry(row.id, row.kind, dict(row.payload), row.attempts, row.not_before))
        return claimed

    async def done(self, entry_id: int) -> None:
        await self._session.execute(delete(OutboxRow).where(OutboxRow.id == entry_id))

    async def retry(self, entry_id: int, not_before: datetime, error: str) -> None:
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == entry_id)
            .values(
                not_before=not_before,
                claimed_until=None,
                attempts=OutboxRow.attempts + 1,
                last_error=error[:200],
            )
        )

    async def postpone(self, entry_id: int, not_before: datetime) -> None:
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == entry_id)
            .values(not_before=not_before, claimed_until=None)
        )

    async def fail(self, entry_id: int, error: str) -> None:
        await self._session.execute(
            update(OutboxRow).where(OutboxRow.id == entry_id).values(status=FAILED, last_error=error[:200])
        )

    async def pending_count(self) -> int:
        query = select(func.count()).select_from(OutboxRow).where(OutboxRow.status == PENDING)
        return int((await self._session.execute(query)).scalar_one())
