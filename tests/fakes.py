"""In-memory fakes of the core's ports, for unit tests of the core without a database."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

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
from bot.moderation.verdict import FilterResult, Reason, Verdict
from bot.outbox import OutboxMessage
from bot.ports import (
    CommunityRepository,
    DeliveryError,
    DigestAddress,
    DraftRepository,
    MemberRepository,
    ModerationRepository,
    OutboxEntry,
    OutboxRepository,
    SecretRepository,
)


@dataclass
class _State:
    communities: dict[int, Community] = field(default_factory=dict)
    memberships: dict[tuple[str, int], datetime] = field(default_factory=dict)
    joins: dict[tuple[str, int], datetime] = field(default_factory=dict)
    strikes: list[tuple[str, datetime]] = field(default_factory=list)
    subscriptions: set[tuple[str, str]] = field(default_factory=set)
    digest_runs: set[tuple[int, str]] = field(default_factory=set)
    digest_readers: dict[str, DigestAddress] = field(default_factory=dict)
    public_since: dict[int, datetime] = field(default_factory=dict)
    thread_names: dict[tuple[int, str], str] = field(default_factory=dict)
    published_at: dict[int, datetime] = field(default_factory=dict)
    member_digest_runs: set[tuple[str, str]] = field(default_factory=set)
    locales: dict[str, str] = field(default_factory=dict)
    pending: dict[str, PendingInput] = field(default_factory=dict)
    bans: list[Ban] = field(default_factory=list)
    drafts: dict[int, Draft] = field(default_factory=dict)
    secrets: dict[int, Secret] = field(default_factory=dict)
    returns: dict[int, tuple[bytes, datetime]] = field(default_factory=dict)
    reactions: set[tuple[int, str, Reaction]] = field(default_factory=set)
    replies: dict[int, ReplyPost] = field(default_factory=dict)
    reports: dict[tuple[int, str], tuple[ReportReason, float, datetime]] = field(default_factory=dict)
    decided_at: dict[int, datetime] = field(default_factory=dict)
    sending: dict[int, datetime | None] = field(default_factory=dict)  # queue item id -> decision time
    items: dict[int, QueueItem] = field(default_factory=dict)
    audit: list[tuple[int, str, datetime, str, int | None, str]] = field(default_factory=list)
    outbox: dict[int, dict[str, Any]] = field(default_factory=dict)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def copy(self) -> _State:
        clone = _State()
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


class _Repo:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    @property
    def s(self) -> _State:
        return self._uow.state

    def next_id(self) -> int:
        return next(self.s.ids)


class FakeCommunities(_Repo):
    async def add(
        self, platform: str, chat_ref: str, title: str, settings: CommunitySettings, at: datetime
    ) -> Community:
        community = Community(self.next_id(), platform, chat_ref, title, True, settings, None, 0)
        self.s.communities[community.id] = community
        if settings.public:
            self.s.public_since[community.id] = at
        return community

    async def get(self, community_id: int) -> Community | None:
        return self.s.communities.get(community_id)

    async def by_chat(self, platform: str, chat_ref: str) -> Community | None:
        return next(
            (c for c in self.s.communities.values() if c.platform == platform and c.chat_ref == chat_ref),
            None,
        )

    async def active_on(self, platform: str, limit: int) -> Sequence[Community]:
        return [c for c in self.s.communities.values() if c.platform == platform and c.active][:limit]

    async def set_active(self, community_id: int, active: bool, title: str | None = None) -> None:
        old = self.s.communities[community_id]
        self.s.communities[community_id] = replace(old, active=active, title=title or old.title)

    async def update_settings(self, community_id: int, settings: CommunitySettings, at: datetime) -> None:
        self.s.communities[community_id] = replace(self.s.communities[community_id], settings=settings)
        if not settings.public:
            self.s.public_since.pop(community_id, None)
        else:
            self.s.public_since.setdefault(community_id, at)

    async def set_moderation_chat(self, community_id: int, chat_ref: str | None) -> None:
        self.s.communities[community_id] = replace(
            self.s.communities[community_id], moderation_chat_ref=chat_ref
        )

    async def move(self, platform: str, old_chat_ref: str, new_chat_ref: str) -> None:
        for cid, c in list(self.s.communities.items()):
            if c.platform != platform:
                continue
            if c.chat_ref == old_chat_ref:
                c = replace(c, chat_ref=new_chat_ref, active=True)
            if c.moderation_chat_ref == old_chat_ref:
                c = replace(c, moderation_chat_ref=new_chat_ref)
            self.s.communities[cid] = c

    async def public_since(self, platform: str | None = None) -> Sequence[tuple[int, datetime]]:
        return [
            (c.id, self.s.public_since[c.id])
            for c in self.s.communities.values()
            if c.settings.public
            and c.active
            and c.id in self.s.public_since
            and (platform is None or c.platform == platform)
        ]

    async def next_number(self, community_id: int) -> int:
        old = self.s.communities[community_id]
        self.s.communities[community_id] = replace(old, secret_count=old.secret_count + 1)
        return old.secret_count + 1


class FakeMembers(_Repo):
    async def verified_since(self, author_key: str, since: datetime) -> Sequence[int]:
        return [cid for (key, cid), at in self.s.memberships.items() if key == author_key and at >= since]

    async def mark_verified(self, author_key: str, community_id: int, at: datetime) -> None:
        self.s.memberships[(author_key, community_id)] = at

    async def joined_at(self, author_key: str, community_id: int) -> datetime | None:
        return self.s.joins.get((author_key, community_id))

    async def record_join(self, author_key: str, community_id: int, at: datetime) -> None:
        self.s.joins[(author_key, community_id)] = at
        self.s.memberships[(author_key, community_id)] = at

    async def digest_address(self, author_key: str, now: datetime) -> DigestAddress | None:
        found = self.s.digest_readers.get(author_key)
        return found if found is not None and found.expires_at > now else None

    async def set_digest_address(self, author_key: str, address: DigestAddress | None) -> None:
        self.s.digest_readers.pop(author_key, None)
        if address is not None:
            self.s.digest_readers[author_key] = address

    async def digest_readers(self, now: datetime) -> Sequence[tuple[str, DigestAddress]]:
        return [(key, a) for key, a in self.s.digest_readers.items() if a.expires_at > now]

    async def erase_expired_digest_addresses(self, now: datetime) -> int:
        expired = [key for key, a in self.s.digest_readers.items() if a.expires_at <= now]
        for key in expired:
            del self.s.digest_readers[key]
        return len(expired)

    async def claim_member_digest(self, author_key: str, period: str, at: datetime) -> bool:
        if (author_key, period) in self.s.member_digest_runs:
            return False
        self.s.member_digest_runs.add((author_key, period))
        return True

    async def add_strike(self, author_key: str, at: datetime) -> None:
        self.s.strikes.append((author_key, at))

    async def strikes_since(self, author_key: str, since: datetime) -> Sequence[datetime]:
        return sorted(at for key, at in self.s.strikes if key == author_key and at >= since)

    async def forget_membership(self, author_key: str, community_id: int) -> None:
        self.s.memberships.pop((author_key, community_id), None)
        self.s.joins.pop((author_key, community_id), None)

    async def locale(self, author_key: str) -> str | None:
        return self.s.locales.get(author_key)

    async def set_locale(self, author_key: str, locale: str) -> None:
        self.s.locales[author_key] = locale

    async def pending_input(self, author_key: str) -> PendingInput | None:
        return self.s.pending.get(author_key)

    async def set_pending_input(self, pending: PendingInput | None, author_key: str) -> None:
        self.s.pending.pop(author_key, None)
        if pending is not None:
            self.s.pending[author_key] = pending

    async def active_ban(self, author_key: str, community_id: int, now: datetime) -> Ban | None:
        active = [
            b
            for b in self.s.bans
            if b.author_key == author_key
            and b.community_id == community_id
            and (b.until is None or b.until > now)
        ]
        return max(active, key=lambda b: b.until or FAR_FUTURE, default=None)

    async def add_ban(self, ban: Ban, at: datetime) -> None:
        self.s.bans.append(ban)


class FakeDrafts(_Repo):
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
        draft = Draft(
            self.next_id(), author_key, kind, community_id, secret_id, text, False, verdict, reason_categories,
            DraftStatus.OPEN, at,
        )  # fmt: skip
        self.s.drafts[draft.id] = draft
        return draft

    async def get(self, draft_id: int) -> Draft | None:
        return self.s.drafts.get(draft_id)

    async def update(
        self, draft_id: int, *, community_id: int | None, content_warning: bool, collection: str | None = None
    ) -> None:
        draft = self.s.drafts[draft_id]
        self.s.drafts[draft_id] = replace(
            draft, community_id=community_id, content_warning=content_warning, collection=collection
        )

    async def transition(self, draft_id: int, old: DraftStatus, new: DraftStatus) -> bool:
        draft = self.s.drafts.get(draft_id)
        if draft is None or draft.status is not old:
            return False
        self.s.drafts[draft_id] = replace(draft, status=new)
        return True


class FakeSecrets(_Repo):
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
        secret = Secret(
            self.next_id(),
            community_id,
            number,
            author_key,
            text,
            content_warning,
            status,
            at,
            None,
            author_locale,
            collection,
        )
        self.s.secrets[secret.id] = secret
        if return_address is not None and return_expires_at is not None:
            self.s.returns[secret.id] = (return_address, return_expires_at)
        return secret

    async def get(self, secret_id: int) -> Secret | None:
        return self.s.secrets.get(secret_id)

    async def set_status(self, secret_id: int, status: SecretStatus) -> None:
        self.s.secrets[secret_id] = replace(self.s.secrets[secret_id], status=status)

    async def add_points(self, secret_id: int, delta: float) -> None:
        secret = self.s.secrets[secret_id]
        self.s.secrets[secret_id] = replace(secret, points=secret.points + delta)

    async def top_since(self, community_id: int, since: datetime, limit: int) -> Sequence[Secret]:
        found = [
            s
            for s in self.s.secrets.values()
            if s.community_id == community_id and s.status is SecretStatus.PUBLISHED and s.created_at >= since
        ]
        return sorted(found, key=lambda s: (s.points, s.id), reverse=True)[:limit]

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
        shared = dict(public)
        found = [
            s
            for s in self.s.secrets.values()
            if s.status is SecretStatus.PUBLISHED
            and (since is None or s.created_at >= since)
            and (
                s.community_id in community_ids
                or (s.collection in collections and s.created_at >= shared.get(s.community_id, FAR_FUTURE))
            )
        ]
        published = self.s.published_at
        if by_points:
            found.sort(key=lambda s: (s.points, published.get(s.id, s.created_at)), reverse=True)
        else:
            found.sort(key=lambda s: (published.get(s.id, s.created_at), s.number), reverse=True)
        return found[offset : offset + limit]

    async def subscriptions(self, author_key: str) -> Sequence[str]:
        return sorted(c for key, c in self.s.subscriptions if key == author_key)

    async def set_subscription(self, author_key: str, collection: str, on: bool) -> None:
        if on:
            self.s.subscriptions.add((author_key, collection))
        else:
            self.s.subscriptions.discard((author_key, collection))

    async def claim_digest(self, community_id: int, period: str, at: datetime) -> bool:
        if (community_id, period) in self.s.digest_runs:
            return False
        self.s.digest_runs.add((community_id, period))
        return True

    async def claim_sending(self, secret_id: int, now: datetime, until: datetime | None) -> bool:
        secret = self.s.secrets.get(secret_id)
        if secret is None or secret.card_ref is not None:
            return False
        held = self.s.sending.get(secret_id)
        if until is not None and held is not None and held >= now:
            return False
        self.s.sending[secret_id] = until
        return True

    async def set_number(self, secret_id: int, number: int) -> None:
        self.s.secrets[secret_id] = replace(self.s.secrets[secret_id], number=number)

    async def set_card_ref(self, secret_id: int, card_ref: str, at: datetime) -> None:
        self.s.secrets[secret_id] = replace(self.s.secrets[secret_id], card_ref=card_ref)
        self.s.published_at[secret_id] = at

    async def by_author(self, author_key: str, limit: int) -> Sequence[Secret]:
        mine = [s for s in self.s.secrets.values() if s.author_key == author_key]
        return sorted(mine, key=lambda s: (s.created_at, s.id), reverse=True)[:limit]

    async def recent_texts_by_author(self, author_key: str, since: datetime) -> Sequence[str]:
        return [
            s.text for s in self.s.secrets.values() if s.author_key == author_key and s.created_at >= since
        ]

    async def return_address(self, secret_id: int, now: datetime) -> bytes | None:
        found = self.s.returns.get(secret_id)
        return found[0] if found and found[1] > now else None

    async def erase_return_address(self, secret_id: int) -> None:
        self.s.returns.pop(secret_id, None)

    async def erase_expired_return_addresses(self, now: datetime) -> int:
        expired = [sid for sid, (_, until) in self.s.returns.items() if until <= now]
        for sid in expired:
            del self.s.returns[sid]
        return len(expired)

    async def toggle_reaction(self, secret_id: int, reactor_key: str, reaction: Reaction) -> bool:
        entry = (secret_id, reactor_key, reaction)
        if entry in self.s.reactions:
            self.s.reactions.discard(entry)
            return False
        self.s.reactions.add(entry)
        return True

    async def reaction_counts(self, secret_id: int) -> ReactionCounts:
        counts = {r.value: 0 for r in Reaction}
        for sid, _, reaction in self.s.reactions:
            if sid == secret_id:
                counts[reaction.value] += 1
        return ReactionCounts(**counts)

    async def add_reply(
        self, secret_id: int, author_key: str, text: str, pseudonym: str, by_author: bool, at: datetime
    ) -> ReplyPost:
        reply = ReplyPost(self.next_id(), secret_id, author_key, text, pseudonym, by_author, at, None)
        self.s.replies[reply.id] = reply
        return reply

    async def get_reply(self, reply_id: int) -> ReplyPost | None:
        return self.s.replies.get(reply_id)

    async def set_reply_ref(self, reply_id: int, message_ref: str) -> None:
        self.s.replies[reply_id] = replace(self.s.replies[reply_id], message_ref=message_ref)

    async def pseudonym_of(self, secret_id: int, author_key: str) -> str | None:
        return self.s.thread_names.get((secret_id, author_key))

    async def claim_pseudonym(self, secret_id: int, author_key: str, pseudonym: str) -> bool:
        taken = {name for (sid, _), name in self.s.thread_names.items() if sid == secret_id}
        if (secret_id, author_key) in self.s.thread_names or pseudonym in taken:
            return False
        self.s.thread_names[(secret_id, author_key)] = pseudonym
        return True

    async def reply_count(self, secret_id: int) -> int:
        return sum(1 for r in self.s.replies.values() if r.secret_id == secret_id)

    async def add_report(
        self, secret_id: int, reporter_key: str, reason: ReportReason, weight: float, at: datetime
    ) -> bool:
        if (secret_id, reporter_key) in self.s.reports:
            return False
        self.s.reports[(secret_id, reporter_key)] = (reason, weight, at)
        return True

    async def report_reasons(self, secret_id: int) -> Sequence[ReportReason]:
        return [reason for (sid, _), (reason, _, _) in self.s.reports.items() if sid == secret_id]

    async def report_weight(self, secret_id: int, since: datetime | None = None) -> float:
        return sum(
            weight
            for (sid, _), (_, weight, at) in self.s.reports.items()
            if sid == secret_id and (since is None or at > since)
        )

    async def reporter_record(self, reporter_key: str, community_id: int) -> tuple[int, int]:
        reported = {sid: at for (sid, key), (_, _, at) in self.s.reports.items() if key == reporter_key}
        decided = {
            (i.secret_id, i.status)  # a secret judged twice the same way counts once
            for i in self.s.items.values()
            if i.secret_id in reported
            and i.community_id == community_id
            and i.cause is QueueCause.REPORTS
            and i.id in self.s.decided_at
            and reported[i.secret_id] <= self.s.decided_at[i.id]
        }
        upheld = sum(1 for _, s in decided if s in (QueueStatus.REMOVED, QueueStatus.BANNED))
        return upheld, sum(1 for _, s in decided if s is QueueStatus.APPROVED)

    async def count_secrets_since(self, author_key: str, community_id: int, since: datetime) -> int:
        return sum(
            1
            for s in self.s.secrets.values()
            if s.author_key == author_key and s.community_id == community_id and s.created_at >= since
        )

    async def count_replies_since(self, author_key: str, since: datetime) -> int:
        return sum(1 for r in self.s.replies.values() if r.author_key == author_key and r.created_at >= since)


class FakeModeration(_Repo):
    async def add_item(
        self, community_id: int, secret_id: int, cause: QueueCause, detail: str, at: datetime
    ) -> QueueItem:
        item = QueueItem(self.next_id(), community_id, secret_id, cause, detail, QueueStatus.OPEN, None, at)
        self.s.items[item.id] = item
        return item

    async def get_item(self, item_id: int) -> QueueItem | None:
        return self.s.items.get(item_id)

    async def open_item_for(self, secret_id: int) -> QueueItem | None:
        return next(
            (i for i in self.s.items.values() if i.secret_id == secret_id and i.status is QueueStatus.OPEN),
            None,
        )

    async def decide(self, item_id: int, status: QueueStatus, at: datetime) -> bool:
        item = self.s.items.get(item_id)
        if item is None or item.status is not QueueStatus.OPEN:
            return False
        self.s.items[item_id] = replace(item, status=status)
        self.s.decided_at[item_id] = at
        return True

    async def last_decision_at(self, secret_id: int) -> datetime | None:
        times = [
            at for item_id, at in self.s.decided_at.items() if self.s.items[item_id].secret_id == secret_id
        ]
        return max(times, default=None)

    async def set_item_ref(self, item_id: int, message_ref: str) -> None:
        self.s.items[item_id] = replace(self.s.items[item_id], message_ref=message_ref)

    async def audit(
        self,
        community_id: int,
        moderator_key: str,
        action: str,
        secret_id: int | None,
        detail: str,
        at: datetime,
    ) -> None:
        self.s.audit.append((community_id, moderator_key, at, action, secret_id, detail))

    async def audit_log(
        self, community_id: int, limit: int
    ) -> Sequence[tuple[datetime, str, int | None, str]]:
        rows = [
            (index, (at, action, sid, detail))
            for index, (cid, _, at, action, sid, detail) in enumerate(self.s.audit)
            if cid == community_id
        ]
        rows.sort(key=lambda row: (row[1][0], row[0]), reverse=True)
        return [entry for _, entry in rows][:limit]


class FakeOutbox(_Repo):
    async def add(self, message: OutboxMessage, not_before: datetime) -> None:
        dedupe_key = message.dedupe_key()
        if dedupe_key is not None and any(
            e["dedupe"] == dedupe_key and e["status"] == "pending" and e["claimed"] is None
            for e in self.s.outbox.values()
        ):
            return
        entry_id = self.next_id()
        self.s.outbox[entry_id] = {
            "message": message, "not_before": not_before, "dedupe": dedupe_key,
            "status": "pending", "claimed": None, "attempts": 0,
        }  # fmt: skip
        self._uow.outbox_written = True

    async def claim_due(self, now: datetime, limit: int, lease_until: datetime) -> Sequence[OutboxEntry]:
        due = [
            (entry_id, e)
            for entry_id, e in self.s.outbox.items()
            if e["status"] == "pending"
            and e["not_before"] <= now
            and (e["claimed"] is None or e["claimed"] < now)
        ]
        due.sort(key=lambda pair: (pair[1]["not_before"], pair[0]))
        claimed = []
        for entry_id, e in due[:limit]:
            e["claimed"] = lease_until
            claimed.append(OutboxEntry(entry_id, e["message"], e["attempts"], e["not_before"]))
        return claimed

    async def done(self, entry_id: int) -> None:
        self.s.outbox.pop(entry_id, None)

    async def retry(self, entry_id: int, not_before: datetime, error: str) -> None:
        e = self.s.outbox[entry_id]
        e.update(not_before=not_before, claimed=None, attempts=e["attempts"] + 1)

    async def postpone(self, entry_id: int, not_before: datetime) -> None:
        self.s.outbox[entry_id].update(not_before=not_before, claimed=None)

    async def fail(self, entry_id: int, error: str) -> None:
        self.s.outbox[entry_id]["status"] = "failed"

    async def pending_count(self) -> int:
        return sum(1 for e in self.s.outbox.values() if e["status"] == "pending")

    async def renew(self, entry_ids: Sequence[int], lease_until: datetime) -> None:
        for entry_id in entry_ids:
            e = self.s.outbox.get(entry_id)
            if e is not None and e["status"] == "pending" and e["claimed"] is not None:
                e["claimed"] = lease_until

    async def next_due(self) -> datetime | None:
        ready = [
            max(e["not_before"], e["claimed"] or e["not_before"])
            for e in self.s.outbox.values()
            if e["status"] == "pending"
        ]
        return min(ready, default=None)


class FakeUnitOfWork:
    """Works on a copy of the database's state; ``commit`` publishes it, leaving without commit drops it."""

    communities: CommunityRepository
    members: MemberRepository
    drafts: DraftRepository
    secrets: SecretRepository
    moderation: ModerationRepository
    outbox: OutboxRepository

    def __init__(self, database: FakeDatabase) -> None:
        self._database = database
        self.state = database.state.copy()
        self.communities = FakeCommunities(self)
        self.members = FakeMembers(self)
        self.drafts = FakeDrafts(self)
        self.secrets = FakeSecrets(self)
        self.moderation = FakeModeration(self)
        self.outbox = FakeOutbox(self)
        self.outbox_written = False

    async def __aenter__(self) -> Self:
        self.state = self._database.state.copy()
        self.outbox_written = False
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    async def commit(self) -> None:
        self._database.state = self.state
        self.state = self.state.copy()
        self._database.commits += 1
        if self.outbox_written:
            self.outbox_written = False
            for listener in self._database.outbox_listeners:
                listener()


