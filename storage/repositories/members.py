"""Members as communities know them, by author key only: memberships, join days, bans and strikes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select

from bot.model import Ban
from storage.repositories.base import Repository, insert_for
from storage.tables import BanRow, MembershipRow, StrikeRow


class SqlMembers(Repository):
    async def verified_since(self, author_key: str, since: datetime) -> Sequence[int]:
        query = select(MembershipRow.community_id).where(
            MembershipRow.author_key == author_key, MembershipRow.verified_at >= since
        )
        return list((await self._session.execute(query)).scalars())

    async def mark_verified(self, author_key: str, community_id: int, at: datetime) -> None:
        # An upsert: two processes verifying the same member at once both succeed.
        insert = insert_for(self._session)
        statement = (
            insert(MembershipRow)
            .values(author_key=author_key, community_id=community_id, verified_at=at)
            .on_conflict_do_update(index_elements=["author_key", "community_id"], set_={"verified_at": at})
        )
        await self._session.execute(statement)

    async def joined_at(self, author_key: str, community_id: int) -> datetime | None:
        row = await self._session.get(MembershipRow, (author_key, community_id))
        return row.joined_at if row else None

    async def record_join(self, author_key: str, community_id: int, at: datetime) -> None:
        row = await self._session.get(MembershipRow, (author_key, community_id))
        if row is None:
            self._session.add(
                MembershipRow(author_key=author_key, community_id=community_id, verified_at=at, joined_at=at)
            )
        else:
            row.joined_at = at
            row.verified_at = at
        await self._session.flush()

    async def add_strike(self, author_key: str, at: datetime) -> None:
        self._session.add(StrikeRow(author_key=author_key, at=at))
        await self._session.flush()

    async def strikes_since(self, author_key: str, since: datetime) -> Sequence[datetime]:
        query = (
            select(StrikeRow.at)
            .where(StrikeRow.author_key == author_key, StrikeRow.at >= since)
            .order_by(StrikeRow.at)
        )
        return list((await self._session.execute(query)).scalars())

    async def forget_membership(self, author_key: str, community_id: int) -> None:
        await self._session.execute(
            delete(MembershipRow).where(
                MembershipRow.author_key == author_key, MembershipRow.community_id == community_id
            )
        )

    async def active_ban(self, author_key: str, community_id: int, now: datetime) -> Ban | None:
        query = (
            select(BanRow)
            .where(
                BanRow.author_key == author_key,
                BanRow.community_id == community_id,
                BanRow.lifted_at.is_(None),
                or_(BanRow.until.is_(None), BanRow.until > now),
            )
            .order_by(BanRow.until.is_(None).desc(), BanRow.until.desc())
            .limit(1)
        )
        row = (await self._session.execute(query)).scalar_one_or_none()
        return Ban(row.community_id, row.author_key, row.until) if row else None

    async def add_ban(self, ban: Ban, at: datetime) -> None:
        self._session.add(
            BanRow(community_id=ban.community_id, author_key=ban.author_key, until=ban.until, created_at=at)
        )
        await self._session.flush()
