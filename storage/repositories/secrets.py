"""Secrets, their replies, reactions and reports, and the feeds built from them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, delete, false, func, or_, select, update

from bot.model import (
    QueueCause,
    QueueStatus,
    Reaction,
    ReactionCounts,
    ReplyPost,
    ReportReason,
    Secret,
    SecretStatus,
)
from storage.repositories.base import (
    PUBLISHED,
    Repository,
    insert_for,
    to_reply,
    to_secret,
)
from storage.tables import (
    DigestRunRow,
    QueueItemRow,
    ReactionRow,
    ReplyRow,
    ReportRow,
    SecretRow,
    SubscriptionRow,
    ThreadNameRow,
)


class SqlSecrets(Repository):
    async def add(
        self,
        community_id: int,
        number: int,
        author_key: str,
        text: str,
        content_warning: bool,
        status: SecretStatus,
        at: datetime,
        author_locale: str,
        return_address: bytes | None,
        return_expires_at: datetime | None,
        collection: str | None = None,
    ) -> Secret:
        row = SecretRow(
            collection=collection,
            points=0.0,
            community_id=community_id,
            number=number,
            author_key=author_key,
            text=text,
            content_warning=content_warning,
            status=status.value,
            created_at=at,
            card_ref=None,
            author_locale=author_locale,
            return_address=return_address,
            return_expires_at=return_expires_at,
        )
        self._session.add(row)
        await self._session.flush()
        return to_secret(row)

    async def get(self, secret_id: int) -> Secret | None:
        row = await self._session.get(SecretRow, secret_id, populate_existing=True)
        return to_secret(row) if row else None

    async def set_status(self, secret_id: int, status: SecretStatus) -> None:
        await self._session.execute(
            update(SecretRow).where(SecretRow.id == secret_id).values(status=status.value)
        )

    async def add_points(self, secret_id: int, delta: float) -> None:
        await self._session.execute(
            update(SecretRow).where(SecretRow.id == secret_id).values(points=SecretRow.points + delta)
        )

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

    async def feed(
        self,
        community_ids: Sequence[int],
        collections: Sequence[str],
        public: Sequence[tuple[int, datetime]],
        since: datetime | None,
        by_points: bool,
        offset: int,
        limit: int,
    ) -> Sequence[Secret]:
        where = or_(
            SecretRow.community_id.in_(list(community_ids)),
            and_(
                SecretRow.collection.in_(list(collections)),
                or_(
                    false(),
                    *(
                        and_(SecretRow.community_id == cid, SecretRow.created_at >= since)
                        for cid, since in public
                    ),
                ),
            ),
        )
        query = select(SecretRow).where(where, SecretRow.status == PUBLISHED)
        if since is not None:
            query = query.where(SecretRow.created_at >= since)
        # newest card first, not newest DM: with a publication delay the two orders differ, and the DMs'
        # order must not show
        latest = (SecretRow.published_at.desc().nulls_last(), SecretRow.id.desc())
        order = (SecretRow.points.desc(), SecretRow.published_at.desc().nulls_last()) if by_points else latest
        query = query.order_by(*order).offset(offset).limit(limit)
        return [to_secret(row) for row in (await self._session.execute(query)).scalars()]

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

    async def claim_digest(self, community_id: int, period: str, at: datetime) -> bool:
        # INSERT ... ON CONFLICT DO NOTHING on both engines: the first process to insert owns the run.
        insert = insert_for(self._session)
        statement = (
            insert(DigestRunRow)
            .values(community_id=community_id, period=period, claimed_at=at)
            .on_conflict_do_nothing(index_elements=["community_id", "period"])
        )
        result = await self._session.execute(statement)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def claim_sending(self, secret_id: int, now: datetime, until: datetime | None) -> bool:
        free = or_(SecretRow.sending_until.is_(None), SecretRow.sending_until < now)
        condition = and_(SecretRow.id == secret_id, SecretRow.card_ref.is_(None))
        if until is not None:
            condition = and_(condition, free)
        result = await self._session.execute(update(SecretRow).where(condition).values(sending_until=until))
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

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

    async def toggle_reaction(self, secret_id: int, reactor_key: str, reaction: Reaction) -> bool:
        removed = await self._session.execute(
            delete(ReactionRow).where(
                ReactionRow.secret_id == secret_id,
                ReactionRow.reactor_key == reactor_key,
                ReactionRow.kind == reaction.value,
            )
        )
        if removed.rowcount:  # type: ignore[attr-defined]
            return False
        self._session.add(ReactionRow(secret_id=secret_id, reactor_key=reactor_key, kind=reaction.value))
        await self._session.flush()
        return True

    async def reaction_counts(self, secret_id: int) -> ReactionCounts:
        query = (
            select(ReactionRow.kind, func.count())
            .where(ReactionRow.secret_id == secret_id)
            .group_by(ReactionRow.kind)
        )
        counts = {str(kind): int(count) for kind, count in (await self._session.execute(query)).all()}
        return ReactionCounts(**{reaction.value: counts.get(reaction.value, 0) for reaction in Reaction})

    async def add_reply(
        self, secret_id: int, author_key: str, text: str, pseudonym: str, by_author: bool, at: datetime
    ) -> ReplyPost:
        row = ReplyRow(
            secret_id=secret_id,
            author_key=author_key,
            text=text,
            pseudonym=pseudonym,
            by_author=by_author,
            created_at=at,
            message_ref=None,
        )
        self._session.add(row)
        await self._session.flush()
        return to_reply(row)

    async def get_reply(self, reply_id: int) -> ReplyPost | None:
        row = await self._session.get(ReplyRow, reply_id, populate_existing=True)
        return to_reply(row) if row else None

    async def set_reply_ref(self, reply_id: int, message_ref: str) -> None:
        await self._session.execute(
            update(ReplyRow).where(ReplyRow.id == reply_id).values(message_ref=message_ref)
        )

    async def pseudonym_of(self, secret_id: int, author_key: str) -> str | None:
        row = await self._session.get(ThreadNameRow, (secret_id, author_key))
        return row.pseudonym if row else None

    async def claim_pseudonym(self, secret_id: int, author_key: str, pseudonym: str) -> bool:
        statement = (
            insert_for(self._session)(ThreadNameRow)
            .values(secret_id=secret_id, author_key=author_key, pseudonym=pseudonym)
            .on_conflict_do_nothing()
        )
        result = await self._session.execute(statement)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def reply_count(self, secret_id: int) -> int:
        query = select(func.count()).select_from(ReplyRow).where(ReplyRow.secret_id == secret_id)
        return int((await self._session.execute(query)).scalar_one())

    async def add_report(
        self, secret_id: int, reporter_key: str, reason: ReportReason, weight: float, at: datetime
    ) -> bool:
        query = select(ReportRow.id).where(
            ReportRow.secret_id == secret_id, ReportRow.reporter_key == reporter_key
        )
        if (await self._session.execute(query)).first() is not None:
            return False
        self._session.add(
            ReportRow(
                secret_id=secret_id,
                reporter_key=reporter_key,
                reason=reason.value,
                weight=weight,
                created_at=at,
            )
        )
        await self._session.flush()
        return True

    async def report_weight(self, secret_id: int, since: datetime | None = None) -> float:
        query = select(func.coalesce(func.sum(ReportRow.weight), 0.0)).where(ReportRow.secret_id == secret_id)
        if since is not None:
            query = query.where(ReportRow.created_at > since)
        return float((await self._session.execute(query)).scalar_one())

    async def reporter_record(self, reporter_key: str, community_id: int) -> tuple[int, int]:
        query = (
            select(QueueItemRow.status, func.count(func.distinct(QueueItemRow.secret_id)))
            .join(ReportRow, ReportRow.secret_id == QueueItemRow.secret_id)
            .where(
                ReportRow.reporter_key == reporter_key,
                QueueItemRow.community_id == community_id,
                QueueItemRow.cause == QueueCause.REPORTS.value,
                QueueItemRow.decided_at.is_not(None),
                ReportRow.created_at <= QueueItemRow.decided_at,  # only reports that decision judged
            )
            .group_by(QueueItemRow.status)
        )
        counts = {str(status): int(count) for status, count in (await self._session.execute(query)).all()}
        upheld = counts.get(QueueStatus.REMOVED.value, 0) + counts.get(QueueStatus.BANNED.value, 0)
        return upheld, counts.get(QueueStatus.APPROVED.value, 0)

    async def count_secrets_since(self, author_key: str, community_id: int, since: datetime) -> int:
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

    async def count_replies_since(self, author_key: str, since: datetime) -> int:
        query = (
            select(func.count())
            .select_from(ReplyRow)
            .where(ReplyRow.author_key == author_key, ReplyRow.created_at >= since)
        )
        return int((await self._session.execute(query)).scalar_one())

    async def report_reasons(self, secret_id: int) -> Sequence[ReportReason]:
        query = select(ReportRow.reason).where(ReportRow.secret_id == secret_id).order_by(ReportRow.id)
        return [ReportReason(reason) for reason in (await self._session.execute(query)).scalars()]