class FakeDatabase:
    def __init__(self) -> None:
        self.state = _State()
        self.commits = 0
        self.outbox_listeners: list[Callable[[], None]] = []

    def unit_of_work(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)

    def on_outbox_written(self, listener: Callable[[], None]) -> None:
        self.outbox_listeners.append(listener)


@dataclass
class FakeDirectory:
    members: dict[str, set[str]] = field(default_factory=dict)  # chat_ref -> user ids
    admins: dict[str, set[str]] = field(default_factory=dict)
    admin_checks: int = 0
    member_checks: int = 0
    joined: dict[str, datetime] = field(default_factory=dict)  # user id -> join date the platform tells

    async def is_member(self, chat_ref: str, user_id: str) -> bool:
        self.member_checks += 1
        return user_id in self.members.get(chat_ref, set())

    async def is_admin(self, chat_ref: str, user_id: str) -> bool:
        self.admin_checks += 1
        return user_id in self.admins.get(chat_ref, set())

    async def member_count(self, chat_ref: str) -> int:
        return len(self.members.get(chat_ref, set()))

    async def joined_at(self, chat_ref: str, user_id: str) -> datetime | None:
        return self.joined.get(user_id)


@dataclass
class Sent:
    target: ChatTarget
    message: OutgoingMessage
    ref: str
    edited: bool = False


