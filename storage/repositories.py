"""The core's repository ports over one SQLAlchemy async session."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.model import (
    Ban,
    Community,
    CommunitySettings,
    Draft,
    DraftKind,
    DraftStatus,
    ModerationMode,
    PendingInput,
    QueueCause,
    QueueItem,
    QueueStatus,
    Reaction,
    ReactionCounts,
    ReplyPost,
    ReportReason,
    Secret,
    SecretStatus,
)
from bot.moderation.verdict import Verdict
from bot.ports import DigestAddress, OutboxEntry
from storage.tables import (
    AuditRow,
    BanRow,
    CommunityRow,
    DigestReaderRow,
    DigestRunRow,
    DraftRow,
    MemberDigestRunRow,
    MemberPreferenceRow,
    MembershipRow,
    OutboxRow,
    PendingInputRow,
    QueueItemRow,
    ReactionRow,
    ReplyRow,
    ReportRow,
    SecretRow,
    StrikeRow,
    SubscriptionRow,
)


def _community(row: CommunityRow) -> Community:
    settings = CommunitySettings(
        locale=row.locale,
        mode=ModerationMode(row.mode),
        report_threshold=row.report_threshold,
        min_members=row.min_members,
        publication_delay_seconds=row.publication_delay_seconds,
        hold_new_authors=row.hold_new_authors,
        max_secrets_per_day=row.max_secrets_per_day,
        max_replies_per_hour=row.max_replies_per_hour,
        digest_time=row.digest_time,
        timezone=row.timezone,
        public=row.public,
        collections=tuple(part for part in row.collections.split(",") if part),
    )
    return Community(
        row.id,
        row.platform,
        row.chat_ref,
        row.title,
        row.active,
        settings,
        row.moderation_chat_ref,
        row.secret_count,
    )


def _secret(row: SecretRow) -> Secret:
    return Secret(
        row.id,
        row.community_id,
        row.number,
        row.author_key,
        row.text,
        row.content_warning,
        SecretStatus(row.status),
        row.created_at,
        row.card_ref,
        row.author_locale,
        row.collection,
        row.points,
    )


def _reply(row: ReplyRow) -> ReplyPost:
    return ReplyPost(
        row.id,
        row.secret_id,
        row.author_key,
        row.text,
        row.pseudonym,
        row.by_author,
        row.created_at,
        row.message_ref,
    )


def _draft(row: DraftRow) -> Draft:
    categories = tuple(part for part in row.reason_categories.split(",") if part)
    return Draft(
        row.id,
        row.author_key,
        DraftKind(row.kind),
        row.community_id,
        row.secret_id,
        row.text,
        row.content_warning,
        Verdict(row.verdict),
        categories,
        DraftStatus(row.status),
        row.created_at,
        row.collection,
    )


def _item(row: QueueItemRow) -> QueueItem:
    return QueueItem(
        row.id,
        row.community_id,
        row.secret_id,
        QueueCause(row.cause),
        row.detail,
        QueueStatus(row.status),
        row.message_ref,
        row.created_at,
    )


# Feeds and digests show only secrets whose card is out: one still waiting for its random publication
# delay must not show up anywhere, or the delay would give nothing.
PUBLISHED = SecretStatus.PUBLISHED.value


def _insert_for(session: AsyncSession) -> Any:
    """The dialect's INSERT, which has ON CONFLICT on both SQLite and PostgreSQL."""
    return postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


class _Repository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session


