"""What is known of members, by author key only: memberships, language, bans, strikes, digests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select

from bot.model import (
    Ban,
    DraftKind,
    PendingInput,
)
from bot.ports import DigestAddress
from storage.repositories.base import (
    Repository,
    insert_for,
)
from storage.tables import (
    BanRow,
    DigestReaderRow,
    MemberDigestRunRow,
    MemberPreferenceRow,
    MembershipRow,
    PendingInputRow,
    StrikeRow,
)


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

    async def digest_address(self, author_key: str, now: datetime) -> DigestAddress | None:
        row = await self._session.get(DigestReaderRow, author_key, populate_existing=True)
        if row is None or row.expires_at <= now:
            return None
        return DigestAddress(row.platform, row.sealed, row.locale, row.expires_at)

    async def set_digest_address(self, author_key: str, address: DigestAddress | None) -> None:
        await self._session.execute(delete(DigestReaderRow).where(DigestReaderRow.author_key == author_key))
        if address is not None:
            self._session.add(
                DigestReaderRow(
                    author_key=author_key,
                    platform=address.platform,
                    sealed=address.sealed,
                    locale=address.locale,
                    expires_at=address.expires_at,
                )
            )
            await self._session.flush()

    async def digest_readers(self, now: datetime) -> Sequence[tuple[str, DigestAddress]]:
        query = select(DigestReaderRow).where(DigestReaderRow.expires_at > now)
        return [
            (row.author_key, DigestAddress(row.platform, row.sealed, row.locale, row.expires_at))
            for row in (await self._session.execute(query)).scalars()
        ]

    async def erase_expired_digest_addresses(self, now: datetime) -> int:
        result = await self._session.execute(delete(DigestReaderRow).where(DigestReaderRow.expires_at <= now))
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def claim_member_digest(self, author_key: str, period: str, at: datetime) -> bool:
        statement = (
            insert_for(self._session)(MemberDigestRunRow)
            .values(author_key=author_key, period=period, claimed_at=at)
            .on_conflict_do_nothing(index_elements=["author_key", "period"])
        )
        result = await self._session.execute(statement)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

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

    async def locale(self, author_key: str) -> str | None:
        row = await self._session.get(MemberPreferenceRow, author_key)
        return row.locale if row else None

    async def set_locale(self, author_key: str, locale: str) -> None:
        row = await self._session.get(MemberPreferenceRow, author_key)
        if row is None:
            self._session.add(MemberPreferenceRow(author_key=author_key, locale=locale))
        else:
            row.locale = locale
        await self._session.flush()

    async def pending_input(self, author_key: str) -> PendingInput | None:
        row = await self._session.get(PendingInputRow, author_key, populate_existing=True)
        if row is None:
            return None
        return PendingInput(row.author_key, DraftKind(row.kind), row.target_id, row.expires_at)

    async def set_pending_input(self, pending: PendingInput | None, author_key: str) -> None:
        await self._session.execute(delete(PendingInputRow).where(PendingInputRow.author_key == author_key))
        if pending is not None:
            self._session.add(
                PendingInputRow(
                    author_key=pending.author_key,
                    kind=pending.kind.value,
                    target_id=pending.target_id,
                    expires_at=pending.expires_at,
                )
            )
            await self._session.flush()

    async def active_ban(self, author_key: str, community_id: int, now: datetime) -> Ban | None:
        query = (
            select(BanRow)
            .where(
                BanRow.author_key == author_key,
                BanRow.community_id == community_id,
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
