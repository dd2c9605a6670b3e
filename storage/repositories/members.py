"""Members as communities know them, by community keys only (one per member and community): memberships,
join days and bans; and counters of one member in one community and period (limits, strikes)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select

from bot.model import Ban
from bot.records import Counter
from storage.repositories.base import IN_CHUNK, Repository, insert_for
from storage.tables import BanRow, MembershipRow, PeriodCounterRow


class SqlMembers(Repository):
    async def verified_since(self, member_keys: Sequence[str], since: datetime) -> Sequence[int]:
        found: list[int] = []
        keys = list(member_keys)
        for start in range(0, len(keys), IN_CHUNK):
            query = select(MembershipRow.community_id).where(
                MembershipRow.member_key.in_(keys[start : start + IN_CHUNK]),
                MembershipRow.verified_at >= since,
            )
            found.extend((await self._session.execute(query)).scalars())
        return found

    async def mark_verified(self, member_key: str, community_id: int, at: datetime) -> None:
        # An upsert: two processes verifying the same member at once both succeed.
        insert = insert_for(self._session)
        statement = (
            insert(MembershipRow)
            .values(member_key=member_key, community_id=community_id, verified_at=at)
            .on_conflict_do_update(index_elements=["member_key", "community_id"], set_={"verified_at": at})
        )
        await self._session.execute(statement)

    async def joined_at(self, member_key: str, community_id: int) -> datetime | None:
        row = await self._session.get(MembershipRow, (member_key, community_id), populate_existing=True)
        return row.joined_at if row else None

    async def record_join(self, member_key: str, community_id: int, at: datetime) -> None:
        row = await self._session.get(MembershipRow, (member_key, community_id))
        if row is None:
            self._session.add(
                MembershipRow(member_key=member_key, community_id=community_id, verified_at=at, joined_at=at)
            )
        else:
            row.joined_at = at
            row.verified_at = at
        await self._session.flush()

    async def forget_membership(self, member_key: str, community_id: int) -> None:
        await self._session.execute(
            delete(MembershipRow).where(
                MembershipRow.member_key == member_key, MembershipRow.community_id == community_id
            )
        )

    async def forget_memberships(self, member_keys: Sequence[str]) -> None:
        keys = list(member_keys)
        for start in range(0, len(keys), IN_CHUNK):
            chunk = keys[start : start + IN_CHUNK]
            await self._session.execute(delete(MembershipRow).where(MembershipRow.member_key.in_(chunk)))

    async def counter(self, counter_key: str, now: datetime) -> Counter | None:
        row = await self._session.get(PeriodCounterRow, counter_key, populate_existing=True)
        if row is None or row.expires_at <= now:
            return None
        return Counter(row.count, row.last_at)

    async def bump_counter(self, counter_key: str, at: datetime, expires_at: datetime) -> None:
        statement = (
            insert_for(self._session)(PeriodCounterRow)
            .values(counter_key=counter_key, count=1, last_at=at, expires_at=expires_at)
            .on_conflict_do_update(
                index_elements=["counter_key"],
                set_={"count": PeriodCounterRow.count + 1, "last_at": at, "expires_at": expires_at},
            )
        )
        await self._session.execute(statement)

    async def erase_expired_counters(self, now: datetime) -> int:
        result = await self._session.execute(
            delete(PeriodCounterRow).where(PeriodCounterRow.expires_at <= now)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def active_ban(self, member_key: str, community_id: int, now: datetime) -> Ban | None:
        query = (
            select(BanRow)
            .where(
                BanRow.member_key == member_key,
                BanRow.community_id == community_id,
                BanRow.lifted_at.is_(None),
                or_(BanRow.until.is_(None), BanRow.until > now),
            )
            .order_by(BanRow.until.is_(None).desc(), BanRow.until.desc())
            .limit(1)
        )
        row = (await self._session.execute(query)).scalar_one_or_none()
        return Ban(row.community_id, row.member_key, row.until) if row else None

    async def add_ban(self, ban: Ban, at: datetime) -> None:
        self._session.add(
            BanRow(community_id=ban.community_id, member_key=ban.member_key, until=ban.until, created_at=at)
        )
        await self._session.flush()