class SqlCommunities(_Repository):
    async def add(
        self, platform: str, chat_ref: str, title: str, settings: CommunitySettings, at: datetime
    ) -> Community:
        row = CommunityRow(
            platform=platform,
            chat_ref=chat_ref,
            title=title,
            active=True,
            locale=settings.locale,
            mode=settings.mode.value,
            report_threshold=settings.report_threshold,
            min_members=settings.min_members,
            publication_delay_seconds=settings.publication_delay_seconds,
            hold_new_authors=settings.hold_new_authors,
            max_secrets_per_day=settings.max_secrets_per_day,
            max_replies_per_hour=settings.max_replies_per_hour,
            digest_time=settings.digest_time,
            timezone=settings.timezone,
            public=settings.public,
            collections=",".join(settings.collections),
            moderation_chat_ref=None,
            secret_count=0,
            created_at=at,
        )
        self._session.add(row)
        await self._session.flush()
        await self._session.refresh(row)
        return _community(row)

    async def get(self, community_id: int) -> Community | None:
        row = await self._session.get(CommunityRow, community_id, populate_existing=True)
        return _community(row) if row else None

    async def by_chat(self, platform: str, chat_ref: str) -> Community | None:
        query = select(CommunityRow).where(
            CommunityRow.platform == platform, CommunityRow.chat_ref == chat_ref
        )
        row = (await self._session.execute(query)).scalar_one_or_none()
        return _community(row) if row else None

    async def active_on(self, platform: str, limit: int) -> Sequence[Community]:
        query = (
            select(CommunityRow)
            .where(CommunityRow.platform == platform, CommunityRow.active.is_(True))
            .order_by(CommunityRow.id)
            .limit(limit)
        )
        return [_community(row) for row in (await self._session.execute(query)).scalars()]

    async def set_active(self, community_id: int, active: bool, title: str | None = None) -> None:
        values: dict[str, Any] = {"active": active}
        if title is not None:
            values["title"] = title
        await self._session.execute(
            update(CommunityRow).where(CommunityRow.id == community_id).values(**values)
        )

    async def update_settings(self, community_id: int, settings: CommunitySettings) -> None:
        await self._session.execute(
            update(CommunityRow)
            .where(CommunityRow.id == community_id)
            .values(
                locale=settings.locale,
                mode=settings.mode.value,
                report_threshold=settings.report_threshold,
                min_members=settings.min_members,
                publication_delay_seconds=settings.publication_delay_seconds,
                hold_new_authors=settings.hold_new_authors,
                max_secrets_per_day=settings.max_secrets_per_day,
                max_replies_per_hour=settings.max_replies_per_hour,
                digest_time=settings.digest_time,
                timezone=settings.timezone,
                public=settings.public,
                collections=",".join(settings.collections),
            )
        )

    async def set_moderation_chat(self, community_id: int, chat_ref: str | None) -> None:
        await self._session.execute(
            update(CommunityRow).where(CommunityRow.id == community_id).values(moderation_chat_ref=chat_ref)
        )

    async def public_ids(self, platform: str | None = None) -> Sequence[int]:
        query = select(CommunityRow.id).where(CommunityRow.public.is_(True), CommunityRow.active.is_(True))
        if platform is not None:
            query = query.where(CommunityRow.platform == platform)
        return list((await self._session.execute(query)).scalars())

    async def next_number(self, community_id: int) -> int:
        # One atomic UPDATE ... RETURNING: two processes never get the same number.
        statement = (
            update(CommunityRow)
            .where(CommunityRow.id == community_id)
            .values(secret_count=CommunityRow.secret_count + 1)
            .returning(CommunityRow.secret_count)
        )
        return int((await self._session.execute(statement)).scalar_one())


class SqlMembers(_Repository):
    async def verified_since(self, author_key: str, since: datetime) -> Sequence[int]:
        query = select(MembershipRow.community_id).where(
            MembershipRow.author_key == author_key, MembershipRow.verified_at >= since
        )
        return list((await self._session.execute(query)).scalars())

    async def mark_verified(self, author_key: str, community_id: int, at: datetime) -> None:
        # An upsert: two processes verifying the same member at once both succeed.
        insert = _insert_for(self._session)
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
            _insert_for(self._session)(MemberDigestRunRow)
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


class SqlDrafts(_Repository):
    async def add(
        self,
        author_key: str,
        kind: DraftKind,
        community_id: int | None,
        secret_id: int | None,
        text: str,
        verdict: Verdict,
        reason_categories: tuple[str, ...],
        at: datetime,
    ) -> Draft:
        row = DraftRow(
            author_key=author_key,
            kind=kind.value,
            community_id=community_id,
            secret_id=secret_id,
            text=text,
            content_warning=False,
            verdict=verdict.value,
            reason_categories=",".join(reason_categories),
            status=DraftStatus.OPEN.value,
            created_at=at,
        )
        self._session.add(row)
        await self._session.flush()
        return _draft(row)

    async def get(self, draft_id: int) -> Draft | None:
        row = await self._session.get(DraftRow, draft_id, populate_existing=True)
        return _draft(row) if row else None

    async def update(
        self, draft_id: int, *, community_id: int | None, content_warning: bool, collection: str | None = None
    ) -> None:
        await self._session.execute(
            update(DraftRow)
            .where(DraftRow.id == draft_id)
            .values(community_id=community_id, content_warning=content_warning, collection=collection)
        )

    async def transition(self, draft_id: int, old: DraftStatus, new: DraftStatus) -> bool:
        result = await self._session.execute(
            update(DraftRow)
            .where(DraftRow.id == draft_id, DraftRow.status == old.value)
            .values(status=new.value)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]


