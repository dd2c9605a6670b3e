"""In-memory members, preferences and digests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.model import (
    Ban,
    PendingInput,
)
from bot.records import (
    DigestAddress,
    DigestReader,
)
from tests.fakes.state import FAR_FUTURE, Repo


class FakeMembers(Repo):
    async def verified_since(self, author_key: str, since: datetime) -> Sequence[int]:
        return [cid for (key, cid), at in self.s.memberships.items() if key == author_key and at >= since]

    async def mark_verified(self, author_key: str, community_id: int, at: datetime) -> None:
        self.s.memberships[(author_key, community_id)] = at

    async def forget_membership(self, author_key: str, community_id: int) -> None:
        self.s.memberships.pop((author_key, community_id), None)
        self.s.joins.pop((author_key, community_id), None)

    async def joined_at(self, author_key: str, community_id: int) -> datetime | None:
        return self.s.joins.get((author_key, community_id))

    async def record_join(self, author_key: str, community_id: int, at: datetime) -> None:
        self.s.joins[(author_key, community_id)] = at
        self.s.memberships[(author_key, community_id)] = at

    async def add_strike(self, author_key: str, at: datetime) -> None:
        self.s.strikes.append((author_key, at))

    async def strikes_since(self, author_key: str, since: datetime) -> Sequence[datetime]:
        return sorted(at for key, at in self.s.strikes if key == author_key and at >= since)

    async def active_ban(self, author_key: str, community_id: int, now: datetime) -> Ban | None:
        active = [
            b
            for b in self.s.bans
            if b.author_key == author_key
            and b.community_id == community_id
            and (b.until is None or b.until > now)
        ]
        active += [
            Ban(record.community_id, key, record.until)
            for record, key in self.s.ban_records.values()
            if key == author_key
            and record.community_id == community_id
            and record.lifted_at is None
            and (record.until is None or record.until > now)
        ]
        return max(active, key=lambda b: b.until or FAR_FUTURE, default=None)

    async def add_ban(self, ban: Ban, at: datetime) -> None:
        self.s.bans.append(ban)


class FakePreferences(Repo):
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

    async def subscriptions(self, author_key: str) -> Sequence[str]:
        return sorted(c for key, c in self.s.subscriptions if key == author_key)

    async def set_subscription(self, author_key: str, collection: str, on: bool) -> None:
        if on:
            self.s.subscriptions.add((author_key, collection))
        else:
            self.s.subscriptions.discard((author_key, collection))


class FakeDigests(Repo):
    async def claim_community(self, community_id: int, period: str, at: datetime) -> bool:
        if (community_id, period) in self.s.digest_runs:
            return False
        self.s.digest_runs.add((community_id, period))
        return True

    async def claim_member(self, author_key: str, period: str, at: datetime) -> bool:
        if (author_key, period) in self.s.member_digest_runs:
            return False
        self.s.member_digest_runs.add((author_key, period))
        return True

    async def address(self, author_key: str, now: datetime) -> DigestAddress | None:
        found = self.s.digest_readers.get(author_key)
        return found if found is not None and found.expires_at > now else None

    async def set_address(self, author_key: str, address: DigestAddress | None) -> None:
        self.s.digest_readers.pop(author_key, None)
        if address is not None:
            self.s.digest_readers[author_key] = address

    async def readers(self, now: datetime) -> Sequence[DigestReader]:
        found = [DigestReader(key, a) for key, a in self.s.digest_readers.items() if a.expires_at > now]
        return sorted(found, key=lambda reader: reader.author_key)

    async def erase_expired(self, now: datetime) -> int:
        expired = [key for key, a in self.s.digest_readers.items() if a.expires_at <= now]
        for key in expired:
            del self.s.digest_readers[key]
        return len(expired)
