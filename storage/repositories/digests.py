"""Daily digests: who reads one in DM, and the claims that make each one happen once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select

from bot.records import DigestAddress, DigestReader
from storage.raw import Raw, utc
from storage.repositories.base import Repository, delete_past, insert_for
from storage.tables import DigestReaderRow, DigestRunRow, MemberDigestRunRow


def _address(row: DigestReaderRow) -> DigestAddress:
    return DigestAddress(row.platform, row.sealed, row.locale, row.expires_at, row.local_time, row.timezone)


class SqlDigests(Repository):
    async def claim_community(self, community_id: int, period: str, at: datetime) -> bool:
        # INSERT ... ON CONFLICT DO NOTHING on both engines: the first process to insert owns the run.
        statement = (
            insert_for(self._session)(DigestRunRow)
            .values(community_id=community_id, period=period, claimed_at=at)
            .on_conflict_do_nothing(index_elements=["community_id", "period"])
        )
        result = await self._session.execute(statement)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def claim_member(self, preference_key: str, period: str, at: datetime) -> bool:
        statement = (
            insert_for(self._session)(MemberDigestRunRow)
            .values(preference_key=preference_key, period=period, claimed_at=at)
            .on_conflict_do_nothing(index_elements=["preference_key", "period"])
        )
        result = await self._session.execute(statement)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def member_claims(self, since: datetime) -> set[tuple[str, str]]:
        query = select(MemberDigestRunRow.preference_key, MemberDigestRunRow.period).where(
            MemberDigestRunRow.claimed_at >= since
        )
        return {(key, period) for key, period in (await self._session.execute(query)).all()}

    async def address(self, preference_key: str, now: datetime) -> DigestAddress | None:
        row = await Raw(self._session).one(
            "SELECT platform, sealed, locale, expires_at, local_time, timezone FROM digest_readers "
            "WHERE preference_key = ? AND expires_at > ?",
            preference_key,
            now,
        )
        expires_at = utc(row[3]) if row else None
        if not row or not expires_at:
            return None
        return DigestAddress(row[0], bytes(row[1]), row[2], expires_at, row[4], row[5])

    async def set_address(self, preference_key: str, address: DigestAddress | None) -> None:
        await self._session.execute(
            delete(DigestReaderRow).where(DigestReaderRow.preference_key == preference_key)
        )
        if address is not None:
            self._session.add(
                DigestReaderRow(
                    preference_key=preference_key,
                    platform=address.platform,
                    sealed=address.sealed,
                    locale=address.locale,
                    expires_at=address.expires_at,
                    local_time=address.at,
                    timezone=address.zone,
                )
            )
            await self._session.flush()

    async def readers(self, now: datetime) -> Sequence[DigestReader]:
        query = (
            select(DigestReaderRow)
            .where(DigestReaderRow.expires_at > now)
            .order_by(DigestReaderRow.preference_key)
        )
        return [
            DigestReader(row.preference_key, _address(row))
            for row in (await self._session.execute(query)).scalars()
        ]

    async def forget_reader(self, preference_key: str) -> None:
        await self.set_address(preference_key, None)
        await self._session.execute(
            delete(MemberDigestRunRow).where(MemberDigestRunRow.preference_key == preference_key)
        )

    async def erase_expired(self, now: datetime) -> int:
        return await delete_past(self._session, "digest_readers", "expires_at", now)

    async def erase_member_claims(self, before: datetime) -> int:
        return await delete_past(self._session, "member_digest_runs", "claimed_at", before, strictly=True)