class SqlSecrets(_Repository):
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
        return _secret(row)

    async def get(self, secret_id: int) -> Secret | None:
        row = await self._session.get(SecretRow, secret_id, populate_existing=True)
        return _secret(row) if row else None

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
        return [_secret(row) for row in (await self._session.execute(query)).scalars()]

    async def feed(
        self,
        community_ids: Sequence[int],
        collections: Sequence[str],
        public_ids: Sequence[int],
        since: datetime | None,
        by_points: bool,
        offset: int,
        limit: int,
    ) -> Sequence[Secret]:
        where = or_(
            SecretRow.community_id.in_(list(community_ids)),
            and_(SecretRow.collection.in_(list(collections)), SecretRow.community_id.in_(list(public_ids))),
        )
        query = select(SecretRow).where(where, SecretRow.status == PUBLISHED)
        if since is not None:
            query = query.where(SecretRow.created_at >= since)
        order = (SecretRow.points.desc(), SecretRow.id.desc()) if by_points else (SecretRow.id.desc(),)
        query = query.order_by(*order).offset(offset).limit(limit)
        return [_secret(row) for row in (await self._session.execute(query)).scalars()]

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
        insert = _insert_for(self._session)
        statement = (
            insert(DigestRunRow)
            .values(community_id=community_id, period=period, claimed_at=at)
            .on_conflict_do_nothing(index_elements=["community_id", "period"])
        )
        result = await self._session.execute(statement)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def set_card_ref(self, secret_id: int, card_ref: str) -> None:
        await self._session.execute(
            update(SecretRow).where(SecretRow.id == secret_id).values(card_ref=card_ref)
        )

    async def by_author(self, author_key: str, limit: int) -> Sequence[Secret]:
        query = (
            select(SecretRow)
            .where(SecretRow.author_key == author_key)
            .order_by(SecretRow.created_at.desc(), SecretRow.id.desc())
            .limit(limit)
        )
        return [_secret(row) for row in (await self._session.execute(query)).scalars()]

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
        return _reply(row)

    async def get_reply(self, reply_id: int) -> ReplyPost | None:
        row = await self._session.get(ReplyRow, reply_id, populate_existing=True)
        return _reply(row) if row else None

    async def set_reply_ref(self, reply_id: int, message_ref: str) -> None:
        await self._session.execute(
            update(ReplyRow).where(ReplyRow.id == reply_id).values(message_ref=message_ref)
        )

    async def thread_pseudonyms(self, secret_id: int) -> Sequence[tuple[str, str]]:
        query = (
            select(ReplyRow.author_key, ReplyRow.pseudonym).where(ReplyRow.secret_id == secret_id).distinct()
        )
        return [(key, pseudonym) for key, pseudonym in (await self._session.execute(query)).all()]

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


