"""The in-memory database state that one unit of work copies and a commit publishes."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.model import (
    Ban,
    BanRecord,
    Community,
    CommunitySettings,
    Draft,
    QueueItem,
    Reaction,
    ReplyPost,
    ReportReason,
    Secret,
)
from bot.records import (
    Counter,
    DigestAddress,
    OwnList,
    SealedValue,
    StoredPicture,
    WordEntry,
)
from bot.stats import StatKind


@dataclass
class State:
    communities: dict[int, Community] = field(default_factory=dict)
    community_words: dict[int, dict[str, WordEntry]] = field(default_factory=dict)
    memberships: dict[tuple[str, int], datetime] = field(default_factory=dict)
    joins: dict[tuple[str, int], datetime] = field(default_factory=dict)
    counters: dict[str, tuple[Counter, datetime]] = field(default_factory=dict)
    reporter_records: dict[tuple[str, int], tuple[int, int]] = field(default_factory=dict)
    own_lists: dict[str, OwnList] = field(default_factory=dict)
    ban_keys: dict[int, SealedValue] = field(default_factory=dict)
    reply_ban_keys: dict[int, SealedValue] = field(default_factory=dict)
    reporter_seals: dict[tuple[int, str], SealedValue] = field(default_factory=dict)
    subscriptions: set[tuple[str, str]] = field(default_factory=set)
    digest_runs: set[tuple[int, str]] = field(default_factory=set)
    admin_notices: dict[tuple[int, str, str], datetime] = field(default_factory=dict)
    digest_readers: dict[str, DigestAddress] = field(default_factory=dict)
    public_since: dict[int, datetime] = field(default_factory=dict)
    thread_names: dict[tuple[int, str], str] = field(default_factory=dict)
    published_at: dict[int, datetime] = field(default_factory=dict)
    discussion_copies: dict[tuple[int, str], str] = field(
        default_factory=dict
    )  # (community, message) -> copy
    member_digest_runs: dict[tuple[str, str], datetime] = field(default_factory=dict)
    locales: dict[str, str] = field(default_factory=dict)
    pending: dict[str, SealedValue] = field(default_factory=dict)
    bans: list[Ban] = field(default_factory=list)
    ban_records: dict[int, tuple[BanRecord, str]] = field(default_factory=dict)  # with the author key
    drafts: dict[int, Draft] = field(default_factory=dict)
    secrets: dict[int, Secret] = field(default_factory=dict)
    returns: dict[int, tuple[bytes, datetime]] = field(default_factory=dict)
    reactions: set[tuple[int, str, Reaction]] = field(default_factory=set)
    replies: dict[int, ReplyPost] = field(default_factory=dict)
    reports: dict[tuple[int, str], tuple[ReportReason, float, datetime]] = field(default_factory=dict)
    reply_reports: dict[tuple[int, str], tuple[ReportReason, float, datetime]] = field(default_factory=dict)
    decided_at: dict[int, datetime] = field(default_factory=dict)
    sending: dict[int, datetime | None] = field(default_factory=dict)  # queue item id -> decision time
    items: dict[int, QueueItem] = field(default_factory=dict)
    stats: dict[tuple[int, str, StatKind], int] = field(default_factory=dict)
    audit: list[tuple[int, str, datetime, str, int | None, str]] = field(default_factory=list)
    outbox: dict[int, dict[str, Any]] = field(default_factory=dict)
    beats: list[datetime] = field(default_factory=list)  # the dispatcher's heartbeats
    pictures: dict[int, tuple[int | None, int | None, StoredPicture]] = field(default_factory=dict)
    notices: dict[int, tuple[str, bytes, datetime, int]] = field(default_factory=dict)  # by secret
    notice_batches: dict[int, int] = field(default_factory=dict)  # by secret: the notices claimed so far
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def copy(self) -> State:
        clone = State()
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if name == "ids":
                setattr(clone, name, value)
            elif isinstance(value, dict):
                setattr(clone, name, {k: (dict(v) if isinstance(v, dict) else v) for k, v in value.items()})
            else:
                setattr(clone, name, type(value)(value))
        return clone


FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


class _HasState(Protocol):
    state: State
    outbox_written: bool

    @property
    def defaults(self) -> CommunitySettings: ...


class Repo:
    def __init__(self, uow: _HasState) -> None:
        self._uow = uow

    @property
    def s(self) -> State:
        return self._uow.state

    def next_id(self) -> int:
        return next(self.s.ids)

    @property
    def defaults(self) -> CommunitySettings:
        """The configuration's community settings, for what a community never chose."""
        return self._uow.defaults
