"""Feeds: published secrets, read many at a time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, false, or_, select

from bot.model import Secret
from bot.records import FeedQuery
from storage.repositories.base import PUBLISHED, Repository, to_secret
from storage.tables import SecretRow


class SqlFeeds(Repository):
    async def page(self, query: FeedQuery) -> Sequence[Secret]:
        shared = or_(
            false(),
            *(
                and_(SecretRow.community_id == public.community_id, SecretRow.created_at >= public.since)
                for public in query.public
            ),
        )
        where = or_(
            SecretRow.community_id.in_(list(query.community_ids)),
            and_(SecretRow.collection.in_(list(query.collections)), shared),
        )
        statement = select(SecretRow).where(where, SecretRow.status == PUBLISHED)
        if query.since is not None:
            statement = statement.where(SecretRow.created_at >= query.since)
        # newest card first, not newest DM: with a publication delay the two orders differ, and the DMs'
        # order must not show
        latest = (SecretRow.published_at.desc().nulls_last(), SecretRow.id.desc())
        by_points = (SecretRow.points.desc(), SecretRow.published_at.desc().nulls_last(), SecretRow.id.desc())
        statement = (
            statement.order_by(*(by_points if query.by_points else latest))
            .offset(query.offset)
            .limit(query.limit)
        )
        return [to_secret(row) for row in (await self._session.execute(statement)).scalars()]

    async def top_since(self, community_id: int, since: datetime, limit: int) -> Sequence[Secret]:
        query = (
            select(SecretRow)
            .where(
                SecretRow.community_id == community_id,
                SecretRow.status == PUBLISHED,
                SecretRow.created_at >= since,
            )
            .order_by(SecretRow.points.desc(), SecretRow.id.desc())
            .limit(limit)
        )
        return [to_secret(row) for row in (await self._session.execute(query)).scalars()]
