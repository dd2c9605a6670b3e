"""Reactions on cards: one of each kind per member."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.model import Reaction, ReactionCounts
from storage.raw import Raw
from storage.repositories.base import IN_CHUNK, Repository
from storage.tables import ReactionRow


class SqlReactions(Repository):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        self._raw = Raw(session)

    async def toggle(self, secret_id: int, reactor_key: str, reaction: Reaction) -> bool:
        # Insert first, and remove only what is there: a tap made at once by another process (its insert not
        # committed yet) makes this insert wait for it, then find its row and remove it, so two taps at once
        # cancel out (removing first saw no row, then both inserted, and the second failed on PostgreSQL with
        # a unique-key error). A removal that found the row already removed by a third tap meanwhile tries
        # again: each tap toggles once.
        while True:
            added = await self._raw.run(
                "INSERT INTO reactions (secret_id, reactor_key, kind) VALUES (?, ?, ?) "
                "ON CONFLICT (secret_id, reactor_key, kind) DO NOTHING",
                secret_id,
                reactor_key,
                reaction.value,
            )
            if added:
                return True
            removed = await self._raw.run(
                "DELETE FROM reactions WHERE secret_id = ? AND reactor_key = ? AND kind = ?",
                secret_id,
                reactor_key,
                reaction.value,
            )
            if removed:
                return False

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