@dataclass
class FakeMessenger:
    sent: list[Sent] = field(default_factory=list)
    failures: list[DeliveryError] = field(default_factory=list)
    _refs: itertools.count[int] = field(default_factory=lambda: itertools.count(100))

    def _maybe_fail(self) -> None:
        if self.failures:
            raise self.failures.pop(0)

    async def send(self, target: ChatTarget, message: OutgoingMessage) -> str:
        self._maybe_fail()
        ref = str(next(self._refs))
        self.sent.append(Sent(target, message, ref))
        return ref

    async def edit(self, target: ChatTarget, message_ref: str, message: OutgoingMessage) -> None:
        self._maybe_fail()
        self.sent.append(Sent(target, message, message_ref, edited=True))

    def to(self, chat_ref: str) -> list[Sent]:
        return [s for s in self.sent if s.target.chat_ref == chat_ref]


class KeywordFilter:
    """A filter for core tests: "BLOCKME" blocks, "REVIEWME" holds for review."""

    def check(self, text: str, lang: str | None = None) -> FilterResult:
        if "BLOCKME" in text:
            return FilterResult(Verdict.BLOCK, (Reason("insult", "BLOCKME"),))
        if "REVIEWME" in text:
            return FilterResult(Verdict.REVIEW, (Reason("phone", "REVIEWME"),))
        return FilterResult(Verdict.ALLOW)
