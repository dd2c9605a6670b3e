"""The ports the core needs: storage (a unit of work), the platforms, time and randomness."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from bot.messages import ChatTarget, OutgoingMessage
from bot.moderation.verdict import FilterResult
from bot.moderation.words import WordList
from bot.outbox import OutboxMessage
from bot.reply_moderation_ports import ReplyModerationRepository
from bot.repositories import (
    CommunityRepository,
    DigestRepository,
    DraftRepository,
    FeedRepository,
    MemberRepository,
    ModerationRepository,
    NoticeRepository,
    OwnListRepository,
    PictureRepository,
    PreferenceRepository,
    ReactionRepository,
    ReplyRepository,
    ReportRepository,
    SecretRepository,
)
from bot.sanction_ports import SanctionRepository
from bot.stats import StatsRepository


class Clock(Protocol):
    def now(self) -> datetime: ...


class TextChecker(Protocol):
    """The moderation filter every secret and reply passes before publication. One built apart from the start
    may also offer ``ready() -> bool``: until it says True, texts are scored in a worker thread."""

    def check(self, text: str, lang: str | None = None, *, words: WordList | None = None) -> FilterResult:
        """The verdict on ``text``; ``words``: the community's own list, applied on top."""
        ...


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    message: OutboxMessage
    attempts: int
    not_before: datetime


class OutboxRepository(Protocol):
    async def add(self, message: OutboxMessage, not_before: datetime) -> None:
        """Queue a message; with a dedupe key, nothing is added while one with that key is pending."""
        ...

    async def add_all(self, messages: Sequence[tuple[OutboxMessage, datetime]]) -> None:
        """``add`` of each message (with its ``not_before``), in one statement where the database allows."""
        ...

    async def claim_due(
        self, now: datetime, limit: int, lease_until: datetime, platforms: Collection[str] | None = None
    ) -> Sequence[OutboxEntry]:
        """Claims due entries (of the messengers in ``platforms`` only, and of none known; all when None)."""
        ...

    async def call_off(self, dedupe_key: str) -> None:
        """Removes the pending entry with ``dedupe_key`` that no delivery holds, if any."""
        ...

    async def put_off(self, dedupe_key: str, not_before: datetime) -> None:
        """The pending entry with ``dedupe_key`` that no delivery holds, if any, due at ``not_before``."""
        ...

    async def hold(self, message: OutboxMessage, not_before: datetime) -> int:
        """Queue a message of its own, whatever its dedupe key (no other adds to it, none is folded into
        it), to be called off by its id (``call_off_entry``); its id. Its commit wakes no dispatcher: it is
        due later, and their polling finds it by then."""
        ...

    async def call_off_entry(self, entry_id: int) -> None:
        """Removes that entry if it is still pending and no delivery holds it."""
        ...

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

    async def next_due(self, platforms: Collection[str] | None = None) -> datetime | None:
        """When the earliest pending entry that no one holds becomes claimable, if any (of ``platforms``
        and of none known, as ``claim_due``)."""
        ...

    async def beat(self, now: datetime) -> None:
        """This process instance is alive at ``now``: the claims it holds stay its own (bot/leases.py)."""
        ...


class UnitOfWork(Protocol):
    communities: CommunityRepository
    members: MemberRepository
    preferences: PreferenceRepository
    own_lists: OwnListRepository
    digests: DigestRepository
    drafts: DraftRepository
    secrets: SecretRepository
    feeds: FeedRepository
    replies: ReplyRepository
    reactions: ReactionRepository
    reports: ReportRepository
    moderation: ModerationRepository
    outbox: OutboxRepository
    reply_moderation: ReplyModerationRepository
    sanctions: SanctionRepository
    stats: StatsRepository
    pictures: PictureRepository
    notices: NoticeRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def commit(self) -> None: ...
    def loss_tolerated(self) -> None:
        """What this unit writes breaks no promise to anyone if a crash of the database's host loses it after
        its commit (a reaction toggled, a preview's draft): its commit need not wait for the disk. Never for
        what someone is told was done (a secret accepted, a delivery recorded, a moderation decision, a ban,
        a deletion, a forget-me): those units' commits wait for the disk, as every unit's does by default."""
        ...


class Database(Protocol):
    def unit_of_work(self) -> UnitOfWork: ...
    def recording(self) -> UnitOfWork:
        """A unit of work on connections kept for recording what a platform just did (a card's reference
        once it is out): it never queues behind the other use cases for a connection."""
        ...

    def on_outbox_written(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after each commit that added to the outbox (in this process)."""
        ...

    async def checkpoint(self) -> None:
        """After a sweep: fold the write-ahead log into the database and empty it, so that what was erased
        leaves no copy in it."""
        ...

    async def warm(self) -> None:
        """Before the first send after a start: the connections that record what a platform just did opened,
        and their statements readied, so that a restart's first recordings don't connect or prepare inside
        the send-to-commit window."""
        ...


class Directory(Protocol):
    """What a platform says about its people. Raw ids pass through, never stored."""

    async def is_member(self, chat_ref: str, user_id: str) -> bool: ...
    async def is_admin(self, chat_ref: str, user_id: str) -> bool: ...
    async def reader_count(self, chat_ref: str) -> int | None:
        """How many people, bots not counted, can read the community now; ``None`` when the platform
        can't tell (a network error, or a readership it doesn't let the bot count)."""
        ...

    async def joined_at(self, chat_ref: str, user_id: str) -> datetime | None:
        """When the platform says this member joined, if it says (else the core uses its own first sight)."""
        ...

    async def only_admins_read(self, moderators_chat_ref: str, community_chat_ref: str) -> bool | None:
        """Whether everyone who can read the moderators' chat is an admin of the community: ``False`` when
        someone else can (the queue is then not posted there), ``None`` when the platform can't tell now."""
        ...

    async def admin_chats(self, chat_ref: str) -> list[str]:
        """Private chats where the community's admins may be written to (those the platform lets the bot
        reach), for a notice when no moderators' chat is linked; empty where the adapter tells them itself."""
        ...


class Contention(Exception):
    """The database refused a unit of work because another held what it needed (SQLite's write lock taken
    by another connection after this one read, a PostgreSQL deadlock or serialization failure). Nothing of
    it was kept: the whole unit of work may run again."""


class DeliveryError(Exception):
    """A platform refused a message. ``permanent``: don't retry; ``chat_gone``: the bot can't write there;
    ``missing_right``: the bot is still there but lacks one right (to send text, or photos; a permission
    taken away): not gone, its admins can give it back."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        chat_gone: bool = False,
        missing_right: bool = False,
    ) -> None:
        super().__init__(message)
        self.permanent = (permanent or chat_gone) and not missing_right
        self.retry_after = retry_after
        self.chat_gone = chat_gone and not missing_right
        self.missing_right = missing_right


class Messenger(Protocol):
    async def send(self, target: ChatTarget, message: OutgoingMessage) -> str:
        """Send a message; returns the platform's reference to it."""
        ...

    async def edit(self, target: ChatTarget, message_ref: str, message: OutgoingMessage) -> None: ...
