"""Drafts: what a member wrote, previewed, until they post or cancel it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update

from bot.model import Draft, DraftStatus
from bot.records import DraftOwner, NewDraft
from storage.repositories.base import (
    Repository,
    to_draft,
)
from storage.repositories.pictures import erase_of_drafts
from storage.tables import (
    DraftRow,
)


class SqlDrafts(Repository):
    async def add(self, draft: NewDraft) -> Draft:
        row = DraftRow(
            owner_salt=draft.owner_salt,
            owner_tag=draft.owner_tag,
            kind=draft.kind.value,
            community_id=draft.community_id,
            secret_id=draft.secret_id,
            text=draft.text,
            content_warning=False,
            verdict=draft.verdict.value,
            reason_categories=",".join(draft.reason_categories),
            status=DraftStatus.OPEN.value,
            created_at=draft.created_at,
        )
        self._session.add(row)
        await self._session.flush()
        return to_draft(row)

    async def get(self, draft_id: int) -> Draft | None:
        row = await self._session.get(DraftRow, draft_id, populate_existing=True)
        return to_draft(row) if row else None

    async def save(self, draft: Draft) -> None:
        await self._session.execute(
            update(DraftRow)
            .where(DraftRow.id == draft.id)
            .values(
                community_id=draft.community_id,
                content_warning=draft.content_warning,
                collection=draft.collection,
                notify_replies=draft.notify_replies,
            )
        )

    async def transition(self, draft_id: int, old: DraftStatus, new: DraftStatus) -> bool:
        result = await self._session.execute(
            update(DraftRow)
            .where(DraftRow.id == draft_id, DraftRow.status == old.value)
            .values(status=new.value)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def delete(self, draft_id: int) -> None:
        await erase_of_drafts(self._session, [draft_id])
        await self._session.execute(delete(DraftRow).where(DraftRow.id == draft_id))

    async def owners(self) -> Sequence[DraftOwner]:
        query = select(DraftRow.id, DraftRow.owner_salt, DraftRow.owner_tag)
        return [DraftOwner(i, salt, tag) for i, salt, tag in (await self._session.execute(query)).all()]

    async def delete_stale(self, before: datetime) -> int:
        await erase_of_drafts(
            self._session, select(DraftRow.id).where(DraftRow.created_at < before).scalar_subquery()
        )
        result = await self._session.execute(delete(DraftRow).where(DraftRow.created_at < before))
        return int(result.rowcount)  # type: ignore[attr-defined]
