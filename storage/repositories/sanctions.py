"""Bans as moderators handle them, and the look-ups direct moderation needs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, update

from bot.model import BanRecord, Community, Secret
from storage.repositories.base import Repository, to_community, to_secret
from storage.tables import BanRow, CommunityRow, SecretRow


def _record(row: BanRow) -> BanRecord:
    return BanRecord(row.id, row.community_id, row.until, row.secret_id, row.created_at, row.lifted_at)


class SqlSanctions(Repository):
    async def ban(
        self, community_id: int, member_key: str, until: datetime | None, secret_id: int | None, at: datetime
    ) -> BanRecord:
        row = BanRow(
            community_id=community_id,
            member_key=member_key,
            until=until,
            secret_id=secret_id,
            created_at=at,
            lifted_at=None,
        )
        self._session.add(row)
        await self._session.flush()
        return _record(row)

    async def in_force(self, community_id: int, now: datetime) -> Sequence[BanRecord]:
        query = (
            select(BanRow)
            .where(
                BanRow.community_id == community_id,
                BanRow.lifted_at.is_(None),
                or_(BanRow.until.is_(None), BanRow.until > now),
            )
            .order_by(BanRow.id.desc())
        )
        return [_record(row) for row in (await self._session.execute(query)).scalars()]

    async def get(self, ban_id: int) -> BanRecord | None:
        row = await self._session.get(BanRow, ban_id, populate_existing=True)
        return _record(row) if row else None

    async def lift(self, ban_id: int, at: datetime) -> bool:
        result = await self._session.execute(
            update(BanRow).where(BanRow.id == ban_id, BanRow.lifted_at.is_(None)).values(lifted_at=at)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def secret_by_number(self, community_id: int, number: int) -> Secret | None:
        query = select(SecretRow).where(SecretRow.community_id == community_id, SecretRow.number == number)
        row = (await self._session.execute(query)).scalar_one_or_none()
        return to_secret(row) if row else None

    async def moderated_in(self, platform: str, chat_ref: str) -> Sequence[Community]:
        query = (
            select(CommunityRow)
            .where(
                CommunityRow.platform == platform,
                CommunityRow.moderation_chat_ref == chat_ref,
                CommunityRow.active.is_(True),
            )
            .order_by(CommunityRow.id)
        )
        return [to_community(row, self._defaults) for row in (await self._session.execute(query)).scalars()]
