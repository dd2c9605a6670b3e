"""The core's values: communities, secrets, replies, drafts, moderation items. Frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime
from enum import StrEnum
from typing import NewType

from bot.delays import DEFAULT_DELAY_SECONDS
from bot.moderation.verdict import Verdict

Token = NewType("Token", str)
"""An unguessable random reference (``bot.anonymity.new_token``)."""

# Secret's "Collections": topics a secret may carry, named in the catalogs as ``collection.<key>``.
COLLECTIONS = ("love", "work", "school", "family", "friends", "health", "money", "funny")


class Reaction(StrEnum):
    HEART = "heart"
    LAUGH = "laugh"
    WOW = "wow"
    SAD = "sad"

    @property
    def emoji(self) -> str:
        return _EMOJI[self]


_EMOJI = {Reaction.HEART: "❤️", Reaction.LAUGH: "😂", Reaction.WOW: "😮", Reaction.SAD: "😢"}


class ReportReason(StrEnum):
    HARASSMENT = "harassment"
    HATE = "hate"
    PERSONAL_INFO = "personal_info"
    SPAM = "spam"
    OTHER = "other"


class ModerationMode(StrEnum):
    OPEN = "open"
    REVIEW = "review"


class ModOperation(StrEnum):
    """A moderator's decision on a queue item (the value names it in catalogs and the audit log)."""

    APPROVE = "approve"
    REMOVE = "remove"
    BAN_DAY = "ban_day"
    BAN_WEEK = "ban_week"
    BAN_FOREVER = "ban_forever"


class PicturePolicy(StrEnum):
    """What a community does with a secret's photo."""

    OFF = "off"  # refused, with the reason
    REVIEW = "review"  # held for a moderator (the default)
    OPEN = "open"  # published after the text filter, as text is


class FeedKind(StrEnum):
    LATEST = "latest"
    TOP = "top"


class SecretStatus(StrEnum):
    HELD = "held"  # waiting for a moderator before publication
    QUEUED = "queued"  # accepted, waiting for its card to be delivered
    PUBLISHED = "published"
    HIDDEN = "hidden"  # hidden by reports, waiting for a moderator
    REMOVED = "removed"  # removed by a moderator
    DELETED = "deleted"  # deleted by its author


VISIBLE_STATUSES = (SecretStatus.QUEUED, SecretStatus.PUBLISHED)


class ReplyStatus(StrEnum):
    PUBLISHED = "published"
    HIDDEN = "hidden"  # hidden by reports, waiting for a moderator
    REMOVED = "removed"  # removed by a moderator
    DELETED = "deleted"  # deleted by its author


class DraftKind(StrEnum):
    SECRET = "secret"  # noqa: S105 - a kind of draft, not a password
    REPLY = "reply"


