"""In-memory members (by community keys, with period counters), preferences, own lists and digests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.model import Ban
from bot.records import (
    Counter,
    CounterBump,
    DigestAddress,
    DigestReader,
    OwnList,
    SealedValue,
    Standing,
    Standings,
)
from tests.fakes.state import FAR_FUTURE, Repo, State


def bump(state: State, counted: CounterBump) -> None:
    """One more on a member's counter, as ``MemberRepository.bump_counter`` does."""
    found = state.counters.get(counted.key)
    count = found[0].count + 1 if found is not None else 1
    state.counters[counted.key] = (Counter(count, counted.at), counted.expires_at)


class FakeMembers(Repo):
    async def verified_since(self, member_keys: Sequence[str], since: datetime) -> Sequence[int]:
        wanted = set(member_keys)
        return [cid for (key, cid), at in self.s.memberships.items() if key in wanted and at >= since]

    async def verified_at(self, member_keys: Sequence[str]) -> Mapping[int, datetime]:
        wanted, found = set(member_keys), dict[int, datetime]()
        for (key, cid), at in self.s.memberships.items():
            if key in wanted:
                found[cid] = max(at, found.get(cid, at))
        return found

    async def standings(
        self, member_keys: Sequence[str], now: datetime, counter_keys: Sequence[str] = ()
    ) -> Standings:
        wanted = set(member_keys)
        banned = {(b.member_key, b.community_id) for b in self.s.bans if b.member_key in wanted}
        banned |= {(key, r.community_id) for r, key in self.s.ban_records.values() if key in wanted}
        bans = {cid: await self.active_ban(key, cid, now) for key, cid in banned}
        found = {cid: ban for cid, ban in bans.items() if ban is not None}
        counters = {key: await self.counter(key, now) for key in counter_keys}
        held = {key: counter for key, counter in counters.items() if counter is not None}
        return Standings(await self.verified_at(member_keys), found, held)

    async def mark_verified(self, member_key: str, community_id: int, at: datetime) -> None:
        self.s.memberships[(member_key, community_id)] = at

    async def forget_membership(self, member_key: str, community_id: int) -> None:
        self.s.memberships.pop((member_key, community_id), None)
        self.s.joins.pop((member_key, community_id), None)

    async def forget_memberships(self, member_keys: Sequence[str]) -> None:
        keys = set(member_keys)
        self.s.memberships = {k: v for k, v in self.s.memberships.items() if k[0] not in keys}
        self.s.joins = {k: v for k, v in self.s.joins.items() if k[0] not in keys}

    async def joined_at(self, member_key: str, community_id: int) -> datetime | None:
        return self.s.joins.get((member_key, community_id))

    async def record_join(self, member_key: str, community_id: int, at: datetime) -> None:
        self.s.joins[(member_key, community_id)] = at
        self.s.memberships[(member_key, community_id)] = at

    async def counter(self, counter_key: str, now: datetime) -> Counter | None:
        found = self.s.counters.get(counter_key)
        return found[0] if found is not None and found[1] > now else None

    async def bump_counter(self, counter_key: str, at: datetime, expires_at: datetime) -> None:
        bump(self.s, CounterBump(counter_key, at, expires_at))

    async def erase_expired_counters(self, now: datetime) -> int:
        expired = [key for key, (_, until) in self.s.counters.items() if until <= now]
        for key in expired:
            del self.s.counters[key]
        return len(expired)

    async def standing(
        self,
        member_key: str,
        community_id: int,
        since: datetime,
        now: datetime,
        counter_key: str | None = None,
    ) -> Standing:
        at = self.s.memberships.get((member_key, community_id))
        ban = await self.active_ban(member_key, community_id, now)
        counted = await self.counter(counter_key, now) if counter_key is not None else None
        return Standing(at is not None and at >= since, ban, counted)

    async def active_ban(self, member_key: str, community_id: int, now: datetime) -> Ban | None:
        active = [
            b
            for b in self.s.bans
            if b.member_key == member_key
            and b.community_id == community_id
            and (b.until is None or b.until > now)
        ]
        active += [
            Ban(record.community_id, key, record.until)
            for record, key in self.s.ban_records.values()
            if key == member_key
            and record.community_id == community_id
            and record.lifted_at is None
            and (record.until is None or record.until > now)
        ]
        return max(active, key=lambda b: b.until or FAR_FUTURE, default=None)

    async def add_ban(self, ban: Ban, at: datetime) -> None:
        self.s.bans.append(ban)


