"""In-memory bans as moderators handle them, and direct moderation's look-ups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bot.model import BanRecord, Community, Secret
from tests.fakes.communities import resolved
from tests.fakes.state import Repo


class FakeSanctions(Repo):
    async def ban(
        self, community_id: int, member_key: str, until: datetime | None, secret_id: int | None, at: datetime
    ) -> BanRecord:
        record = BanRecord(self.next_id(), community_id, until, secret_id, at)
        self.s.ban_records[record.id] = (record, member_key)
        return record

    async def in_force(self, community_id: int, now: datetime) -> Sequence[BanRecord]:
        found = [
            record
            for record, _ in self.s.ban_records.values()
            if record.community_id == community_id
            and record.lifted_at is None
            and (record.until is None or record.until > now)
        ]
        return sorted(found, key=lambda record: -record.id)

    async def get(self, ban_id: int) -> BanRecord | None:
        found = self.s.ban_records.get(ban_id)
        return found[0] if found else None

    async def lift(self, ban_id: int, at: datetime) -> bool:
        found = self.s.ban_records.get(ban_id)
        if found is None or found[0].lifted_at is not None:
            return False
        self.s.ban_records[ban_id] = (replace(found[0], lifted_at=at), found[1])
        return True

    async def secret_by_number(self, community_id: int, number: int) -> Secret | None:
        return next(
            (s for s in self.s.secrets.values() if s.community_id == community_id and s.number == number),
            None,
        )

    async def moderated_in(self, platform: str, chat_ref: str) -> Sequence[Community]:
        return sorted(
            (
                resolved(c, self.defaults)
                for c in self.s.communities.values()
                if c.platform == platform and c.moderation_chat_ref == chat_ref and c.active
            ),
            key=lambda c: c.id,
        )
