"""Storage contract for photos, on the fake, and on SQLite and PostgreSQL with each store (photos in the
database, or as files in a folder): a draft's photo goes with the draft, a secret's with the secret's erasure
("forget me" erases through ``secrets.erase`` too), a removed secret's with its text. The folder store's own
promises: files of mode 0600 named by random tokens in a folder of mode 0700, written and removed with their
unit of work, no file left by any erasure, and files that no row names swept."""

from __future__ import annotations

import os
import stat
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.model import DraftKind, SecretStatus
from bot.moderation.verdict import Verdict
from bot.ports import Database
from bot.records import NewDraft, StoredPicture
from storage.database import SqlDatabase
from storage.picture_folder import NAME, PictureFolder
from tests.conftest import migrated, sql_url
from tests.fakes import FakeDatabase
from tests.storage.contract import NOW, OTHER, SALT, add_community, add_secret

PHOTO = StoredPicture("a" * 20, b"\xff\xd8 pixels \xff\xd9", 4, 3)


@pytest.fixture(
    params=[
        "fake",
        "sqlite",
        "sqlite+folder",
        pytest.param("postgresql", marks=pytest.mark.postgres),
        pytest.param("postgresql+folder", marks=pytest.mark.postgres),
    ]
)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """An empty store behind the core's port: each backend, photos in the database or in a folder."""
    if request.param == "fake":
        yield FakeDatabase()
        return
    backend, _, folder = request.param.partition("+")
    async with migrated(sql_url(backend, tmp_path)) as database:
        if folder:
            database.pictures = PictureFolder(tmp_path / "pictures", store_here=True)
        yield database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def in_folder(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SqlDatabase]:
    """A database whose photos are files in ``tmp_path / "pictures"``."""
    async with migrated(sql_url(request.param, tmp_path)) as database:
        database.pictures = PictureFolder(tmp_path / "pictures", store_here=True)
        yield database


def _files(database: SqlDatabase) -> list[Path]:
    assert database.pictures is not None
    folder = database.pictures.path
    return sorted(folder.iterdir()) if folder.exists() else []


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
        assert [s.picture for s in await uow.secrets.get_many([erased, kept])] == [True, True]
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
        gone = await uow.secrets.get(erased)
        assert gone is not None and gone.picture  # its card still shows a placeholder in the photo's place
        assert await uow.pictures.erase_orphans(NOW + timedelta(days=1)) == 0  # every file has its row


async def test_a_draft_read_without_a_photo_then_given_one_shows_it(store: Database) -> None:
    """A draft read with no photo (no query for its photo after that, storage/repositories/drafts.py) shows
    the photo the same unit of work adds it, and in the next, one added elsewhere."""
    async with store.unit_of_work() as uow:
        bare, other = await uow.drafts.add(_draft()), await uow.drafts.add(_draft())
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.drafts.get(bare.id) is not None and await uow.drafts.get(other.id) is not None
        assert await uow.pictures.of_draft(bare.id) is None
        await uow.pictures.add(bare.id, PHOTO, NOW)
        assert await uow.pictures.of_draft(bare.id) == PHOTO
        await uow.commit()
    if isinstance(store, FakeDatabase):
        return  # (its units of work read what was committed when they began)
    async with store.unit_of_work() as uow:
        assert await uow.drafts.get(other.id) is not None
        await uow.commit()
        async with store.unit_of_work() as elsewhere:
            await elsewhere.pictures.add(other.id, StoredPicture("e" * 20, b"later", 1, 1), NOW)
            await elsewhere.commit()
        assert await uow.pictures.of_draft(other.id) == StoredPicture("e" * 20, b"later", 1, 1)
        assert await uow.pictures.of_draft(bare.id) == PHOTO


async def test_a_removed_secrets_photo_is_erased_with_its_text(store: Database) -> None:
    community_id = await add_community(store)
    removed = await add_secret(store, community_id, 1, status=SecretStatus.REMOVED)
    shown = await add_secret(store, community_id, 2, status=SecretStatus.PUBLISHED)
    async with store.unit_of_work() as uow:
        await uow.pictures.add_to_secret(removed, StoredPicture("b" * 20, b"one", 1, 1), NOW)
        await uow.pictures.add_to_secret(shown, StoredPicture("c" * 20, b"two", 1, 1), NOW)
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert (
            await uow.secrets.erase_removed_texts(NOW + timedelta(days=8), 10) == 2
        )  # the text and the photo
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.pictures.of_secret(removed) is None
        assert await uow.pictures.of_secret(shown) is not None


