"""In-memory wishes to hear about replies."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.records import PendingNotices
from tests.fakes.state import Repo


class FakeNotices(Repo):
    async def subscribe(self, secret_id: int, token: str, sealed: bytes, expires_at: datetime) -> None:
        self.s.notices[secret_id] = (token, sealed, expires_at, 0)

    async def count_reply(self, secret_id: int, now: datetime) -> bool:
        found = self.s.notices.get(secret_id)
        if found is None or found[2] <= now:
            return False
        self.s.notices[secret_id] = (*found[:3], found[3] + 1)
        return True

    async def pending(self, secret_id: int, now: datetime) -> PendingNotices | None:
        found = self.s.notices.get(secret_id)
        return (
            PendingNotices(found[0], found[1], found[3], found[2], self.s.notice_batches.get(secret_id, 0))
            if found is not None and found[2] > now
            else None
        )

    async def claim(self, seen: PendingNotices, secret_id: int, now: datetime) -> PendingNotices | None:
        found = self.s.notices.get(secret_id)
        batch = self.s.notice_batches.get(secret_id, 0)
        if found is None or found[2] <= now or batch != seen.batch or found[3] < seen.count:
            return None
        self.s.notices[secret_id] = (*found[:3], found[3] - seen.count)
        self.s.notice_batches[secret_id] = batch + 1
        return replace(seen, batch=batch + 1)

    async def give_back(self, secret_id: int, count: int) -> None:
        found = self.s.notices.get(secret_id)
        if found is not None:
            self.s.notices[secret_id] = (*found[:3], found[3] + count)

    async def stop(self, token: str) -> bool:
        found = next((sid for sid, n in self.s.notices.items() if n[0] == token), None)
        if found is None:
            return False
        del self.s.notices[found]
        self.s.notice_batches.pop(found, None)
        return True

    async def find(self, token: str, now: datetime) -> PendingNotices | None:
        sid = next((sid for sid, n in self.s.notices.items() if n[0] == token and n[2] > now), None)
        if sid is None:
            return None
        found = self.s.notices[sid]
        return PendingNotices(found[0], found[1], found[3], found[2], self.s.notice_batches.get(sid, 0))

    async def renew(self, token: str, sealed: bytes, expires_at: datetime, now: datetime) -> bool:
        found = next((sid for sid, n in self.s.notices.items() if n[0] == token and n[2] > now), None)
        if found is None:
            return False
        self.s.notices[found] = (token, sealed, expires_at, self.s.notices[found][3])
        return True

    async def erase_expired(self, now: datetime) -> int:
        expired = [sid for sid, n in self.s.notices.items() if n[2] <= now]
        for sid in expired:
            del self.s.notices[sid]
            self.s.notice_batches.pop(sid, None)
        return len(expired)
