"""Photos of drafts and secrets (re-encoded bytes under a random token): in their row (the database store),
or in a file of the pictures folder that their row names (the folder store, ``storage/picture_folder.py``).
Both stores answer the same port; rows are deleted in the unit of work, files once it commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.records import StoredPicture
from storage.picture_folder import PictureFolder, erased
from storage.raw import Raw
from storage.tables import PictureRow, SecretRow

PICTURELESS = "murmure.pictureless_drafts"  # in the session's info: drafts read without a photo


def pictureless(session: AsyncSession, draft_id: int) -> None:
    """The draft was just read in this unit of work, with no photo: ``of_draft`` needs no query for it (a
    member's events run one at a time, and a draft's photo is added by its own member's events only)."""
    session.info.setdefault(PICTURELESS, set()).add(draft_id)


class SqlPictures:
    def __init__(self, session: AsyncSession, folder: PictureFolder | None = None) -> None:
        self._session = session
        self._folder = folder

    async def _add(self, picture: StoredPicture, at: datetime, **owner: Any) -> None:
        data: bytes | None = picture.data
        file = None
        if self._folder is not None and self._folder.store_here:
            file = await self._folder.write(self._session.info, picture.data)
            data = None
        self._session.add(
            PictureRow(
                token=picture.token,
                data=data,
                file=file,
                width=picture.width,
                height=picture.height,
                created_at=at,
                **owner,
            )
        )
        await self._session.flush()

    async def _stored(self, row: PictureRow | None) -> StoredPicture | None:
        if row is None:
            return None
        data = row.data
        if data is None and row.file is not None and self._folder is not None:
            data = await self._folder.read(row.file)
        return StoredPicture(row.token, data, row.width, row.height) if data is not None else None

    async def add(self, draft_id: int, picture: StoredPicture, at: datetime) -> None:
        self._session.info.get(PICTURELESS, set()).discard(draft_id)
        await self._add(picture, at, draft_id=draft_id)

    async def of_draft(self, draft_id: int) -> StoredPicture | None:
        if draft_id in self._session.info.get(PICTURELESS, ()):
            return None  # read with the draft in this unit of work, which has added it none since
        row = await Raw(self._session).one(
            "SELECT token, data, file, width, height FROM pictures WHERE draft_id = ?", draft_id
        )
        return await self._read(row)

    async def _read(self, row: Sequence[Any] | None) -> StoredPicture | None:
        """A photo from its row's token, data, file, width and height (its file read if it is in one)."""
        if row is None:
            return None
        data = bytes(row[1]) if row[1] is not None else None
        if data is None and row[2] is not None and self._folder is not None:
            data = await self._folder.read(str(row[2]))
        return StoredPicture(str(row[0]), data, int(row[3]), int(row[4])) if data is not None else None

    async def add_to_secret(self, secret_id: int, picture: StoredPicture, at: datetime) -> None:
        await self._add(picture, at, secret_id=secret_id)
        # the secret remembers it had one: its card keeps a placeholder in the photo's place once erased
        await self._session.execute(update(SecretRow).where(SecretRow.id == secret_id).values(picture=True))

    async def of_secret(self, secret_id: int) -> StoredPicture | None:
        # read at every card's render (each edit after a tap): straight to the driver
        row = await Raw(self._session).one(
            "SELECT token, data, file, width, height FROM pictures WHERE secret_id = ?", secret_id
        )
        return await self._read(row)

    async def with_pictures(self, secret_ids: Sequence[int]) -> set[int]:
        if not secret_ids:
            return set()
        found = await self._session.scalars(
            select(PictureRow.secret_id).where(PictureRow.secret_id.in_(list(secret_ids)))
        )
        return {secret_id for secret_id in found if secret_id is not None}

    async def erase_orphans(self, before: datetime) -> int:
        if self._folder is None:
            return 0
        known = set(await self._session.scalars(select(PictureRow.file).where(PictureRow.file.is_not(None))))
        return await self._folder.remove_orphans({name for name in known if name}, before)


async def erase_pictures(session: AsyncSession, condition: ColumnElement[bool]) -> int:
    """The photos that match, deleted; their files, if any, removed once the unit of work commits."""
    files = await session.scalars(select(PictureRow.file).where(condition, PictureRow.file.is_not(None)))
    erased(session.info, list(files))
    result = await session.execute(delete(PictureRow).where(condition))
    return int(result.rowcount)  # type: ignore[attr-defined]


async def erase_of_drafts(session: AsyncSession, draft_ids: object) -> None:
    """The photos of drafts about to be deleted (``draft_ids``: ids or a subquery of them)."""
    await erase_pictures(session, PictureRow.draft_id.in_(draft_ids))  # type: ignore[arg-type]
