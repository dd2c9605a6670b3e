"""What a member chose for themselves, tied to no content, by preference key: language and topics; what
their next DM means, by pending key and sealed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.records import SealedValue
from storage.raw import Raw, utc
from storage.repositories.base import Repository
from storage.tables import MemberPreferenceRow, PendingInputRow, SubscriptionRow


class SqlPreferences(Repository):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        self._raw = Raw(session)

    async def locale(self, preference_key: str) -> str | None:
        row = await self._raw.one(
            "SELECT locale FROM member_preferences WHERE preference_key = ?", preference_key
        )
        return row[0] if row else None

    async def set_locale(self, preference_key: str, locale: str) -> None:
        row = await self._session.get(MemberPreferenceRow, preference_key)
        if row is None:
            self._session.add(MemberPreferenceRow(preference_key=preference_key, locale=locale))
        else:
            row.locale = locale
        await self._session.flush()

    async def pending_input(self, pending_key: str, now: datetime) -> SealedValue | None:
        row = await self._raw.one(
            "SELECT sealed, expires_at FROM pending_inputs WHERE pending_key = ? AND expires_at > ?",
            pending_key,
            now,
        )
        expires_at = utc(row[1]) if row else None
        return SealedValue(bytes(row[0]), expires_at) if row and expires_at else None

    async def set_pending_input(self, pending_key: str, pending: SealedValue | None) -> None:
        await self._session.execute(delete(PendingInputRow).where(PendingInputRow.pending_key == pending_key))
        if pending is not None:
            self._session.add(
                PendingInputRow(pending_key=pending_key, sealed=pending.sealed, expires_at=pending.expires_at)
            )
            await self._session.flush()

    async def erase(self, preference_key: str, pending_key: str) -> None:
        await self._session.execute(
            delete(MemberPreferenceRow).where(MemberPreferenceRow.preference_key == preference_key)
        )
        await self._session.execute(
            delete(SubscriptionRow).where(SubscriptionRow.preference_key == preference_key)
        )
        await self._session.execute(delete(PendingInputRow).where(PendingInputRow.pending_key == pending_key))

    async def subscriptions(self, preference_key: str) -> Sequence[str]:
        query = select(SubscriptionRow.collection).where(SubscriptionRow.preference_key == preference_key)
        return sorted((await self._session.execute(query)).scalars())

    async def set_subscription(self, preference_key: str, collection: str, on: bool) -> None:
        await self._session.execute(
            delete(SubscriptionRow).where(
                SubscriptionRow.preference_key == preference_key, SubscriptionRow.collection == collection
            )
        )
        if on:
            self._session.add(SubscriptionRow(preference_key=preference_key, collection=collection))
            await self._session.flush()