class FakePreferences(Repo):
    async def locale(self, preference_key: str) -> str | None:
        return self.s.locales.get(preference_key)

    async def set_locale(self, preference_key: str, locale: str) -> None:
        self.s.locales[preference_key] = locale

    async def pending_input(self, pending_key: str, now: datetime) -> SealedValue | None:
        found = self.s.pending.get(pending_key)
        return found if found is not None and found.expires_at > now else None

    async def set_pending_input(self, pending_key: str, pending: SealedValue | None) -> None:
        self.s.pending.pop(pending_key, None)
        if pending is not None:
            self.s.pending[pending_key] = pending

    async def subscriptions(self, preference_key: str) -> Sequence[str]:
        return sorted(c for key, c in self.s.subscriptions if key == preference_key)

    async def set_subscription(self, preference_key: str, collection: str, on: bool) -> None:
        if on:
            self.s.subscriptions.add((preference_key, collection))
        else:
            self.s.subscriptions.discard((preference_key, collection))

    async def erase(self, preference_key: str, pending_key: str) -> None:
        self.s.locales.pop(preference_key, None)
        self.s.subscriptions = {s for s in self.s.subscriptions if s[0] != preference_key}
        self.s.pending.pop(pending_key, None)


class FakeOwnLists(Repo):
    async def get(self, locator: str) -> OwnList | None:
        return self.s.own_lists.get(locator)

    async def save(self, locator: str, sealed: bytes, previous: str | None, version: str) -> bool:
        current = self.s.own_lists.get(locator)
        if (current.version if current else None) != previous:
            return False
        self.s.own_lists[locator] = OwnList(sealed, version)
        return True

    async def delete(self, locator: str) -> None:
        self.s.own_lists.pop(locator, None)


class FakeDigests(Repo):
    async def claim_community(self, community_id: int, period: str, at: datetime) -> bool:
        if (community_id, period) in self.s.digest_runs:
            return False
        self.s.digest_runs.add((community_id, period))
        return True

    async def claim_member(self, preference_key: str, period: str, at: datetime) -> bool:
        if (preference_key, period) in self.s.member_digest_runs:
            return False
        self.s.member_digest_runs[(preference_key, period)] = at
        return True

    async def member_claims(self, since: datetime) -> set[tuple[str, str]]:
        return {run for run, at in self.s.member_digest_runs.items() if at >= since}

    async def address(self, preference_key: str, now: datetime) -> DigestAddress | None:
        found = self.s.digest_readers.get(preference_key)
        return found if found is not None and found.expires_at > now else None

    async def set_address(self, preference_key: str, address: DigestAddress | None) -> None:
        self.s.digest_readers.pop(preference_key, None)
        if address is not None:
            self.s.digest_readers[preference_key] = address

    async def readers(self, now: datetime) -> Sequence[DigestReader]:
        found = [DigestReader(key, a) for key, a in self.s.digest_readers.items() if a.expires_at > now]
        return sorted(found, key=lambda reader: reader.preference_key)

    async def forget_reader(self, preference_key: str) -> None:
        self.s.digest_readers.pop(preference_key, None)
        self.s.member_digest_runs = {
            r: at for r, at in self.s.member_digest_runs.items() if r[0] != preference_key
        }

    async def erase_expired(self, now: datetime) -> int:
        expired = [key for key, a in self.s.digest_readers.items() if a.expires_at <= now]
        for key in expired:
            del self.s.digest_readers[key]
        return len(expired)

    async def erase_member_claims(self, before: datetime) -> int:
        old = [run for run, at in self.s.member_digest_runs.items() if at < before]
        for run in old:
            del self.s.member_digest_runs[run]
        return len(old)
