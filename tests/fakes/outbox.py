"""The in-memory outbox."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from bot.outbox import Carrier, OfCommunity, OfDigestReader, OfPlatform, OfReply, OfSecret, OutboxMessage
from bot.ports import OutboxEntry
from tests.fakes.state import Repo


def _mine(entry: dict[str, Any], platforms: Collection[str] | None) -> bool:
    return platforms is None or entry["platform"] is None or entry["platform"] in platforms


class FakeOutbox(Repo):
    def _platform(self, carrier: Carrier) -> str | None:
        community_id: int | None = None
        if isinstance(carrier, OfDigestReader):
            address = self.s.digest_readers.get(carrier.preference_key)
            return address.platform if address else None
        if isinstance(carrier, OfPlatform):
            return carrier.platform
        if isinstance(carrier, OfCommunity):
            community_id = carrier.community_id
        elif isinstance(carrier, OfSecret):
            secret = self.s.secrets.get(carrier.secret_id)
            community_id = secret.community_id if secret else None
        elif isinstance(carrier, OfReply):
            reply = self.s.replies.get(carrier.reply_id)
            secret = self.s.secrets.get(reply.secret_id) if reply else None
            community_id = secret.community_id if secret else None
        else:
            item = self.s.items.get(carrier.item_id)
            community_id = item.community_id if item else None
        community = self.s.communities.get(community_id) if community_id is not None else None
        return community.platform if community else None

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
            "platform": self._platform(message.carrier()),
        }  # fmt: skip
        self._uow.outbox_written = True

    async def add_all(self, messages: Sequence[tuple[OutboxMessage, datetime]]) -> None:
        for message, not_before in messages:
            await self.add(message, not_before)

    async def hold(self, message: OutboxMessage, not_before: datetime) -> int:
        entry_id = self.next_id()
        self.s.outbox[entry_id] = {
            "message": message, "not_before": not_before, "dedupe": None,
            "status": "pending", "claimed": None, "attempts": 0,
            "platform": self._platform(message.carrier()),
        }  # fmt: skip
        return entry_id

    async def call_off_entry(self, entry_id: int) -> None:
        e = self.s.outbox.get(entry_id)
        if e is not None and e["status"] == "pending" and e["claimed"] is None:
            del self.s.outbox[entry_id]

    async def claim_due(
        self, now: datetime, limit: int, lease_until: datetime, platforms: Collection[str] | None = None
    ) -> Sequence[OutboxEntry]:
        due = [
            (entry_id, e)
            for entry_id, e in self.s.outbox.items()
            if e["status"] == "pending"
            and _mine(e, platforms)
            and e["not_before"] <= now
            and (e["claimed"] is None or e["claimed"] < now)
        ]
        due.sort(key=lambda pair: (pair[1]["not_before"], pair[0]))
        claimed = []
        for entry_id, e in due[:limit]:
            e["claimed"] = lease_until
            claimed.append(OutboxEntry(entry_id, e["message"], e["attempts"], e["not_before"]))
        return claimed

    async def call_off(self, dedupe_key: str) -> None:
        for entry_id, e in list(self.s.outbox.items()):
            if e["dedupe"] == dedupe_key and e["status"] == "pending" and e["claimed"] is None:
                del self.s.outbox[entry_id]

    async def put_off(self, dedupe_key: str, not_before: datetime) -> None:
        for e in self.s.outbox.values():
            if e["dedupe"] == dedupe_key and e["status"] == "pending" and e["claimed"] is None:
                e["not_before"] = not_before

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

    async def beat(self, now: datetime) -> None:
        self.s.beats.append(now)

    async def next_due(self, platforms: Collection[str] | None = None) -> datetime | None:
        ready = [
            max(e["not_before"], e["claimed"] or e["not_before"])
            for e in self.s.outbox.values()
            if e["status"] == "pending" and _mine(e, platforms)
        ]
        return min(ready, default=None)
