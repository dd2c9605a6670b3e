"""Drafts: what a member wrote, previewed, until they post or cancel it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from bot.model import (
    Draft,
    DraftKind,
    DraftStatus,
)
from bot.moderation.verdict import Verdict
from storage.repositories.base import (
    Repository,
    to_draft,
)
from storage.tables import (
    DraftRow,
)


class SqlDrafts(Repository):
    async def add(
        self,
        author_key: str,
        kind: DraftKind,
        community_id: int | None,
        secret_id: int | None,
        text: str,
        verdict: Verdict,
        reason_categories: tuple[str, ...],
        at: datetime,
    ) -> Draft:
        row = DraftRow(
            author_key=author_key,
            kind=kind.value,
            community_id=community_id,
            secret_id=secret_id,
            text=text,
            content_warning=False,
            verdict=verdict.value,
            reason_categories=",".join(reason_categories),
            status=DraftStatus.OPEN.value,
            created_at=at,
        )
        self._session.add(row)
        await self._session.flush()
        return to_draft(row)

    async def get(self, draft_id: int) -> Draft | None:
        row = await self._session.get(DraftRow, draft_id, populate_existing=True)
        return to_draft(row) if row else None

    async def update(
        self, draft_id: int, *, community_id: int | None, content_warning: bool, collection: str | None = None
    ) -> None:
        await self._session.execute(
            update(DraftRow)
            .where(DraftRow.id == draft_id)
            .values(community_id=community_id, content_warning=content_warning, collection=collection)
        )

    async def transition(self, draft_id: int, old: DraftStatus, new: DraftStatus) -> bool:
        result = await self._session.execute(
            update(DraftRow)
            .where(DraftRow.id == draft_id, DraftRow.status == old.value)
            .values(status=new.value)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]
