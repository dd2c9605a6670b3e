"""Drafts: what a member wrote, previewed, until they post or cancel it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.model import Draft, DraftStatus
from bot.records import DraftOwner, NewDraft
from storage.picture_folder import erased
from storage.raw import Raw, Reader
from storage.repositories.base import (
    IN_CHUNK,
    Repository,
    to_draft,
)
from storage.repositories.pictures import erase_of_drafts, pictureless
from storage.tables import (
    DraftRow,
)

_ROWS = Reader(DraftRow.__table__)  # type: ignore[arg-type]


_PHOTOS_OF_OPEN = (
    "DELETE FROM pictures WHERE draft_id = ? AND EXISTS "
    "(SELECT 1 FROM drafts WHERE id = ? AND status = ?) RETURNING file"
)
# (parameters: the draft's id twice, the open status, the id, the open status; see ``take_parameters``)
TAKE_CTES_POSTGRES = (
    "WITH photos AS (DELETE FROM pictures WHERE draft_id = ? AND EXISTS "
    "(SELECT 1 FROM drafts WHERE id = ? AND status = ?) RETURNING file), "
    "taken AS (DELETE FROM drafts WHERE id = ? AND status = ? RETURNING id) "
)
_TAKEN_AND_PHOTOS = "SELECT 'taken', NULL FROM taken UNION ALL SELECT 'photo', file FROM photos"
_TAKE_POSTGRES = TAKE_CTES_POSTGRES + _TAKEN_AND_PHOTOS


def take_parameters(draft_id: int) -> tuple[object, ...]:
    """``TAKE_CTES_POSTGRES``'s parameters."""
    open_ = DraftStatus.OPEN.value
    return (draft_id, draft_id, open_, draft_id, open_)


# a draft, and whether it has a photo (a Post asks for it next: no query for the drafts that have none)
_WITH_PHOTO = (
    f"SELECT {_ROWS.columns}, EXISTS (SELECT 1 FROM pictures WHERE pictures.draft_id = drafts.id) "  # noqa: S608
    "FROM drafts WHERE id = ?"
)


class SqlDrafts(Repository):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        self._raw = Raw(session)

    async def add(self, draft: NewDraft) -> Draft:
        row = await self._raw.one(
            "INSERT INTO drafts (owner_salt, owner_tag, kind, community_id, secret_id, text, "
            "content_warning, verdict, reason_categories, collection, notify_replies, status, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?) RETURNING id",
            draft.owner_salt,
            draft.owner_tag,
            draft.kind.value,
            draft.community_id,
            draft.secret_id,
            draft.text,
            False,
            draft.verdict.value,
            ",".join(draft.reason_categories),
            False,
            DraftStatus.OPEN.value,
            draft.created_at,
        )
        assert row is not None
        return Draft(
            int(row[0]),
            draft.owner_salt,
            draft.owner_tag,
            draft.kind,
            draft.community_id,
            draft.secret_id,
            draft.text,
            False,
            draft.verdict,
            tuple(draft.reason_categories),
            DraftStatus.OPEN,
            draft.created_at,
            None,
            False,
        )

    async def get(self, draft_id: int) -> Draft | None:
        row = await self._raw.one(_WITH_PHOTO, draft_id)
        if row is None:
            return None
        if not row[-1]:  # no photo: the unit of work asks for none (SqlPictures.of_draft)
            pictureless(self._session, draft_id)
        return to_draft(_ROWS.read(row[:-1]))

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
        changed = await self._raw.run(
            "UPDATE drafts SET status = ? WHERE id = ? AND status = ?", new.value, draft_id, old.value
        )
        return changed == 1

    async def delete(self, draft_id: int) -> None:
        # its photo, if any; its file (the folder store) removed once the deletion commits
        photos = await self._raw.rows("DELETE FROM pictures WHERE draft_id = ? RETURNING file", draft_id)
        erased(self._session.info, (str(row[0]) for row in photos if row[0] is not None))
        await self._raw.run("DELETE FROM drafts WHERE id = ?", draft_id)

    async def take(self, draft_id: int) -> bool:
        # its photo first (while the draft is open), then the draft if still open
        open_ = DraftStatus.OPEN.value
        if await self._raw.postgres():  # one round trip (the foreign key is checked at the statement's end)
            rows = await self._raw.rows(_TAKE_POSTGRES, *take_parameters(draft_id))
            photos = [row[1] for row in rows if row[0] == "photo"]
            taken = sum(1 for row in rows if row[0] == "taken")
        else:
            found = await self._raw.rows(_PHOTOS_OF_OPEN, draft_id, draft_id, open_)
            photos = [row[0] for row in found]
            taken = await self._raw.run("DELETE FROM drafts WHERE id = ? AND status = ?", draft_id, open_)
        erased(self._session.info, (str(photo) for photo in photos if photo is not None))
        return taken == 1

    async def owners(self) -> Sequence[DraftOwner]:
        query = select(DraftRow.id, DraftRow.owner_salt, DraftRow.owner_tag)
        return [DraftOwner(i, salt, tag) for i, salt, tag in (await self._session.execute(query)).all()]

    async def delete_stale(self, before: datetime) -> int:
        # one statement when none is stale (each hour, mostly): drafts go when posted or cancelled
        found = await self._raw.rows("SELECT id FROM drafts WHERE created_at < ?", before)
        stale = [int(row[0]) for row in found]
        for start in range(0, len(stale), IN_CHUNK):
            chunk = stale[start : start + IN_CHUNK]
            await erase_of_drafts(self._session, chunk)
            await self._session.execute(delete(DraftRow).where(DraftRow.id.in_(chunk)))
        return len(stale)
