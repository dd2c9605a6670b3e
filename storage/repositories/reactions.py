"""Reactions on cards: one of each kind per member."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from bot.model import Reaction, ReactionCounts
from storage.repositories.base import Repository
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
