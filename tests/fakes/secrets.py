"""In-memory secrets and feeds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bot.model import (
    QueueStatus,
    Secret,
    SecretStatus,
)
from bot.records import (
    CounterBump,
    FeedQuery,
    HeldBanKey,
    NewSecret,
    OwnList,
)
from bot.stats import StatKind
from tests.fakes.members import bump
from tests.fakes.moderation import FakeDrafts
from tests.fakes.pictures import erase_pictures
from tests.fakes.state import FAR_FUTURE, Repo


class FakeSecrets(Repo):
    async def add(self, secret: NewSecret) -> Secret:
        made = Secret(
            self.next_id(), secret.community_id, secret.number, secret.author_salt, secret.author_tag, secret.text,
            secret.content_warning, secret.status, secret.created_at, None, secret.author_locale,
            secret.token, secret.collection, normalised=secret.normalised,
        )  # fmt: skip
        self.s.secrets[made.id] = made
        if secret.return_address is not None:
            self.s.returns[made.id] = (secret.return_address.sealed, secret.return_address.expires_at)
        if secret.ban_key is not None:
            self.s.ban_keys[made.id] = secret.ban_key
        return made

    async def add_from_draft(
        self, draft_id: int, secret: NewSecret, own_list: str
    ) -> tuple[Secret, OwnList | None] | None:
        if not await FakeDrafts(self._uow).take(draft_id):
            return None
        return await self.add(secret), self.s.own_lists.get(own_list)

    async def get(self, secret_id: int) -> Secret | None:
        return self.s.secrets.get(secret_id)

    async def by_token(self, token: str) -> Secret | None:
        return next((s for s in self.s.secrets.values() if s.token == token), None)

    async def get_many(self, secret_ids: Sequence[int], since: datetime | None = None) -> Sequence[Secret]:
        found = [self.s.secrets[i] for i in set(secret_ids) if i in self.s.secrets]
        return [s for s in found if since is None or s.created_at >= since]

    async def set_status(self, secret_id: int, status: SecretStatus) -> None:
        self.s.secrets[secret_id] = replace(self.s.secrets[secret_id], status=status)

    async def set_number(self, secret_id: int, number: int) -> None:
        self.s.secrets[secret_id] = replace(self.s.secrets[secret_id], number=number)

    async def take_number(
        self,
        secret_id: int,
        community_id: int,
        posted_day: str | None = None,
        counted: CounterBump | None = None,
    ) -> int:
        if counted is not None:
            bump(self.s, counted)
        if posted_day is not None:
            key = (community_id, posted_day, StatKind.POSTED)
            self.s.stats[key] = self.s.stats.get(key, 0) + 1
        old = self.s.communities[community_id]
        self.s.communities[community_id] = replace(old, secret_count=old.secret_count + 1)
        await self.set_number(secret_id, old.secret_count + 1)
        return old.secret_count + 1

    async def set_card_ref(self, secret_id: int, card_ref: str, at: datetime) -> None:
        self.s.secrets[secret_id] = replace(self.s.secrets[secret_id], card_ref=card_ref)
        self.s.published_at[secret_id] = at

    async def card_out(
        self, secret_id: int, card_ref: str, at: datetime, *, delivered: int | None = None
    ) -> bool:
        if delivered is not None:
            self.s.outbox.pop(delivered, None)
        secret = self.s.secrets[secret_id]
        queued = secret.status is SecretStatus.QUEUED
        status = SecretStatus.PUBLISHED if queued else secret.status
        self.s.secrets[secret_id] = replace(secret, card_ref=card_ref, status=status)
        self.s.published_at[secret_id] = at
        return queued

    async def claim_sending(self, secret_id: int, now: datetime, until: datetime | None) -> bool:
        secret = self.s.secrets.get(secret_id)
        if secret is None or secret.card_ref is not None:
            return False
        held = self.s.sending.get(secret_id)
        if until is not None and held is not None and held >= now:
            return False
        self.s.sending[secret_id] = until
        return True

    async def renew_sending(self, secret_ids: Sequence[int], until: datetime) -> None:
        for secret_id in secret_ids:
            secret = self.s.secrets.get(secret_id)
            if secret is not None and secret.card_ref is None and self.s.sending.get(secret_id) is not None:
                self.s.sending[secret_id] = until

    async def add_points(self, secret_id: int, delta: float) -> None:
        secret = self.s.secrets[secret_id]
        self.s.secrets[secret_id] = replace(secret, points=secret.points + delta)

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

    async def erase(self, secret_id: int) -> None:
        self.s.reactions = {r for r in self.s.reactions if r[0] != secret_id}
        self.s.reports = {k: v for k, v in self.s.reports.items() if k[0] != secret_id}
        self.s.thread_names = {k: v for k, v in self.s.thread_names.items() if k[0] != secret_id}
        thread = {k for k, r in self.s.replies.items() if r.secret_id == secret_id}
        self.s.reply_reports = {k: v for k, v in self.s.reply_reports.items() if k[0] not in thread}
        for reply_id in thread:
            self.s.replies[reply_id] = replace(self.s.replies[reply_id], text="", thread_key="")
            self.s.reply_ban_keys.pop(reply_id, None)
        erase_pictures(self.s, drafts={k for k, d in self.s.drafts.items() if d.secret_id == secret_id})
        erase_pictures(self.s, secret=secret_id)
        self.s.notices.pop(secret_id, None)
        self.s.notice_batches.pop(secret_id, None)
        self.s.drafts = {k: d for k, d in self.s.drafts.items() if d.secret_id != secret_id}
        self.s.returns.pop(secret_id, None)
        self.s.ban_keys.pop(secret_id, None)
        self.s.reporter_seals = {k: v for k, v in self.s.reporter_seals.items() if k[0] != secret_id}
        secret = self.s.secrets[secret_id]
        self.s.secrets[secret_id] = replace(
            secret,
            status=SecretStatus.DELETED,
            text="",
            normalised=None,
            author_salt=b"",
            author_tag="",
            collection=None,
        )

    async def unlink(self, secret_id: int, salt: bytes, tag: str, ban_key: bytes | None) -> None:
        self.s.secrets[secret_id] = replace(self.s.secrets[secret_id], author_salt=salt, author_tag=tag)
        self.s.returns.pop(secret_id, None)
        old = self.s.ban_keys.pop(secret_id, None)
        if old is not None and ban_key is not None:
            self.s.ban_keys[secret_id] = replace(old, sealed=ban_key)

    async def erase_removed_texts(self, before: datetime, limit: int) -> int:
        waiting = {
            i.secret_id for i in self.s.items.values() if i.status is QueueStatus.OPEN and i.reply_id is None
        }
        recent = {
            self.s.items[item_id].secret_id
            for item_id, at in self.s.decided_at.items()
            if at > before and self.s.items[item_id].reply_id is None
        }
        removed = [
            s
            for s in self.s.secrets.values()
            if s.status is SecretStatus.REMOVED
            and s.created_at <= before
            and s.id not in waiting
            and s.id not in recent
            and s.text
        ]
        erased = sorted(removed, key=lambda s: s.created_at)[:limit]
        photos = erase_pictures(self.s, secrets={s.id for s in erased})
        for secret in erased:
            self.s.secrets[secret.id] = replace(secret, text="", normalised=None, collection=None)
        return photos + len(erased)

    async def ban_key(self, secret_id: int, now: datetime) -> bytes | None:
        found = self.s.ban_keys.get(secret_id)
        waiting = any(
            i.secret_id == secret_id and i.status is QueueStatus.OPEN for i in self.s.items.values()
        )
        return found.sealed if found is not None and (found.expires_at > now or waiting) else None

    async def erase_expired_ban_keys(self, now: datetime) -> int:
        waiting = {i.secret_id for i in self.s.items.values() if i.status is QueueStatus.OPEN}
        expired = [sid for sid, k in self.s.ban_keys.items() if k.expires_at <= now and sid not in waiting]
        for sid in expired:
            del self.s.ban_keys[sid]
        return len(expired)

    async def held_ban_keys(self) -> Sequence[HeldBanKey]:
        return [
            HeldBanKey(sid, self.s.secrets[sid].author_salt, key.sealed)
            for sid, key in self.s.ban_keys.items()
        ]

    async def replace_ban_key(self, secret_id: int, sealed: bytes) -> None:
        if secret_id in self.s.ban_keys:
            self.s.ban_keys[secret_id] = replace(self.s.ban_keys[secret_id], sealed=sealed)


class FakeFeeds(Repo):
    async def page(self, query: FeedQuery) -> Sequence[Secret]:
        shared = {public.community_id: public.since for public in query.public}
        found = [
            s
            for s in self.s.secrets.values()
            if s.status is SecretStatus.PUBLISHED
            and (query.since is None or s.created_at >= query.since)
            and (
                s.community_id in query.community_ids
                or (
                    s.collection in query.collections
                    and s.created_at >= shared.get(s.community_id, FAR_FUTURE)
                )
            )
        ]

        def latest(s: Secret) -> tuple[bool, datetime, int]:  # newest card first, cards not out last
            published = self.s.published_at.get(s.id)
            return published is not None, published or s.created_at, s.id

        if query.by_points:
            found.sort(key=lambda s: (s.points, *latest(s)), reverse=True)
        else:
            found.sort(key=latest, reverse=True)
        return found[query.offset : query.offset + query.limit]

    async def top_since(self, community_id: int, since: datetime, limit: int) -> Sequence[Secret]:
        found = [
            s
            for s in self.s.secrets.values()
            if s.community_id == community_id and s.status is SecretStatus.PUBLISHED and s.created_at >= since
        ]
        return sorted(found, key=lambda s: (s.points, s.id), reverse=True)[:limit]
