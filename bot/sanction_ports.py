"""What direct moderation needs from storage: numbered bans moderators can list and lift, and finding a
secret by its number or a community by its moderators' chat."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.model import BanRecord, Community, Secret


class SanctionRepository(Protocol):
    async def ban(
        self, community_id: int, member_key: str, until: datetime | None, secret_id: int | None, at: datetime
    ) -> BanRecord:
        """A ban of an author, by their key in the community (``until`` None: for good), for a secret or a
        reply under it."""
        ...

    async def in_force(self, community_id: int, now: datetime) -> Sequence[BanRecord]:
        """The community's bans neither lifted nor over, newest first."""
        ...

    async def get(self, ban_id: int) -> BanRecord | None: ...
    async def lift(self, ban_id: int, at: datetime) -> bool:
        """Lift a ban; False when it was lifted already."""
        ...

    async def secret_by_number(self, community_id: int, number: int) -> Secret | None: ...
    async def moderated_in(self, platform: str, chat_ref: str) -> Sequence[Community]:
        """The active communities whose moderators' chat this is."""
        ...
