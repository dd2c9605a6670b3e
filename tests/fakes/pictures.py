"""In-memory photos of drafts and secrets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bot.records import StoredPicture
from tests.fakes.state import Repo


class FakePictures(Repo):
    async def add(self, draft_id: int, picture: StoredPicture, at: datetime) -> None:
        self.s.pictures[self.next_id()] = (draft_id, None, picture)

    async def of_draft(self, draft_id: int) -> StoredPicture | None:
        return next((p for d, _, p in self.s.pictures.values() if d == draft_id), None)

    async def add_to_secret(self, secret_id: int, picture: StoredPicture, at: datetime) -> None:
        self.s.pictures[self.next_id()] = (None, secret_id, picture)
        if secret_id in self.s.secrets:
            self.s.secrets[secret_id] = replace(self.s.secrets[secret_id], picture=True)

    async def of_secret(self, secret_id: int) -> StoredPicture | None:
        return next((p for _, s, p in self.s.pictures.values() if s == secret_id), None)

    async def with_pictures(self, secret_ids: Sequence[int]) -> set[int]:
        return {s for _, s, _ in self.s.pictures.values() if s is not None and s in secret_ids}

    async def erase_orphans(self, before: datetime) -> int:
        return 0  # in memory, as in the database: no file to lose track of


def erase_pictures(
    state: object,
    *,
    drafts: set[int] | None = None,
    secret: int | None = None,
    secrets: set[int] | None = None,
) -> int:
    """The photos of these drafts, or of this secret or these secrets, gone; how many."""
    pictures = state.pictures  # type: ignore[attr-defined]
    gone = 0
    for key, (d, s, _) in list(pictures.items()):
        if (
            (drafts is not None and d in drafts)
            or (secret is not None and s == secret)
            or (secrets is not None and s in secrets)
        ):
            del pictures[key]
            gone += 1
    return gone