class DraftStatus(StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"
    CANCELLED = "cancelled"


class QueueCause(StrEnum):
    REPORTS = "reports"
    FILTER = "filter"
    REVIEW_MODE = "review_mode"
    NEW_AUTHOR = "new_author"
    PICTURE = "picture"  # a photo, in a community that reviews photos


class QueueStatus(StrEnum):
    OPEN = "open"
    APPROVED = "approved"
    REMOVED = "removed"
    BANNED = "banned"


@dataclass(frozen=True)
class CommunitySettings:
    locale: str = "en"
    mode: ModerationMode = ModerationMode.OPEN
    report_threshold: int = 3
    min_members: int = 5
    publication_delay_seconds: int = DEFAULT_DELAY_SECONDS  # see bot/delays.py: a wait in [D/2, D]
    hold_new_authors: bool = False  # an author's first secret in the community waits for a moderator
    max_secrets_per_day: int = 5  # per author and community
    max_replies_per_hour: int = 20  # per author
    digest_time: str = "20:00"  # local time of the daily digest, "HH:MM"; "" for none
    timezone: str = "UTC"  # IANA name
    public: bool = False  # its secrets in a collection reach every subscriber of that collection
    collections: tuple[str, ...] = COLLECTIONS  # the topics its members may choose
    pictures: PicturePolicy = PicturePolicy.REVIEW  # a secret's photo: refused, held or published


SETTING_NAMES = tuple(f.name for f in fields(CommunitySettings))
# Settings a community keeps from its registration even when its admins never chose them: sharing its
# secrets with every subscriber of a collection is the admins' consent, which a later change of the
# configuration's default must not give for them.
PINNED_SETTINGS = frozenset({"public"})


def own_settings_of(settings: CommunitySettings, defaults: CommunitySettings) -> frozenset[str]:
    """What a community registered with ``settings`` keeps as its own: what differs from the defaults,
    and the pinned settings."""
    return PINNED_SETTINGS | {n for n in SETTING_NAMES if getattr(settings, n) != getattr(defaults, n)}


def resolve_settings(
    defaults: CommunitySettings, chosen: CommunitySettings, own: frozenset[str]
) -> CommunitySettings:
    """The settings that apply: the community's own choices over the configured defaults."""
    return replace(defaults, **{name: getattr(chosen, name) for name in own})


@dataclass(frozen=True)
class Community:
    id: int
    platform: str
    chat_ref: str
    title: str
    active: bool
    settings: CommunitySettings  # what applies: its own choices over the configuration's defaults
    moderation_chat_ref: str | None
    secret_count: int
    # the settings its admins chose (or it was registered with, and the pinned ones): the others follow the
    # configuration, so a default changed in config.toml reaches every community that never chose it
    own_settings: frozenset[str] = frozenset()
    # Telegram: the forum topic its cards go to (None: the chat's main one), and for a channel, its linked
    # discussion group, where replies go as comments
    topic_ref: str | None = None
    discussion_ref: str | None = None


@dataclass(frozen=True)
class Secret:
    id: int
    community_id: int
    number: int
    author_salt: bytes  # random, per secret: the author's tag is HMAC(k_author, salt ‖ person)
    author_tag: str
    text: str
    content_warning: bool
    status: SecretStatus
    created_at: datetime
    card_ref: str | None
    author_locale: str
    token: Token  # what buttons and links carry instead of the id: random, so it orders and counts nothing
    collection: str | None = None
    points: float = 0.0  # engagement for ranking: see bot/ranking.py
    # it was posted with a photo (still true once the photo is erased: its card shows the placeholder)
    picture: bool = False
    # its text normalised as the duplicate check compares it (None: written before it was kept, or erased)
    normalised: str | None = None

    @property
    def shown_number(self) -> str:
        """Its number, or "…" until its card is out where numbers are given at publication."""
        return str(self.number) if self.number > 0 else "…"


@dataclass(frozen=True)
class ReplyPost:
    id: int
    secret_id: int
    thread_key: str  # the replier's key in this thread only
    text: str
    pseudonym: str
    by_author: bool
    created_at: datetime
    message_ref: str | None
    token: Token  # what its buttons and links carry instead of the id
    status: ReplyStatus = ReplyStatus.PUBLISHED


@dataclass(frozen=True)
class Draft:
    id: int
    owner_salt: bytes  # random, per draft: the owner's tag is HMAC(k_draft, salt ‖ person)
    owner_tag: str
    kind: DraftKind
    community_id: int | None
    secret_id: int | None
    text: str
    content_warning: bool
    verdict: Verdict
    reason_categories: tuple[str, ...]
    status: DraftStatus
    created_at: datetime
    collection: str | None = None
    notify_replies: bool = False  # the author asked to hear, in DM, about replies to the secret


@dataclass(frozen=True)
class QueueItem:
    id: int
    community_id: int
    secret_id: int
    cause: QueueCause
    detail: str  # filter categories or report reasons, comma-separated
    status: QueueStatus
    message_ref: str | None
    created_at: datetime
    reply_id: int | None = None  # an item about a reply in the secret's thread, not the secret
    token: Token = Token("")  # what its buttons carry instead of the id (random: ids count and order items)


@dataclass(frozen=True)
class Ban:
    community_id: int
    member_key: str  # the banned member's key in this community only
    until: datetime | None  # None: for good


@dataclass(frozen=True)
class BanRecord:
    """A ban as moderators see it: its number, what it was given for and when it ends, never whom."""

    id: int
    community_id: int
    until: datetime | None
    secret_id: int | None
    created_at: datetime
    lifted_at: datetime | None = None


@dataclass(frozen=True)
class PendingInput:
    """What the next plain text of a member in DM means (a reply to a secret)."""

    kind: DraftKind
    target_id: int
    expires_at: datetime


@dataclass(frozen=True)
class ReactionCounts:
    heart: int = 0
    laugh: int = 0
    wow: int = 0
    sad: int = 0

    def of(self, reaction: Reaction) -> int:
        return int(getattr(self, reaction.value))
