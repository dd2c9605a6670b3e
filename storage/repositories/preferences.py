"""What a member chose for themselves, tied to no content: language, topics, what their next DM means."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select

from bot.model import DraftKind, PendingInput
from storage.repositories.base import Repository
from storage.tables import MemberPreferenceRow, PendingInputRow, SubscriptionRow


class SqlPreferences(Repository):
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
                    author_key=author_key,
                    kind=pending.kind.value,
                    target_id=pending.target_id,
                    expires_at=pending.expires_at,
                )
            )
            await self._session.flush()

    async def subscriptions(self, author_key: str) -> Sequence[str]:
        query = select(SubscriptionRow.collection).where(SubscriptionRow.author_key == author_key)
        return sorted((await self._session.execute(query)).scalars())

    async def set_subscription(self, author_key: str, collection: str, on: bool) -> None:
        await self._session.execute(
            delete(SubscriptionRow).where(
                SubscriptionRow.author_key == author_key, SubscriptionRow.collection == collection
            )
        )
        if on:
            self._session.add(SubscriptionRow(author_key=author_key, collection=collection))
            await self._session.flush()
