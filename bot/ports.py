"""The ports the core needs: storage (a unit of work), the platforms, time and randomness."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from bot.messages import ChatTarget, OutgoingMessage
from bot.model import (
    Ban,
    Community,
    CommunitySettings,
    Draft,
    DraftKind,
    DraftStatus,
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
from bot.moderation.verdict import FilterResult, Verdict
from bot.outbox import OutboxMessage


class Clock(Protocol):
    def now(self) -> datetime: ...


class TextChecker(Protocol):
    """The moderation filter every secret and reply passes before publication."""

    def check(self, text: str, lang: str | None = None) -> FilterResult: ...


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    message: OutboxMessage
    attempts: int
    not_before: datetime


@dataclass(frozen=True)
class DigestAddress:
    """Where a member's daily DM digest goes: the DM sealed like a return address, kept 7 days after their
    last activity."""

    platform: str
    sealed: bytes
    locale: str
    expires_at: datetime


class CommunityRepository(Protocol):
    async def add(
        self, platform: str, chat_ref: str, title: str, settings: CommunitySettings, at: datetime
    ) -> Community: ...
    async def get(self, community_id: int) -> Community | None: ...
    async def by_chat(self, platform: str, chat_ref: str) -> Community | None: ...
    async def active_on(self, platform: str, limit: int) -> Sequence[Community]: ...
    async def set_active(self, community_id: int, active: bool, title: str | None = None) -> None: ...
    async def update_settings(self, community_id: int, settings: CommunitySettings, at: datetime) -> None:
        """New settings; turning ``public`` on at ``at`` shares only the secrets published from then on."""
        ...

    async def set_moderation_chat(self, community_id: int, chat_ref: str | None) -> None: ...
    async def move(self, platform: str, old_chat_ref: str, new_chat_ref: str) -> None:
        """A chat changed its id (a Telegram group became a supergroup): follow it, as a community and as
        a moderators' chat."""
        ...

    async def next_number(self, community_id: int) -> int: ...
    async def public_since(self, platform: str | None = None) -> Sequence[tuple[int, datetime]]:
        """Public communities, each with the time it became public."""
        ...


class MemberRepository(Protocol):
    async def verified_since(self, author_key: str, since: datetime) -> Sequence[int]: ...
    async def mark_verified(self, author_key: str, community_id: int, at: datetime) -> None: ...
    async def forget_membership(self, author_key: str, community_id: int) -> None: ...
    async def joined_at(self, author_key: str, community_id: int) -> datetime | None:
        """When we saw this member join the community's chat (None: there before us, or never seen)."""
        ...

    async def record_join(self, author_key: str, community_id: int, at: datetime) -> None: ...
    async def add_strike(self, author_key: str, at: datetime) -> None: ...
    async def digest_address(self, author_key: str, now: datetime) -> DigestAddress | None: ...
    async def set_digest_address(self, author_key: str, address: DigestAddress | None) -> None:
        """Opt in to the daily DM digest (a sealed address), refresh it, or opt out (None)."""
        ...

    async def digest_readers(self, now: datetime) -> Sequence[tuple[str, DigestAddress]]: ...
    async def erase_expired_digest_addresses(self, now: datetime) -> int: ...
    async def claim_member_digest(self, author_key: str, period: str, at: datetime) -> bool: ...
    async def strikes_since(self, author_key: str, since: datetime) -> Sequence[datetime]: ...
    async def locale(self, author_key: str) -> str | None: ...
    async def set_locale(self, author_key: str, locale: str) -> None: ...
    async def pending_input(self, author_key: str) -> PendingInput | None: ...
    async def set_pending_input(self, pending: PendingInput | None, author_key: str) -> None: ...
    async def active_ban(self, author_key: str, community_id: int, now: datetime) -> Ban | None: ...
    async def add_ban(self, ban: Ban, at: datetime) -> None: ...


class DraftRepository(Protocol):
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
    ) -> Draft: ...
    async def get(self, draft_id: int) -> Draft | None: ...
    async def update(
        self, draft_id: int, *, community_id: int | None, content_warning: bool, collection: str | None = None
    ) -> None: ...
    async def transition(self, draft_id: int, old: DraftStatus, new: DraftStatus) -> bool:
        """Move a draft from ``old`` to ``new`` atomically; False when it was no longer ``old``."""
        ...


