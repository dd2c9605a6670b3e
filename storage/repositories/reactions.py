"""Reactions on cards: one of each kind per member."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.model import Reaction, ReactionCounts
from storage.raw import Raw
from storage.repositories.base import IN_CHUNK, Repository
from storage.tables import ReactionRow

_INSERT = (
    "INSERT INTO reactions (secret_id, reactor_key, kind) VALUES (?, ?, ?) "
    "ON CONFLICT (secret_id, reactor_key, kind) DO NOTHING"
)
_DELETE = "DELETE FROM reactions WHERE secret_id = ? AND reactor_key = ? AND kind = ?"
_SCORE = "UPDATE secrets SET points = points + ? WHERE id = ?"


class SqlReactions(Repository):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        self._raw = Raw(session)

    async def toggle(self, secret_id: int, reactor_key: str, reaction: Reaction, points: float = 0.0) -> bool:
        # Insert first, and remove only what is there: a tap made at once by another process (its insert not
        # committed yet) makes this insert wait for it, then find its row and remove it, so two taps at once
        # cancel out (removing first saw no row, then both inserted, and the second failed on PostgreSQL with
        # a unique-key error). A removal that found the row already removed by a third tap meanwhile tries
        # again: each tap toggles once.
        # PostgreSQL: the points moved in the same statement, by a data-modifying WITH (a round trip fewer)
        postgres = await self._raw.postgres()
        row = (secret_id, reactor_key, reaction.value)
        while True:
            if postgres:
                added = await self._scored(_INSERT, float(points), secret_id, row)
            else:
                added = await self._raw.run(_INSERT, *row)
            if added:
                if not postgres:
                    await self._raw.run(_SCORE, float(points), secret_id)
                return True
            if postgres:
                removed = await self._scored(_DELETE, -float(points), secret_id, row)
            else:
                removed = await self._raw.run(_DELETE, *row)
            if removed:
                if not postgres:
                    await self._raw.run(_SCORE, -float(points), secret_id)
                return False

    async def _scored(self, write: str, points: float, secret_id: int, row: tuple[object, ...]) -> int:
        """``write`` on the reaction's row, and the secret's points moved if it changed one: one statement."""
        sql = (
            f"WITH changed AS ({write} RETURNING 1), scored AS (UPDATE secrets SET points = points + ? "  # noqa: S608
            "WHERE id = ? AND EXISTS (SELECT 1 FROM changed)) SELECT count(*) FROM changed"
        )
        found = await self._raw.one(sql, *row, points, secret_id)
        return int(found[0]) if found else 0

    async def counts(self, secret_id: int) -> ReactionCounts:
        # read at every card's render (each edit after a tap): straight to the driver
        rows = await self._raw.rows(
            "SELECT kind, COUNT(*) FROM reactions WHERE secret_id = ? GROUP BY kind", secret_id
        )
        counts = {str(kind): int(count) for kind, count in rows}
        return ReactionCounts(**{reaction.value: counts.get(reaction.value, 0) for reaction in Reaction})

    async def counts_of(self, secret_ids: Sequence[int]) -> Mapping[int, ReactionCounts]:
        ids = list(secret_ids)
        kinds: dict[int, dict[str, int]] = {i: {} for i in ids}
        for start in range(0, len(ids), IN_CHUNK):
            query = (
                select(ReactionRow.secret_id, ReactionRow.kind, func.count())
                .where(ReactionRow.secret_id.in_(ids[start : start + IN_CHUNK]))
                .group_by(ReactionRow.secret_id, ReactionRow.kind)
            )
            for secret_id, kind, count in (await self._session.execute(query)).all():
                kinds[int(secret_id)][str(kind)] = int(count)
        return {i: ReactionCounts(**{r.value: kinds[i].get(r.value, 0) for r in Reaction}) for i in ids}