class SqlModeration(_Repository):
    async def add_item(
        self, community_id: int, secret_id: int, cause: QueueCause, detail: str, at: datetime
    ) -> QueueItem:
        row = QueueItemRow(
            community_id=community_id,
            secret_id=secret_id,
            cause=cause.value,
            detail=detail,
            status=QueueStatus.OPEN.value,
            message_ref=None,
            created_at=at,
            decided_at=None,
        )
        self._session.add(row)
        await self._session.flush()
        return _item(row)

    async def get_item(self, item_id: int) -> QueueItem | None:
        row = await self._session.get(QueueItemRow, item_id, populate_existing=True)
        return _item(row) if row else None

    async def open_item_for(self, secret_id: int) -> QueueItem | None:
        query = select(QueueItemRow).where(
            QueueItemRow.secret_id == secret_id, QueueItemRow.status == QueueStatus.OPEN.value
        )
        row = (await self._session.execute(query)).scalars().first()
        return _item(row) if row else None

    async def last_decision_at(self, secret_id: int) -> datetime | None:
        query = select(func.max(QueueItemRow.decided_at)).where(QueueItemRow.secret_id == secret_id)
        value = (await self._session.execute(query)).scalar_one_or_none()
        return value if isinstance(value, datetime) else None

    async def decide(self, item_id: int, status: QueueStatus, at: datetime) -> bool:
        result = await self._session.execute(
            update(QueueItemRow)
            .where(QueueItemRow.id == item_id, QueueItemRow.status == QueueStatus.OPEN.value)
            .values(status=status.value, decided_at=at)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def set_item_ref(self, item_id: int, message_ref: str) -> None:
        await self._session.execute(
            update(QueueItemRow).where(QueueItemRow.id == item_id).values(message_ref=message_ref)
        )

    async def audit(
        self,
        community_id: int,
        moderator_key: str,
        action: str,
        secret_id: int | None,
        detail: str,
        at: datetime,
    ) -> None:
        self._session.add(
            AuditRow(
                community_id=community_id,
                moderator_key=moderator_key,
                action=action,
                secret_id=secret_id,
                detail=detail,
                at=at,
            )
        )
        await self._session.flush()

    async def audit_log(
        self, community_id: int, limit: int
    ) -> Sequence[tuple[datetime, str, int | None, str]]:
        query = (
            select(AuditRow.at, AuditRow.action, AuditRow.secret_id, AuditRow.detail)
            .where(AuditRow.community_id == community_id)
            .order_by(AuditRow.at.desc(), AuditRow.id.desc())
            .limit(limit)
        )
        return [
            (at, action, secret_id, detail)
            for at, action, secret_id, detail in (await self._session.execute(query)).all()
        ]


PENDING = "pending"
FAILED = "failed"


class SqlOutbox(_Repository):
    async def add(
        self, kind: str, payload: dict[str, Any], not_before: datetime, dedupe_key: str | None
    ) -> None:
        if dedupe_key is not None:
            query = select(OutboxRow.id).where(
                OutboxRow.dedupe_key == dedupe_key,
                OutboxRow.status == PENDING,
                OutboxRow.claimed_until.is_(None),
            )
            if (await self._session.execute(query)).first() is not None:
                return
        self._session.add(
            OutboxRow(
                kind=kind,
                payload=payload,
                status=PENDING,
                attempts=0,
                not_before=not_before,
                claimed_until=None,
                dedupe_key=dedupe_key,
                created_at=not_before,
            )
        )
        await self._session.flush()

    async def claim_due(self, now: datetime, limit: int, lease_until: datetime) -> Sequence[OutboxEntry]:
        claimable = and_(
            OutboxRow.status == PENDING,
            OutboxRow.not_before <= now,
            or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until < now),
        )
        query = (
            select(OutboxRow.id).where(claimable).order_by(OutboxRow.not_before, OutboxRow.id).limit(limit)
        )
        claimed: list[OutboxEntry] = []
        for entry_id in list((await self._session.execute(query)).scalars()):
            # The guarded UPDATE is the claim: another process that got there first leaves rowcount 0.
            result = await self._session.execute(
                update(OutboxRow).where(OutboxRow.id == entry_id, claimable).values(claimed_until=lease_until)
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                row = await self._session.get(OutboxRow, entry_id, populate_existing=True)
                assert row is not None
                claimed.append(OutboxEntry(row.id, row.kind, dict(row.payload), row.attempts, row.not_before))
        return claimed

    async def done(self, entry_id: int) -> None:
        await self._session.execute(delete(OutboxRow).where(OutboxRow.id == entry_id))

    async def retry(self, entry_id: int, not_before: datetime, error: str) -> None:
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == entry_id)
            .values(
                not_before=not_before,
                claimed_until=None,
                attempts=OutboxRow.attempts + 1,
                last_error=error[:200],
            )
        )

    async def fail(self, entry_id: int, error: str) -> None:
        await self._session.execute(
            update(OutboxRow).where(OutboxRow.id == entry_id).values(status=FAILED, last_error=error[:200])
        )

    async def pending_count(self) -> int:
        query = select(func.count()).select_from(OutboxRow).where(OutboxRow.status == PENDING)
        return int((await self._session.execute(query)).scalar_one())
