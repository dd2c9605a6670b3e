"""The schema. People are known only by keys of one scope each (a secret, a thread, a community, a
community and period, or a person for preferences tied to no content: see bot/anonymity.py) and by
authorship tags recomputed from a salt; chat refs are groups, channels or sealed DMs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.records import MEMBER_DIGEST_TIME, MEMBER_DIGEST_ZONE
from storage.types import UtcDateTime

KEY = String(64)

# Removed rows whose text the sweep has yet to erase: a partial index holds only those, so the hourly sweep
# reads what it erases and never the removed rows already emptied (which grow with the table). The queries
# that use it repeat this condition with the same literals (storage/repositories/secrets.py, replies.py):
# SQLite uses a partial index only for a WHERE clause that contains its terms as written. The schema is made
# by the migrations only (1017 gives PostgreSQL's indexes the same condition): ``postgresql_where`` written
# here would load SQLAlchemy's PostgreSQL dialect in every process, the console's on SQLite included, and
# Alembic's drift check doesn't compare index conditions.
REMOVED_WITH_TEXT = "status = 'removed' AND text <> ''"


class Base(DeclarativeBase):
    pass


class CommunityRow(Base):
    __tablename__ = "communities"
    __table_args__ = (UniqueConstraint("platform", "chat_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    chat_ref: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The settings its admins chose; NULL: the configuration's default, read at each start (bot.model)
    locale: Mapped[str | None] = mapped_column(String(8))
    mode: Mapped[str | None] = mapped_column(String(16))
    report_threshold: Mapped[int | None] = mapped_column(Integer)
    min_members: Mapped[int | None] = mapped_column(Integer)
    publication_delay_seconds: Mapped[int | None] = mapped_column(Integer)
    hold_new_authors: Mapped[bool | None] = mapped_column(Boolean)
    max_secrets_per_day: Mapped[int | None] = mapped_column(Integer)
    max_replies_per_hour: Mapped[int | None] = mapped_column(Integer)
    digest_time: Mapped[str | None] = mapped_column(String(5))
    timezone: Mapped[str | None] = mapped_column(String(64))
    public: Mapped[bool | None] = mapped_column(Boolean)  # pinned at registration (bot.model.PINNED_SETTINGS)
    public_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    collections: Mapped[str | None] = mapped_column(String(400))  # comma-separated; "" for none
    pictures: Mapped[str | None] = mapped_column(String(8))  # off, review or open
    moderation_chat_ref: Mapped[str | None] = mapped_column(String(64))
    secret_count: Mapped[int] = mapped_column(Integer, default=0)
    topic_ref: Mapped[str | None] = mapped_column(String(64))
    discussion_ref: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CommunityWordRow(Base):
    """A community's own word list (block or review), applied on top of the shipped filter."""

    __tablename__ = "community_words"

    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    term: Mapped[str] = mapped_column(String(100), primary_key=True)
    verdict: Mapped[str] = mapped_column(String(8))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MembershipRow(Base):
    __tablename__ = "memberships"

    member_key: Mapped[str] = mapped_column(KEY, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    verified_at: Mapped[datetime] = mapped_column(UtcDateTime)
    joined_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # seen joining after the bot came


class MemberPreferenceRow(Base):
    __tablename__ = "member_preferences"

    preference_key: Mapped[str] = mapped_column(KEY, primary_key=True)
    locale: Mapped[str | None] = mapped_column(String(8))


class PendingInputRow(Base):
    __tablename__ = "pending_inputs"

    pending_key: Mapped[str] = mapped_column(KEY, primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)  # what the next DM answers, sealed
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class BanRow(Base):
    __tablename__ = "bans"
    __table_args__ = (Index("ix_bans_member_community", "member_key", "community_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    member_key: Mapped[str] = mapped_column(KEY)
    until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    secret_id: Mapped[int | None] = mapped_column(ForeignKey("secrets.id"))  # what it was given for
    lifted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # unbanned by a moderator


class DraftRow(Base):
    __tablename__ = "drafts"
    __table_args__ = (
        Index("ix_drafts_created_at", "created_at"),  # the sweep: stale drafts by age
        # a Post press names its draft by id: a press handled again after a restart must never find another
        # draft under it (SQLite gives a removed newest row's id to the next row, unless AUTOINCREMENT)
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_salt: Mapped[bytes] = mapped_column(LargeBinary(16))
    owner_tag: Mapped[str] = mapped_column(KEY)
    kind: Mapped[str] = mapped_column(String(16))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    secret_id: Mapped[int | None] = mapped_column(ForeignKey("secrets.id"))
    text: Mapped[str] = mapped_column(Text)
    content_warning: Mapped[bool] = mapped_column(Boolean, default=False)
    verdict: Mapped[str] = mapped_column(String(8))
    reason_categories: Mapped[str] = mapped_column(String(200))
    collection: Mapped[str | None] = mapped_column(String(32))
    notify_replies: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DiscussionCopyRow(Base):
    """A message of a community's chat as copied into its discussion chat (Telegram's automatic forward of a
    channel post): replies to a card go under its copy. Message ids only."""

    __tablename__ = "discussion_copies"

    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    message_ref: Mapped[str] = mapped_column(String(64), primary_key=True)
    copy_ref: Mapped[str] = mapped_column(String(64))


class AdminNoticeRow(Base):
    """A notice to a community's admins claimed for its period (a right missing, a moderators' chat read by
    people who aren't admins): the first process to insert it sends it; the others, and restarts, don't."""

    __tablename__ = "admin_notices"

    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SecretRow(Base):
    __tablename__ = "secrets"
    __table_args__ = (
        UniqueConstraint("community_id", "number"),
        UniqueConstraint("token", name="uq_secrets_token"),
        Index("ix_secrets_feed", "community_id", "status", "created_at", "id"),
        Index("ix_secrets_top", "community_id", "status", "created_at", "points", "id"),
        Index("ix_secrets_collection", "collection", "status", "created_at"),
        # /latest: each community's newest cards, read in order (storage/repositories/feeds.py); a followed
        # topic's condition (collection, written since) read from the index too, not from the table's rows
        Index(
            "ix_secrets_latest", "community_id", "status", "published_at", "id", "collection", "created_at"
        ),
        # the sweep: removed secrets still holding a text, by age
        Index("ix_secrets_removed_text", "created_at", sqlite_where=text(REMOVED_WITH_TEXT)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    number: Mapped[int] = mapped_column(Integer)
    author_salt: Mapped[bytes] = mapped_column(LargeBinary(16))
    author_tag: Mapped[str] = mapped_column(KEY)
    text: Mapped[str] = mapped_column(Text)
    content_warning: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    card_ref: Mapped[str | None] = mapped_column(String(64))
    author_locale: Mapped[str] = mapped_column(String(8))
    token: Mapped[str] = mapped_column(String(32))  # buttons and links carry this, not the id
    collection: Mapped[str | None] = mapped_column(String(32))
    points: Mapped[float] = mapped_column(Float, default=0.0)
    sending_until: Mapped[datetime | None] = mapped_column(UtcDateTime)  # a dispatcher is sending its card
    sending_by: Mapped[str | None] = mapped_column(String(32))  # the process instance sending it
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # when the card went out
    picture: Mapped[bool] = mapped_column(Boolean, default=False)  # posted with a photo (erased or not)
    # its text normalised as the duplicate check compares it (bot/moderation/duplicates.py), written with it
    # and erased with it; NULL for a secret written before it was kept
    normalised: Mapped[str | None] = mapped_column(Text)


class ReplyNoticeRow(Base):
    """An author's wish to hear about replies to one secret: their DM sealed for these notices only (under a
    random token, which the Stop button carries), until it expires; the replies not yet told (a notice takes
    them, committed, before it is sent)."""

    __tablename__ = "reply_notices"
    __table_args__ = (UniqueConstraint("token", name="uq_reply_notices_token"),)

    secret_id: Mapped[int] = mapped_column(ForeignKey("secrets.id"), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    pending: Mapped[int] = mapped_column(Integer, default=0)
    # the notices claimed so far: the next one's number (what it is, for a platform's idempotency)
    batch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class PictureRow(Base):
    """A photo, re-encoded (bot/pictures.py): held by its draft, then by its secret; named by a random token,
    never by anything of its author. Its bytes in the row, or in a file of the pictures folder named by
    another random token. Deleted with its draft or its secret (and its file once that is committed)."""

    __tablename__ = "pictures"
    __table_args__ = (UniqueConstraint("token", name="uq_pictures_token"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id"), index=True)
    secret_id: Mapped[int | None] = mapped_column(ForeignKey("secrets.id"), index=True)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)  # NULL: in the pictures folder, as ``file``
    file: Mapped[str | None] = mapped_column(String(40))  # a random token (storage/picture_folder.py)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ReturnAddressRow(Base):
    """A secret's sealed return address, in a row of its own: erasing it deletes the row (on PostgreSQL an
    UPDATE to null would write a new row version and leave the sealed value in the old one)."""

    __tablename__ = "return_addresses"

    secret_id: Mapped[int] = mapped_column(ForeignKey("secrets.id"), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class SecretBanKeyRow(Base):
    """The author's community key, sealed, for a moderator's ban, in a row of its own: erased after a bounded
    window by deleting the row (an UPDATE to null would leave it in the old row version on PostgreSQL)."""

    __tablename__ = "secret_ban_keys"

    secret_id: Mapped[int] = mapped_column(ForeignKey("secrets.id", ondelete="CASCADE"), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class ReplyBanKeyRow(Base):
    """A replier's community key, sealed, as for secrets (``SecretBanKeyRow``)."""

    __tablename__ = "reply_ban_keys"

    reply_id: Mapped[int] = mapped_column(ForeignKey("replies.id", ondelete="CASCADE"), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class ReporterSealRow(Base):
    """A reporter's community key, sealed until the moderators judge (their record learns from it), in a row
    of its own: erased by deleting the row."""

    __tablename__ = "reporter_seals"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class PeriodCounterRow(Base):
    """Posts, replies or blocked attempts of one member in one community during one period (posting limits,
    escalating cooldowns); gone with the period."""

    __tablename__ = "period_counters"

    counter_key: Mapped[str] = mapped_column(KEY, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    last_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class ReporterRecordRow(Base):
    """A reporter's judged reports in one community (their weight), by community key."""

    __tablename__ = "reporter_records"

    member_key: Mapped[str] = mapped_column(KEY, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    upheld: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)


class OwnListRow(Base):
    """One person's latest secrets, sealed under a key derived from them and padded (see bot/own_list.py);
    ``version`` is random, for compare-and-swap."""

    __tablename__ = "own_lists"

    locator: Mapped[str] = mapped_column(KEY, primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    version: Mapped[str] = mapped_column(String(32))


class ReplyRow(Base):
    __tablename__ = "replies"
    __table_args__ = (
        Index("ix_replies_secret", "secret_id", "id"),
        # the sweep: removed replies still holding a text, by age
        Index("ix_replies_removed_text", "created_at", sqlite_where=text(REMOVED_WITH_TEXT)),
        UniqueConstraint("token", name="uq_replies_token"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    secret_id: Mapped[int] = mapped_column(ForeignKey("secrets.id"))
    thread_key: Mapped[str] = mapped_column(KEY)
    text: Mapped[str] = mapped_column(Text)
    pseudonym: Mapped[str] = mapped_column(String(40))
    by_author: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    message_ref: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), server_default="published")
    token: Mapped[str] = mapped_column(String(32))  # buttons and links carry this, not the id


class ReactionRow(Base):
    __tablename__ = "reactions"

    secret_id: Mapped[int] = mapped_column(ForeignKey("secrets.id"), primary_key=True)
    reactor_key: Mapped[str] = mapped_column(KEY, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)


class ReportRow(Base):
    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("secret_id", "reporter_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    secret_id: Mapped[int] = mapped_column(ForeignKey("secrets.id"))
    reporter_key: Mapped[str] = mapped_column(KEY)
    reason: Mapped[str] = mapped_column(String(32))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ReplyReportRow(Base):
    __tablename__ = "reply_reports"
    __table_args__ = (UniqueConstraint("reply_id", "reporter_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("replies.id"))
    reporter_key: Mapped[str] = mapped_column(KEY)
    reason: Mapped[str] = mapped_column(String(32))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class QueueItemRow(Base):
    __tablename__ = "queue_items"
    __table_args__ = (
        Index("ix_queue_items_secret", "secret_id", "status"),
        UniqueConstraint("token", name="uq_queue_items_token"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    secret_id: Mapped[int] = mapped_column(ForeignKey("secrets.id"))
    cause: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    message_ref: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("replies.id"))  # an item about a reply
    token: Mapped[str] = mapped_column(String(32))  # buttons carry this, not the id


class AuditRow(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_community", "community_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    moderator_key: Mapped[str] = mapped_column(KEY)
    action: Mapped[str] = mapped_column(String(32))
    secret_id: Mapped[int | None] = mapped_column(ForeignKey("secrets.id"))
    detail: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "not_before"),
        Index("ix_outbox_dedupe", "dedupe_key", "status"),
        # a held message is called off by id, maybe after its delivery removed it: that id must never name
        # the next message (SQLite gives a removed newest row's id to the next row, unless AUTOINCREMENT)
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UtcDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    dedupe_key: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(32))  # the process instance holding the claim
    # the messenger that delivers it (its community's platform): only a process running it claims it; None
    # (queued before the column, or its record already gone) is claimed by any
    platform: Mapped[str | None] = mapped_column(String(16))


class SubscriptionRow(Base):
    __tablename__ = "subscriptions"

    preference_key: Mapped[str] = mapped_column(KEY, primary_key=True)
    collection: Mapped[str] = mapped_column(String(32), primary_key=True)


class DigestRunRow(Base):
    """The claim of one community's digest for one period: its primary key makes it happen once."""

    __tablename__ = "digest_runs"

    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DigestReaderRow(Base):
    """A member's opt-in to the daily DM digest of their collections, with their sealed DM."""

    __tablename__ = "digest_readers"

    preference_key: Mapped[str] = mapped_column(KEY, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    locale: Mapped[str] = mapped_column(String(8))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    # when the member chose to get it: a local time "HH:MM" and an IANA time zone
    local_time: Mapped[str] = mapped_column(String(5), server_default=MEMBER_DIGEST_TIME)
    timezone: Mapped[str] = mapped_column(String(64), server_default=MEMBER_DIGEST_ZONE)


class MemberDigestRunRow(Base):
    """The claim of one member's DM digest for one local date; erased after ``digests.CLAIMS_KEPT``."""

    __tablename__ = "member_digest_runs"

    preference_key: Mapped[str] = mapped_column(KEY, primary_key=True)
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class ThreadNameRow(Base):
    """The pseudonyms given out in a thread: one per member, never the same for two members."""

    __tablename__ = "thread_names"
    __table_args__ = (UniqueConstraint("secret_id", "pseudonym"),)

    secret_id: Mapped[int] = mapped_column(ForeignKey("secrets.id"), primary_key=True)
    thread_key: Mapped[str] = mapped_column(KEY, primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(40))


class CommunityStatRow(Base):
    """How many of a kind (posted, blocked, ...) a community had on one local day, for /stats: counts only."""

    __tablename__ = "community_stats"

    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # ISO local date
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class InstanceRow(Base):
    """A running dispatcher, by a random id drawn at its start, and when it last said it was alive: the
    claims it holds are free once it stops beating (killed), not only when their lease ends."""

    __tablename__ = "instances"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LeaseRow(Base):
    """Something one process at a time may do (poll a Telegram bot's updates), held by a random holder id
    until ``expires_at`` and renewed while it runs. The name carries no token, only a keyed hash of it."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    holder: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SeenEventRow(Base):
    """An event a platform may deliver twice (a Telegram update, retried by its webhook) claimed by the
    process that handles it (``holder``, its claim renewed as ``seen_at``), then marked handled (no holder),
    and kept so for a short while."""

    __tablename__ = "seen_events"

    source: Mapped[str] = mapped_column(String(80), primary_key=True)
    event_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    holder: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)


class SendSlotRow(Base):
    """A message counted against a platform's limit (``key``: a bot's overall window, one chat's), over every
    process: from ``at``, the moment its answer came (or a while ahead, while it is in flight)."""

    __tablename__ = "send_slots"
    __table_args__ = (Index("ix_send_slots_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    slot: Mapped[int] = mapped_column(BigInteger, index=True)
    key: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
