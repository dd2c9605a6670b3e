"""Outgoing work, one frozen value per kind of message, written in the transaction of the change causing it.

Adding a kind of message: a dataclass here (with its stable ``kind`` code, added to ``OutboxMessage``) and
its delivery function in ``bot/delivery/``. The storage edge serialises every one from its fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, ClassVar, get_args

if TYPE_CHECKING:
    from bot.ports import Clock, UnitOfWork


@dataclass(frozen=True)
class OfCommunity:
    community_id: int


@dataclass(frozen=True)
class OfSecret:
    secret_id: int


@dataclass(frozen=True)
class OfReply:
    reply_id: int


@dataclass(frozen=True)
class OfQueueItem:
    item_id: int


@dataclass(frozen=True)
class OfDigestReader:
    preference_key: str


@dataclass(frozen=True)
class OfPlatform:
    """A message about no record: its messenger is named as it is queued."""

    platform: str


# The record whose messenger delivers a message: its community's platform (through the secret, reply or queue
# item it is about), a DM digest's address, or the platform named. Storage writes that platform on the entry
# as it is queued, and a process claims only entries of the messengers it runs.
Carrier = OfCommunity | OfSecret | OfReply | OfQueueItem | OfDigestReader | OfPlatform


class _Message:
    def dedupe_key(self) -> str | None:
        """Messages with a key are not added while one with the same key waits unclaimed."""
        return None

    def carrier(self) -> Carrier:
        """The record that says which messenger delivers this message."""
        raise NotImplementedError


@dataclass(frozen=True)
class Welcome(_Message):
    """The bot's greeting in a community it was just added to."""

    kind: ClassVar[str] = "welcome"
    community_id: int

    def carrier(self) -> Carrier:
        return OfCommunity(self.community_id)


@dataclass(frozen=True)
class CardDue(_Message):
    """A secret's card to post in its community."""

    kind: ClassVar[str] = "card"
    secret_id: int

    def carrier(self) -> Carrier:
        return OfSecret(self.secret_id)

    def dedupe_key(self) -> str | None:
        return f"card:{self.secret_id}"


@dataclass(frozen=True)
class CardRefresh(_Message):
    """A posted card to edit to its current state. One pending per card: a burst of taps collapses into one
    edit showing the final counts."""

    kind: ClassVar[str] = "refresh"
    secret_id: int

    def carrier(self) -> Carrier:
        return OfSecret(self.secret_id)

    def dedupe_key(self) -> str | None:
        return f"refresh:{self.secret_id}"


@dataclass(frozen=True)
class ReplyDue(_Message):
    """An anonymous reply to post under its secret's card."""

    kind: ClassVar[str] = "reply"
    reply_id: int

    def carrier(self) -> Carrier:
        return OfReply(self.reply_id)


@dataclass(frozen=True)
class ReplyRefresh(_Message):
    """A posted reply to edit to its current state (removed, deleted, hidden with its secret, back)."""

    kind: ClassVar[str] = "reply_refresh"
    reply_id: int

    def carrier(self) -> Carrier:
        return OfReply(self.reply_id)

    def dedupe_key(self) -> str | None:
        return f"reply_refresh:{self.reply_id}"


@dataclass(frozen=True)
class QueueItemDue(_Message):
    """A moderation queue item to post in the moderators' chat."""

    kind: ClassVar[str] = "queue"
    item_id: int

    def carrier(self) -> Carrier:
        return OfQueueItem(self.item_id)

    def dedupe_key(self) -> str | None:
        return f"queue:{self.item_id}"


@dataclass(frozen=True)
class QueueItemRefresh(_Message):
    """A queue item already in the moderators' chat, edited to what it says now (one more report)."""

    kind: ClassVar[str] = "queue_refresh"
    item_id: int

    def carrier(self) -> Carrier:
        return OfQueueItem(self.item_id)

    def dedupe_key(self) -> str | None:
        return f"queue_refresh:{self.item_id}"


@dataclass(frozen=True)
class CommunityDigest(_Message):
    """The daily digest of a community, posted in its chat."""

    kind: ClassVar[str] = "digest"
    community_id: int
    secret_ids: tuple[int, ...]

    def carrier(self) -> Carrier:
        return OfCommunity(self.community_id)


@dataclass(frozen=True)
class MemberDigest(_Message):
    """A member's daily DM digest of their collections, sent to their sealed digest address."""

    kind: ClassVar[str] = "dm_digest"
    author_key: str
    secret_ids: tuple[int, ...]

    def carrier(self) -> Carrier:
        return OfDigestReader(self.author_key)


