"""In-memory replies as moderators see them: their state, reports and queue items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bot.anonymity import new_token
from bot.model import QueueCause, QueueItem, QueueStatus, ReplyPost, ReplyStatus, ReportReason
from tests.fakes.state import Repo


class FakeReplyModeration(Repo):
    async def thread(self, secret_id: int) -> Sequence[ReplyPost]:
        return sorted((r for r in self.s.replies.values() if r.secret_id == secret_id), key=lambda r: r.id)

    async def set_status(self, reply_id: int, status: ReplyStatus) -> None:
        self.s.replies[reply_id] = replace(self.s.replies[reply_id], status=status)

    async def add_report(
        self, reply_id: int, reporter_key: str, reason: ReportReason, weight: float, at: datetime
    ) -> bool:
        if (reply_id, reporter_key) in self.s.reply_reports:
            return False
        self.s.reply_reports[(reply_id, reporter_key)] = (reason, weight, at)
        return True

    async def report_weight(self, reply_id: int, since: datetime | None = None) -> float:
        return sum(
            weight
            for (rid, _), (_, weight, at) in self.s.reply_reports.items()
            if rid == reply_id and (since is None or at > since)
        )

    async def report_reasons(self, reply_id: int) -> Sequence[ReportReason]:
        return [reason for (rid, _), (reason, _, _) in self.s.reply_reports.items() if rid == reply_id]

    async def add_item(
        self, community_id: int, reply: ReplyPost, cause: QueueCause, detail: str, at: datetime
    ) -> QueueItem:
        item = QueueItem(
            self.next_id(),
            community_id,
            reply.secret_id,
            cause,
            detail,
            QueueStatus.OPEN,
            None,
            at,
            reply.id,
            new_token(),
        )
        self.s.items[item.id] = item
        return item

    async def open_item_for(self, reply_id: int) -> QueueItem | None:
        return next(
            (i for i in self.s.items.values() if i.reply_id == reply_id and i.status is QueueStatus.OPEN),
            None,
        )

    async def last_decision_at(self, reply_id: int) -> datetime | None:
        times = [
            at for item_id, at in self.s.decided_at.items() if self.s.items[item_id].reply_id == reply_id
        ]
        return max(times, default=None)