class SecretRepository(Protocol):
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
    ) -> Secret: ...
    async def add_points(self, secret_id: int, delta: float) -> None: ...
    async def top_since(self, community_id: int, since: datetime, limit: int) -> Sequence[Secret]:
        """Visible secrets of a community since a time, most points first."""
        ...

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
        """Visible secrets of the given communities, plus those carrying one of ``collections`` in the
        ``public`` communities published since they became public; newest first, or most points first."""
        ...

    async def subscriptions(self, author_key: str) -> Sequence[str]: ...
    async def set_subscription(self, author_key: str, collection: str, on: bool) -> None: ...
    async def claim_digest(self, community_id: int, period: str, at: datetime) -> bool:
        """True for the one caller that claims this community's digest for this period."""
        ...

    async def get(self, secret_id: int) -> Secret | None: ...
    async def set_status(self, secret_id: int, status: SecretStatus) -> None: ...
    async def set_card_ref(self, secret_id: int, card_ref: str, at: datetime) -> None:
        """The card is out: its reference, and when it went out (feeds are ordered by that)."""
        ...

    async def set_number(self, secret_id: int, number: int) -> None: ...
    async def claim_sending(self, secret_id: int, now: datetime, until: datetime | None) -> bool:
        """Take (``until``) or give back (None) the right to send a card that has none yet; False when
        another dispatcher holds it."""
        ...

    async def by_author(self, author_key: str, limit: int) -> Sequence[Secret]: ...
    async def recent_texts_by_author(self, author_key: str, since: datetime) -> Sequence[str]: ...
    async def return_address(self, secret_id: int, now: datetime) -> bytes | None:
        """The sealed return address, unless erased or expired."""
        ...

    async def erase_return_address(self, secret_id: int) -> None: ...
    async def erase_expired_return_addresses(self, now: datetime) -> int: ...
    async def toggle_reaction(self, secret_id: int, reactor_key: str, reaction: Reaction) -> bool:
        """True when the reaction is now on, False when it was removed."""
        ...

    async def reaction_counts(self, secret_id: int) -> ReactionCounts: ...
    async def add_reply(
        self, secret_id: int, author_key: str, text: str, pseudonym: str, by_author: bool, at: datetime
    ) -> ReplyPost: ...
    async def get_reply(self, reply_id: int) -> ReplyPost | None: ...
    async def set_reply_ref(self, reply_id: int, message_ref: str) -> None: ...
    async def reply_count(self, secret_id: int) -> int: ...
    async def pseudonym_of(self, secret_id: int, author_key: str) -> str | None: ...
    async def claim_pseudonym(self, secret_id: int, author_key: str, pseudonym: str) -> bool:
        """Give ``pseudonym`` to this member in this thread; False when someone there has it already."""
        ...

    async def report_weight(self, secret_id: int, since: datetime | None = None) -> float:
        """The sum of the weights of the distinct reports on a secret (made after ``since``)."""
        ...

    async def reporter_record(self, reporter_key: str, community_id: int) -> tuple[int, int]:
        """(upheld, rejected): this reporter's past reports that moderators removed or approved."""
        ...

    async def count_secrets_since(self, author_key: str, community_id: int, since: datetime) -> int: ...
    async def count_replies_since(self, author_key: str, since: datetime) -> int: ...
    async def add_report(
        self, secret_id: int, reporter_key: str, reason: ReportReason, weight: float, at: datetime
    ) -> bool:
        """False when this reporter had already reported this secret."""
        ...

    async def report_reasons(self, secret_id: int) -> Sequence[ReportReason]: ...


class ModerationRepository(Protocol):
    async def add_item(
        self, community_id: int, secret_id: int, cause: QueueCause, detail: str, at: datetime
    ) -> QueueItem: ...
    async def get_item(self, item_id: int) -> QueueItem | None: ...
    async def open_item_for(self, secret_id: int) -> QueueItem | None: ...
    async def last_decision_at(self, secret_id: int) -> datetime | None: ...
    async def decide(self, item_id: int, status: QueueStatus, at: datetime) -> bool:
        """Close an open item; False when it was already decided."""
        ...

    async def set_item_ref(self, item_id: int, message_ref: str) -> None: ...
    async def audit(
        self,
        community_id: int,
        moderator_key: str,
        action: str,
        secret_id: int | None,
        detail: str,
        at: datetime,
    ) -> None: ...
    async def audit_log(
        self, community_id: int, limit: int
    ) -> Sequence[tuple[datetime, str, int | None, str]]: ...


class OutboxRepository(Protocol):
    async def add(self, message: OutboxMessage, not_before: datetime) -> None:
        """Queue a message; with a dedupe key, nothing is added while one with that key is pending."""
        ...

    async def claim_due(self, now: datetime, limit: int, lease_until: datetime) -> Sequence[OutboxEntry]: ...
    async def done(self, entry_id: int) -> None: ...
    async def retry(self, entry_id: int, not_before: datetime, error: str) -> None: ...
    async def postpone(self, entry_id: int, not_before: datetime) -> None:
        """Not deliverable yet (no failure): try again later without counting an attempt."""
        ...

    async def fail(self, entry_id: int, error: str) -> None: ...
    async def pending_count(self) -> int: ...
    async def renew(self, entry_ids: Sequence[int], lease_until: datetime) -> None:
        """Extend the claim on entries this dispatcher still holds (queued behind a busy chat)."""
        ...

    async def next_due(self) -> datetime | None:
        """When the earliest pending entry that no one holds becomes claimable, if any."""
        ...


class UnitOfWork(Protocol):
    communities: CommunityRepository
    members: MemberRepository
    drafts: DraftRepository
    secrets: SecretRepository
    moderation: ModerationRepository
    outbox: OutboxRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def commit(self) -> None: ...


class Database(Protocol):
    def unit_of_work(self) -> UnitOfWork: ...
    def on_outbox_written(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after each commit that added to the outbox (in this process)."""
        ...


class Directory(Protocol):
    """What a platform says about its people. Raw ids pass through, never stored."""

    async def is_member(self, chat_ref: str, user_id: str) -> bool: ...
    async def is_admin(self, chat_ref: str, user_id: str) -> bool: ...
    async def member_count(self, chat_ref: str) -> int: ...
    async def joined_at(self, chat_ref: str, user_id: str) -> datetime | None:
        """When the platform says this member joined, if it says (else the core uses its own first sight)."""
        ...


class DeliveryError(Exception):
    """A platform refused a message. ``permanent``: don't retry; ``chat_gone``: the bot can't write there."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        chat_gone: bool = False,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent or chat_gone
        self.retry_after = retry_after
        self.chat_gone = chat_gone


class Messenger(Protocol):
    async def send(self, target: ChatTarget, message: OutgoingMessage) -> str:
        """Send a message; returns the platform's reference to it."""
        ...

    async def edit(self, target: ChatTarget, message_ref: str, message: OutgoingMessage) -> None: ...
