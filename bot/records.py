"""What crosses the repository seam besides the model's values: what is written, and named results."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.model import Ban, DraftKind, ReportReason, SecretStatus, Token
from bot.moderation.verdict import Verdict


@dataclass(frozen=True)
class Standing:
    """A member's standing in one community, read in one query: verified lately, the ban in force, and a
    counter of theirs there if one was asked with it."""

    verified: bool  # their membership was verified since the time asked
    ban: Ban | None  # the ban in force that lasts longest (a permanent one first), if any
    counted: Counter | None = None  # the counter asked with it (``MemberRepository.counter``), if in force


@dataclass(frozen=True)
class Standings:
    """A member's standing in the communities of their keys, read in one query: when each membership was last
    verified (never verified: absent), and the ban in force in each community (none: absent)."""

    verified: Mapping[int, datetime]
    bans: Mapping[int, Ban]
    counters: Mapping[str, Counter] = field(default_factory=dict)  # those asked for, by key, if in force


@dataclass(frozen=True)
class SealedAddress:
    """A DM sealed under the sealing key (see bot/anonymity.py), usable until ``expires_at``."""

    sealed: bytes
    expires_at: datetime


@dataclass(frozen=True)
class SealedValue:
    """Another value sealed under the sealing key (a community key for a ban or a reporter's record, the
    target of a pending reply), kept until ``expires_at``."""

    sealed: bytes
    expires_at: datetime


@dataclass(frozen=True)
class Counter:
    """A member's count of something in one community and period (posting limits, strikes)."""

    count: int
    last_at: datetime


@dataclass(frozen=True)
class CounterBump:
    """One more on a member's counter (``MemberRepository.bump_counter``): its key, the time it keeps, and
    when it goes."""

    key: str
    at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class OwnList:
    """A person's sealed list of their secrets (bot/own_list.py) and its version, for compare-and-swap."""

    sealed: bytes
    version: str


@dataclass(frozen=True)
class DraftOwner:
    """Who may open a draft, as its salted tag: a member recognises theirs by recomputing it."""

    draft_id: int
    salt: bytes
    tag: str


@dataclass(frozen=True)
class HeldBanKey:
    """A secret's sealed ban key still kept, with the salt its seal is bound to (to seal it again under a new
    sealing key)."""

    secret_id: int
    author_salt: bytes
    sealed: bytes


@dataclass(frozen=True)
class SealedReporter:
    """A report still holding its reporter's sealed community key, waiting for the moderators' judgement."""

    reporter_key: str
    sealed: bytes


@dataclass(frozen=True, kw_only=True)
class NewSecret:
    community_id: int
    number: int  # 0 until its card is out where numbers are given at publication
    author_salt: bytes  # random: the author's tag is HMAC(k_author, salt ‖ person)
    author_tag: str
    text: str
    content_warning: bool
    status: SecretStatus
    created_at: datetime
    author_locale: str
    token: Token
    collection: str | None = None
    return_address: SealedAddress | None = None  # where to tell the author what became of it
    ban_key: SealedValue | None = None  # the author's community key, for moderators' bans, for a while
    normalised: str | None = None  # its text as the duplicate check compares it (moderation/duplicates.py)


@dataclass(frozen=True, kw_only=True)
class NewDraft:
    owner_salt: bytes  # random: the owner's tag is HMAC(k_draft, salt ‖ person)
    owner_tag: str
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
    thread_key: str  # the replier's key in this thread only
    text: str
    pseudonym: str
    by_author: bool
    created_at: datetime
    token: Token
    ban_key: SealedValue | None = None  # the replier's community key, for moderators' bans, for a while


@dataclass(frozen=True)
class NewReport:
    secret_id: int
    reporter_key: str  # the reporter's key for this secret only
    reason: ReportReason
    weight: float
    created_at: datetime
    sealed_member_key: SealedValue | None = None  # their community key, until the moderators judge


@dataclass(frozen=True)
class ReporterRecord:
    """A reporter's past reports in a community that moderators judged: removed (upheld) or approved (kept
    under their community key)."""

    upheld: int
    rejected: int


@dataclass(frozen=True)
class AuditEntry:
    community_id: int
    moderator_key: str  # the moderator's alias in this community only
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


MEMBER_DIGEST_TIME = "19:00"  # a member's daily DM digest until they choose their own time: the evening
MEMBER_DIGEST_ZONE = "UTC"  # in Europe; the member's time zone is not known until they say it (``/digest``)


@dataclass(frozen=True)
class DigestAddress:
    """Where a member's daily DM digest goes: the DM sealed like a return address, kept 7 days after their
    last activity; and when: the local time ("HH:MM") and IANA time zone the member chose."""

    platform: str
    sealed: bytes
    locale: str
    expires_at: datetime
    at: str = MEMBER_DIGEST_TIME
    zone: str = MEMBER_DIGEST_ZONE


@dataclass(frozen=True)
class DigestReader:
    preference_key: str
    address: DigestAddress


@dataclass(frozen=True)
class WordEntry:
    """One entry of a community's own word list: a term (lexicon syntax) and what it does."""

    verdict: Verdict  # BLOCK or REVIEW
    term: str


@dataclass(frozen=True)
class StoredPicture:
    """A secret's (or a draft's) re-encoded photo: its bytes and a random token that names its file."""

    token: str
    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class PendingNotices:
    """Replies an author has still to be told about, and the address sealed for telling them."""

    token: str
    sealed: bytes
    count: int
    expires_at: datetime  # the address's end, unless the author keeps it (a notice near it offers to)
    batch: int = 0  # the notices claimed so far (a claimed notice's: its own number)
