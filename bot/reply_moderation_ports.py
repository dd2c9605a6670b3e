"""What moderating replies needs from storage: their state, their reports and their queue items."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.model import QueueCause, QueueItem, ReplyPost, ReplyStatus, ReportReason


class ReplyModerationRepository(Protocol):
    async def thread(self, secret_id: int) -> Sequence[ReplyPost]:
        """Every reply under a secret, oldest first, whatever its state."""
        ...

    async def set_status(self, reply_id: int, status: ReplyStatus) -> None: ...
    async def add_report(
        self, reply_id: int, reporter_key: str, reason: ReportReason, weight: float, at: datetime
    ) -> bool:
        """False when this reporter had already reported this reply."""
        ...

    async def report_weight(self, reply_id: int, since: datetime | None = None) -> float: ...
    async def report_reasons(self, reply_id: int) -> Sequence[ReportReason]: ...
    async def add_item(
        self, community_id: int, reply: ReplyPost, cause: QueueCause, detail: str, at: datetime
    ) -> QueueItem:
        """A queue item about a reply (its ``secret_id`` is the reply's thread)."""
        ...

    async def open_item_for(self, reply_id: int) -> QueueItem | None: ...
    async def last_decision_at(self, reply_id: int) -> datetime | None: ...
