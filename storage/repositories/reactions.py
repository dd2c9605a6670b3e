"""Reactions on cards: one of each kind per member."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import delete, func, select

from bot.model import Reaction, ReactionCounts
from storage.repositories.base import IN_CHUNK, Repository
from storage.tables import ReactionRow


class SqlReactions(Repository):
    async def toggle(self, secret_id: int, reactor_key: str, reaction: Reaction) -> bool:
        removed = await self._session.execute(
            delete(ReactionRow).where(
                ReactionRow.secret_id == secret_id,
                ReactionRow.reactor_key == reactor_key,
                ReactionRow.kind == reaction.value,
            )
        )
        if removed.rowcount:  # type: ignore[attr-defined]
            return False
        self._session.add(ReactionRow(secret_id=secret_id, reactor_key=reactor_key, kind=reaction.value))
        await self._session.flush()
        return True

    async def counts(self, secret_id: int) -> ReactionCounts:
        query = (
            select(ReactionRow.kind, func.count())
            .where(ReactionRow.secret_id == secret_id)
            .group_by(ReactionRow.kind)
        )
        counts = {str(kind): int(count) for kind, count in (await self._session.execute(query)).all()}
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