async def test_folder_files_are_private_random_and_follow_their_unit_of_work(in_folder: SqlDatabase) -> None:
    community_id = await add_community(in_folder)
    secret = await add_secret(in_folder, community_id, 42)
    async with in_folder.unit_of_work() as uow:
        draft = await uow.drafts.add(_draft())
        await uow.pictures.add(draft.id, PHOTO, NOW)
        await uow.pictures.add_to_secret(secret, StoredPicture("e" * 20, b"secret's", 1, 1), NOW)
        await uow.commit()
    assert in_folder.pictures is not None
    folder = in_folder.pictures.path
    files = _files(in_folder)
    assert len(files) == 2 and stat.S_IMODE(folder.stat().st_mode) == 0o700
    for file in files:
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
        assert NAME.fullmatch(file.name)  # 128 random bits: not the secret's number, nothing of its author
        assert PHOTO.token not in file.name and "e" * 20 not in file.name  # not the published name either
    assert sorted(f.read_bytes() for f in files) == sorted([PHOTO.data, b"secret's"])
    async with in_folder.unit_of_work() as uow:  # the database holds no bytes of them
        assert await uow.pictures.of_draft(draft.id) == PHOTO

    # a unit of work that adds a photo and does not commit leaves no file
    async with in_folder.unit_of_work() as uow:
        other = await uow.drafts.add(_draft())
        await uow.pictures.add(other.id, StoredPicture("f" * 20, b"abandoned", 1, 1), NOW)
        assert len(_files(in_folder)) == 3
    assert len(_files(in_folder)) == 2

    # one that erases and does not commit keeps the files (their rows are back)
    async with in_folder.unit_of_work() as uow:
        await uow.secrets.erase(secret)
        await uow.drafts.delete(draft.id)
    assert len(_files(in_folder)) == 2
    async with in_folder.unit_of_work() as uow:
        assert await uow.pictures.of_secret(secret) is not None

    # committed: no file is left
    async with in_folder.unit_of_work() as uow:
        await uow.secrets.erase(secret)
        await uow.drafts.delete(draft.id)
        await uow.commit()
    assert _files(in_folder) == []


async def test_every_erasure_leaves_no_file(in_folder: SqlDatabase) -> None:
    community_id = await add_community(in_folder)
    deleted = await add_secret(in_folder, community_id, 1)
    removed = await add_secret(in_folder, community_id, 2, status=SecretStatus.REMOVED)
    async with in_folder.unit_of_work() as uow:
        posted = await uow.drafts.add(_draft())
        stale = await uow.drafts.add(_draft(-timedelta(days=3)))
        for draft_id in (posted.id, stale.id):
            await uow.pictures.add(draft_id, StoredPicture(f"{draft_id:020d}", b"draft", 1, 1), NOW)
        await uow.pictures.add_to_secret(deleted, StoredPicture("b" * 20, b"one", 1, 1), NOW)
        await uow.pictures.add_to_secret(removed, StoredPicture("c" * 20, b"two", 1, 1), NOW)
        await uow.commit()
    assert len(_files(in_folder)) == 4
    async with in_folder.unit_of_work() as uow:
        await uow.drafts.delete(posted.id)  # posted or cancelled
        await uow.commit()
    async with in_folder.unit_of_work() as uow:
        await uow.drafts.delete_stale(NOW - timedelta(days=1))  # expired
        await uow.commit()
    async with in_folder.unit_of_work() as uow:
        await uow.secrets.erase(deleted)  # deleted by its author, or by "forget me"'s delete-all
        await uow.commit()
    assert len(_files(in_folder)) == 1
    async with in_folder.unit_of_work() as uow:
        # removed by moderators, then kept 7 days
        await uow.secrets.erase_removed_texts(NOW + timedelta(days=8), 10)
        await uow.commit()
    assert _files(in_folder) == []


async def test_the_sweep_removes_files_no_photo_names_once_an_hour_old(in_folder: SqlDatabase) -> None:
    community_id = await add_community(in_folder)
    secret = await add_secret(in_folder, community_id, 1)
    async with in_folder.unit_of_work() as uow:
        await uow.pictures.add_to_secret(secret, StoredPicture("b" * 20, b"named", 1, 1), NOW)
        await uow.commit()
    assert in_folder.pictures is not None
    folder = in_folder.pictures.path
    # a process died between a commit that erased a photo and the removal of its file; another one is
    # being written by a unit of work not committed yet; and a file Murmure did not make
    orphan, young, foreign = folder / f"{'1' * 32}.jpg", folder / f"{'2' * 32}.jpg", folder / "notes.txt"
    for path in (orphan, young, foreign):
        path.write_bytes(b"x")
    two_hours_ago = (NOW - timedelta(hours=2)).timestamp()
    os.utime(orphan, (two_hours_ago, two_hours_ago))
    for named in _files(in_folder):
        if named not in (orphan, young, foreign):
            os.utime(named, (two_hours_ago, two_hours_ago))
    os.utime(young, (NOW.timestamp(), NOW.timestamp()))
    async with in_folder.unit_of_work() as uow:
        assert await uow.pictures.erase_orphans(NOW - timedelta(hours=1)) == 1
        assert await uow.pictures.of_secret(secret) is not None
    assert not orphan.exists() and young.exists() and foreign.exists()


async def test_photos_kept_as_files_stay_readable_after_a_switch_back_to_the_database(
    in_folder: SqlDatabase,
) -> None:
    community_id = await add_community(in_folder)
    secret = await add_secret(in_folder, community_id, 1)
    later = await add_secret(in_folder, community_id, 2)
    async with in_folder.unit_of_work() as uow:
        await uow.pictures.add_to_secret(secret, StoredPicture("b" * 20, b"in a file", 1, 1), NOW)
        await uow.commit()
    assert in_folder.pictures is not None
    in_folder.pictures = PictureFolder(in_folder.pictures.path, store_here=False)
    async with in_folder.unit_of_work() as uow:
        await uow.pictures.add_to_secret(later, StoredPicture("c" * 20, b"in its row", 1, 1), NOW)
        await uow.commit()
    assert len(_files(in_folder)) == 1
    async with in_folder.unit_of_work() as uow:
        assert (await uow.pictures.of_secret(secret)) == StoredPicture("b" * 20, b"in a file", 1, 1)
        assert (await uow.pictures.of_secret(later)) == StoredPicture("c" * 20, b"in its row", 1, 1)
        await uow.secrets.erase(secret)
        await uow.commit()
    assert _files(in_folder) == []
