"""Secrets: what was written, its publication, and its sealed return address."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, delete, func, or_, select, update

from bot.model import Secret, SecretStatus
from bot.records import NewSecret
from storage.repositories.base import Repository, to_secret
from storage.tables import (
    DraftRow,
    ReactionRow,
    ReplyReportRow,
    ReplyRow,
    ReportRow,
    SecretRow,
    ThreadNameRow,
)


class SqlSecrets(Repository):
    async def add(self, secret: NewSecret) -> Secret:
        sealed = secret.return_address
        row = SecretRow(
            community_id=secret.community_id,
            number=secret.number,
            author_key=secret.author_key,
            text=secret.text,
            content_warning=secret.content_warning,
            status=secret.status.value,
            created_at=secret.created_at,
            card_ref=None,
            author_locale=secret.author_locale,
            token=secret.token,
            collection=secret.collection,
            points=0.0,
            return_address=sealed.sealed if sealed else None,
            return_expires_at=sealed.expires_at if sealed else None,
        )
        self._session.add(row)
        await self._session.flush()
        return to_secret(row)

    async def get(self, secret_id: int) -> Secret | None:
        row = await self._session.get(SecretRow, secret_id, populate_existing=True)
        return to_secret(row) if row else None

    async def by_token(self, token: str) -> Secret | None:
        row = (
            await self._session.execute(
                select(SecretRow).where(SecretRow.token == token).execution_options(populate_existing=True)
            )
        ).scalar_one_or_none()
        return to_secret(row) if row else None

    async def set_status(self, secret_id: int, status: SecretStatus) -> None:
        await self._session.execute(
            update(SecretRow).where(SecretRow.id == secret_id).values(status=status.value)
        )

    async def add_points(self, secret_id: int, delta: float) -> None:
        await self._session.execute(
            update(SecretRow).where(SecretRow.id == secret_id).values(points=SecretRow.points + delta)
        )

    async def claim_sending(self, secret_id: int, now: datetime, until: datetime | None) -> bool:
        free = or_(SecretRow.sending_until.is_(None), SecretRow.sending_until < now)
        condition = and_(SecretRow.id == secret_id, SecretRow.card_ref.is_(None))
        if until is not None:
            condition = and_(condition, free)
        result = await self._session.execute(update(SecretRow).where(condition).values(sending_until=until))
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def renew_sending(self, secret_ids: Sequence[int], until: datetime) -> None:
        if secret_ids:
            held = and_(SecretRow.card_ref.is_(None), SecretRow.sending_until.is_not(None))
            await self._session.execute(
                update(SecretRow).where(SecretRow.id.in_(secret_ids), held).values(sending_until=until)
            )

    async def set_number(self, secret_id: int, number: int) -> None:
        await self._session.execute(update(SecretRow).where(SecretRow.id == secret_id).values(number=number))

    async def set_card_ref(self, secret_id: int, card_ref: str, at: datetime) -> None:
        await self._session.execute(
            update(SecretRow).where(SecretRow.id == secret_id).values(card_ref=card_ref, published_at=at)
        )

    async def by_author(self, author_key: str, limit: int) -> Sequence[Secret]:
        query = (
            select(SecretRow)
            .where(SecretRow.author_key == author_key)
            .order_by(SecretRow.created_at.desc(), SecretRow.id.desc())
            .limit(limit)
        )
        return [to_secret(row) for row in (await self._session.execute(query)).scalars()]

    async def recent_texts_by_author(self, author_key: str, since: datetime) -> Sequence[str]:
        query = select(SecretRow.text).where(
            SecretRow.author_key == author_key, SecretRow.created_at >= since
        )
        return list((await self._session.execute(query)).scalars())

    async def return_address(self, secret_id: int, now: datetime) -> bytes | None:
        query = select(SecretRow.return_address).where(
            SecretRow.id == secret_id, SecretRow.return_expires_at > now
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def erase_return_address(self, secret_id: int) -> None:
        await self._session.execute(
            update(SecretRow)
            .where(SecretRow.id == secret_id)
            .values(return_address=None, return_expires_at=None)
        )

    async def erase_expired_return_addresses(self, now: datetime) -> int:
        result = await self._session.execute(
            update(SecretRow)
            .where(SecretRow.return_expires_at <= now)
            .values(return_address=None, return_expires_at=None)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def count_since(self, author_key: str, community_id: int, since: datetime) -> int:
        query = (
            select(func.count())
            .select_from(SecretRow)
            .where(
                SecretRow.author_key == author_key,
                SecretRow.community_id == community_id,
                SecretRow.created_at >= since,
            )
        )
        return int((await self._session.execute(query)).scalar_one())

    async def erase(self, secret_id: int) -> None:
        # rows that can go are deleted (on PostgreSQL too: no UPDATE leaves the erased value in a new row)
        replies = select(ReplyRow.id).where(ReplyRow.secret_id == secret_id).scalar_subquery()
        await self._session.execute(delete(ReplyReportRow).where(ReplyReportRow.reply_id.in_(replies)))
        for table in (ReactionRow, ReportRow, ThreadNameRow, DraftRow):
            await self._session.execute(delete(table).where(table.secret_id == secret_id))
        # the thread's messages are still out: their rows stay, emptied, until the platform shows them gone
        await self._session.execute(
            update(ReplyRow).where(ReplyRow.secret_id == secret_id).values(text="", author_key="")
        )
        await self._session.execute(
            update(SecretRow)
            .where(SecretRow.id == secret_id)
            .values(
                status=SecretStatus.DELETED.value,
                text="",
                author_key="",
                collection=None,
                return_address=None,
                return_expires_at=None,
            )
        )