@dataclass(frozen=True)
class AuthorNotice(_Message):
    """A message to a secret's author at its sealed return address (review outcome, removal reason).
    Parameters named ``*_key`` are catalog keys, translated in the author's language."""

    kind: ClassVar[str] = "notify"
    secret_id: int
    key: str
    params: Mapping[str, str] = field(default_factory=dict)

    def carrier(self) -> Carrier:
        return OfSecret(self.secret_id)


@dataclass(frozen=True)
class AcceptedNotice(_Message):
    """An author told that their secret was accepted (the text the press's answer shows), at its sealed return
    address, in case that answer never showed: the process stopped between the commit and the edit of the
    preview, or the platform refused the edit and the message in its place. Queued in the transaction that
    accepts the secret, due ``ACCEPTED_NOTICE_AFTER`` later, and called off (``dedupe_key``) as soon as the
    press's answer has shown."""

    kind: ClassVar[str] = "accepted"
    secret_id: int
    key: str
    params: Mapping[str, str] = field(default_factory=dict)

    def carrier(self) -> Carrier:
        return OfSecret(self.secret_id)

    def dedupe_key(self) -> str | None:
        return accepted_key(self.secret_id)


def accepted_key(secret_id: int) -> str:
    return f"accepted:{secret_id}"


@dataclass(frozen=True)
class ReplyNotice(_Message):
    """An author told, in DM, of the replies to their secret since the last notice. One waits at a time: the
    replies of its window are told together."""

    kind: ClassVar[str] = "reply_notice"
    secret_id: int

    def carrier(self) -> Carrier:
        return OfSecret(self.secret_id)

    def dedupe_key(self) -> str | None:
        return f"reply_notice:{self.secret_id}"


@dataclass(frozen=True)
class PendingAnswer(_Message):
    """A member's interaction that the platform shows as waiting ("thinking…", Discord's deferred answer)
    while the core works on it, answered in case its answer never goes out (the process stopped meanwhile):
    queued as the interaction is deferred, due ``PENDING_ANSWER_AFTER`` later, and called off (``dedupe_key``)
    as soon as the answer shows. ``tag``: random, drawn for this entry: it names the interaction here (for the
    call-off and as the seals' associated data) without the platform's id of it, which would date the member's
    submission to the millisecond in a stolen database. ``sealed``: where the platform still takes an answer
    (Discord: the interaction's follow-up, for 15 minutes), sealed (base64) for this entry; ``key``: what
    the member is told, a catalog key, in ``locale``; ``form``: what the member wrote in the form the
    interaction submitted, kept sealed for it (``bot/kept_forms.py``; "" when none): the member is answered
    with its preview instead."""

    kind: ClassVar[str] = "pending_answer"
    platform: str
    tag: str
    sealed: str
    key: str
    locale: str
    form: str = ""

    def carrier(self) -> Carrier:
        return OfPlatform(self.platform)

    def dedupe_key(self) -> str | None:
        return answer_key(self.platform, self.tag)


def answer_key(platform: str, tag: str) -> str:
    return f"answer:{platform}:{tag}"


def answer_context(platform: str, tag: str) -> str:
    """The associated data of a pending answer's sealed address: it opens for that entry only."""
    return f"{platform}:answer:{tag}"


OutboxMessage = (
    Welcome
    | CardDue
    | CardRefresh
    | ReplyDue
    | ReplyRefresh
    | QueueItemDue
    | QueueItemRefresh
    | CommunityDigest
    | MemberDigest
    | AuthorNotice
    | AcceptedNotice
    | ReplyNotice
    | PendingAnswer
)
MESSAGE_TYPES: Mapping[str, type[OutboxMessage]] = {kind.kind: kind for kind in get_args(OutboxMessage)}


class Outbox:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def add(self, message: OutboxMessage, delay: timedelta | None = None) -> None:
        """Queue ``message`` (after ``delay``); with a dedupe key, nothing is added while its twin waits."""
        await self._uow.outbox.add(message, self._clock.now() + (delay or timedelta(0)))

    async def add_all(self, messages: Sequence[tuple[OutboxMessage, timedelta | None]]) -> None:
        """``add`` of each message (after its delay), together (one statement on PostgreSQL)."""
        now = self._clock.now()
        await self._uow.outbox.add_all([(m, now + (delay or timedelta(0))) for m, delay in messages])
