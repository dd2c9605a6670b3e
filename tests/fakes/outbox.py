"""The in-memory outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.outbox import OutboxMessage
from bot.ports import OutboxEntry
from tests.fakes.state import Repo


class FakeOutbox(Repo):
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

    async def beat(self, now: datetime) -> None:
        self.s.beats.append(now)

    async def next_due(self) -> datetime | None:
        ready = [
            max(e["not_before"], e["claimed"] or e["not_before"])
            for e in self.s.outbox.values()
            if e["status"] == "pending"
        ]
        return min(ready, default=None)
