"""Feeds: published secrets, read many at a time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, false, or_, select

from bot.model import Secret
from bot.records import FeedQuery
from storage.raw import Raw, Reader
from storage.repositories.base import PUBLISHED, Repository, on_postgresql, to_secret
from storage.tables import SecretRow

_ROWS = Reader(SecretRow.__table__)  # type: ignore[arg-type]
_QUALIFIED = ", ".join(f"secrets.{name}" for name in _ROWS.names)


class SqlFeeds(Repository):
    async def page(self, query: FeedQuery) -> Sequence[Secret]:
        if not query.by_points:
            return await self._latest(query)
        return await self._by_points(query)

    async def _latest(self, query: FeedQuery) -> Sequence[Secret]:
        """Newest card first. Each source (one of the member's communities; a public community's secrets in
        the followed topics since it became public) gives its newest ``offset + limit`` from the index
        ``ix_secrets_latest``, and only those are merged: a page reads a few rows per source, not every
        published secret of ten communities. The sources give only (publication time, id), read from the
        index alone for the member's communities; the page's rows are then read by id: sorting thirty
        sources' whole rows to keep six cost more than reading them."""
        enough = query.offset + query.limit
        parts: list[str] = []
        params: list[Any] = []
        since = " AND created_at >= ?" if query.since is not None else ""
        # SQLite would rather read a topic's or a period's index and sort it all: it is told which to read
        table = "secrets" if on_postgresql(self._session) else "secrets INDEXED BY ix_secrets_latest"

        sources: list[tuple[str, list[Any]]] = []
        mine = set(query.community_ids)
        for community_id in sorted(mine):
            sources.append(("community_id = ?", [community_id]))
        if query.collections:
            topics = ", ".join("?" * len(query.collections))
            for public in query.public:
                if public.community_id not in mine:
                    sources.append(
                        (
                            f"community_id = ? AND collection IN ({topics}) AND created_at >= ?",
                            [public.community_id, *query.collections, public.since],
                        )
                    )
        written_since = [query.since] if query.since is not None else []
        for where, values in sources:
            parts.append(
                f"SELECT * FROM (SELECT published_at, id FROM {table} WHERE {where} AND status = ?"  # noqa: S608
                f" AND published_at IS NOT NULL{since} ORDER BY published_at DESC, id DESC LIMIT ?)"
                f" AS s{len(parts)}"
            )
            params.extend([*values, PUBLISHED, *written_since, enough])
        if sources:
            any_source = " OR ".join(f"({where})" for where, _ in sources)
            # cards out before their time was kept have none: they come after the others, newest first, all
            # sources in one part (one probe of the index each): as many parts again cost PostgreSQL more to
            # plan than to run
            parts.append(
                f"SELECT * FROM (SELECT published_at, id FROM {table} WHERE status = ?"  # noqa: S608
                f" AND published_at IS NULL{since} AND ({any_source}) ORDER BY id DESC LIMIT ?)"
                f" AS s{len(parts)}"
            )
            params.extend([PUBLISHED, *written_since, *(v for _, values in sources for v in values), enough])
        if not parts:
            return []
        rows = await Raw(self._session).rows(
            f"SELECT {_QUALIFIED} FROM (SELECT published_at, id FROM ({' UNION ALL '.join(parts)}) AS feed "  # noqa: S608
            "ORDER BY published_at DESC NULLS LAST, id DESC LIMIT ? OFFSET ?) AS page "
            "JOIN secrets ON secrets.id = page.id ORDER BY page.published_at DESC NULLS LAST, page.id DESC",
            *params,
            query.limit,
            query.offset,
        )
        return [to_secret(_ROWS.read(row)) for row in rows]

    async def _by_points(self, query: FeedQuery) -> Sequence[Secret]:
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
