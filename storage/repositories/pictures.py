"""Photos of drafts and secrets (re-encoded bytes under a random token)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.records import StoredPicture
from storage.raw import Raw
from storage.tables import PictureRow


def _stored(row: PictureRow | None) -> StoredPicture | None:
    return StoredPicture(row.token, row.data, row.width, row.height) if row is not None else None


class SqlPictures:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, draft_id: int, picture: StoredPicture, at: datetime) -> None:
        self._session.add(
            PictureRow(
                token=picture.token,
                draft_id=draft_id,
                data=picture.data,
                width=picture.width,
                height=picture.height,
                created_at=at,
            )
        )
        await self._session.flush()

    async def of_draft(self, draft_id: int) -> StoredPicture | None:
        row = await Raw(self._session).one(
            "SELECT token, data, width, height FROM pictures WHERE draft_id = ?", draft_id
        )
        return StoredPicture(str(row[0]), bytes(row[1]), int(row[2]), int(row[3])) if row else None

    async def add_to_secret(self, secret_id: int, picture: StoredPicture, at: datetime) -> None:
        self._session.add(
            PictureRow(
                token=picture.token,
                secret_id=secret_id,
                data=picture.data,
                width=picture.width,
                height=picture.height,
                created_at=at,
            )
        )
        await self._session.flush()

    async def of_secret(self, secret_id: int) -> StoredPicture | None:
        row = await self._session.scalar(select(PictureRow).where(PictureRow.secret_id == secret_id))
        return _stored(row)

    async def with_pictures(self, secret_ids: Sequence[int]) -> set[int]:
        if not secret_ids:
            return set()
        found = await self._session.scalars(
            select(PictureRow.secret_id).where(PictureRow.secret_id.in_(list(secret_ids)))
        )
        return {secret_id for secret_id in found if secret_id is not None}


async def erase_of_drafts(session: AsyncSession, draft_ids: object) -> None:
    """The photos of drafts about to be deleted (``draft_ids``: ids or a subquery of them)."""
    await session.execute(delete(PictureRow).where(PictureRow.draft_id.in_(draft_ids)))  # type: ignore[arg-type]
