"""What crosses the repository seam besides the model's values: what is written, and named results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.model import DraftKind, ReportReason, SecretStatus, Token
from bot.moderation.verdict import Verdict


@dataclass(frozen=True)
class SealedAddress:
    """A DM sealed under the sealing key (see bot/anonymity.py), usable until ``expires_at``."""

    sealed: bytes
    expires_at: datetime


@dataclass(frozen=True, kw_only=True)
class NewSecret:
    community_id: int
    number: int  # 0 until its card is out where numbers are given at publication
    author_key: str
    text: str
    content_warning: bool
    status: SecretStatus
    created_at: datetime
    author_locale: str
    token: Token
    collection: str | None = None
    return_address: SealedAddress | None = None  # where to tell the author what became of it


@dataclass(frozen=True, kw_only=True)
class NewDraft:
    author_key: str
    kind: DraftKind
    text: str
    verdict: Verdict
    reason_categories: tuple[str, ...]
    created_at: datetime
    community_id: int | None = None  # a secret's chosen community
    secret_id: int | None = None  # a reply's secret


@dataclass(frozen=True, kw_only=True)
class NewReply:
    secret_id: int
    author_key: str
    text: str
    pseudonym: str
    by_author: bool
    created_at: datetime


@dataclass(frozen=True)
class NewReport:
    secret_id: int
    reporter_key: str
    reason: ReportReason
    weight: float
    created_at: datetime


@dataclass(frozen=True)
class ReporterRecord:
    """A reporter's past reports in a community that moderators judged: removed (upheld) or approved."""

    upheld: int
    rejected: int


@dataclass(frozen=True)
class AuditEntry:
    community_id: int
    moderator_key: str
    action: str
    secret_id: int | None
    detail: str
    at: datetime


@dataclass(frozen=True)
class PublicCommunity:
    """A community sharing its collections, and since when: secrets published before stay its own."""

    community_id: int
    since: datetime


@dataclass(frozen=True, kw_only=True)
class FeedQuery:
    """Published secrets of ``community_ids``, plus those carrying one of ``collections`` in the ``public``
    communities since they became public; newest card first, or most points first."""

    community_ids: Sequence[int] = ()
    collections: Sequence[str] = ()
    public: Sequence[PublicCommunity] = ()
    since: datetime | None = None  # written since
    by_points: bool = False
    offset: int = 0
    limit: int = 10


@dataclass(frozen=True)
class DigestAddress:
    """Where a member's daily DM digest goes: the DM sealed like a return address, kept 7 days after their
    last activity."""

    platform: str
    sealed: bytes
    locale: str
    expires_at: datetime


@dataclass(frozen=True)
class DigestReader:
    author_key: str
    address: DigestAddress
