"""Storage contract for photos, on the fake, SQLite and PostgreSQL: a draft's photo goes with the draft, a
secret's with the secret's erasure ("forget me" erases through ``secrets.erase`` too)."""

from __future__ import annotations

from datetime import timedelta

from bot.model import DraftKind
from bot.moderation.verdict import Verdict
from bot.ports import Database
from bot.records import NewDraft, StoredPicture
from tests.storage.contract import NOW, OTHER, SALT, add_community, add_secret

PHOTO = StoredPicture("a" * 20, b"\xff\xd8 pixels \xff\xd9", 4, 3)


def _draft(at: timedelta = timedelta(0)) -> NewDraft:
    return NewDraft(
        owner_salt=SALT, owner_tag=OTHER, kind=DraftKind.SECRET, text="with a photo", verdict=Verdict.ALLOW,
        reason_categories=(), created_at=NOW + at,
    )  # fmt: skip


async def test_photos_go_with_their_draft_and_with_their_secret(store: Database) -> None:
    community_id = await add_community(store)
    erased = await add_secret(store, community_id, 1)
    kept = await add_secret(store, community_id, 2)
    async with store.unit_of_work() as uow:
        posted = await uow.drafts.add(_draft())
        stale = await uow.drafts.add(_draft(-timedelta(days=3)))
        await uow.pictures.add(posted.id, PHOTO, NOW)
        await uow.pictures.add(stale.id, StoredPicture("d" * 20, b"stale", 1, 1), NOW)
        await uow.pictures.add_to_secret(erased, StoredPicture("b" * 20, b"one", 1, 1), NOW)
        await uow.pictures.add_to_secret(kept, StoredPicture("c" * 20, b"two", 1, 1), NOW)
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.pictures.of_draft(posted.id) == PHOTO
        assert await uow.pictures.with_pictures([erased, kept, 999]) == {erased, kept}
        await uow.drafts.delete(posted.id)
        await uow.drafts.delete_stale(NOW - timedelta(days=1))
        await uow.secrets.erase(erased)
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert (
            await uow.pictures.of_draft(posted.id) is None and await uow.pictures.of_draft(stale.id) is None
        )
        assert await uow.pictures.of_secret(erased) is None
        assert await uow.pictures.of_secret(kept) == StoredPicture("c" * 20, b"two", 1, 1)
