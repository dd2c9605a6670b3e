"""In-memory replies, reactions and reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bot.model import (
    QueueCause,
    QueueStatus,
    Reaction,
    ReactionCounts,
    ReplyPost,
    ReplyStatus,
    ReportReason,
)
from bot.records import (
    NewReply,
    NewReport,
    ReporterRecord,
)
from tests.fakes.state import Repo


class FakeReplies(Repo):
    async def add(self, reply: NewReply) -> ReplyPost:
        made = ReplyPost(
            self.next_id(), reply.secret_id, reply.author_key, reply.text, reply.pseudonym, reply.by_author,
            reply.created_at, None,
        )  # fmt: skip
        self.s.replies[made.id] = made
        return made

    async def get(self, reply_id: int) -> ReplyPost | None:
        return self.s.replies.get(reply_id)

    async def set_message_ref(self, reply_id: int, message_ref: str) -> None:
        self.s.replies[reply_id] = replace(self.s.replies[reply_id], message_ref=message_ref)

    async def count(self, secret_id: int) -> int:
        return sum(
            1
            for r in self.s.replies.values()
            if r.secret_id == secret_id and r.message_ref is not None and r.status is ReplyStatus.PUBLISHED
        )

    async def count_by_author_since(self, author_key: str, since: datetime) -> int:
        return sum(1 for r in self.s.replies.values() if r.author_key == author_key and r.created_at >= since)

    async def pseudonym_of(self, secret_id: int, author_key: str) -> str | None:
        return self.s.thread_names.get((secret_id, author_key))

    async def claim_pseudonym(self, secret_id: int, author_key: str, pseudonym: str) -> bool:
        taken = {name for (sid, _), name in self.s.thread_names.items() if sid == secret_id}
        if (secret_id, author_key) in self.s.thread_names or pseudonym in taken:
            return False
        self.s.thread_names[(secret_id, author_key)] = pseudonym
        return True


class FakeReactions(Repo):
    async def toggle(self, secret_id: int, reactor_key: str, reaction: Reaction) -> bool:
        entry = (secret_id, reactor_key, reaction)
        if entry in self.s.reactions:
            self.s.reactions.discard(entry)
            return False
        self.s.reactions.add(entry)
        return True

    async def counts(self, secret_id: int) -> ReactionCounts:
        counts = {r.value: 0 for r in Reaction}
        for sid, _, reaction in self.s.reactions:
            if sid == secret_id:
                counts[reaction.value] += 1
        return ReactionCounts(**counts)


class FakeReports(Repo):
    async def add(self, report: NewReport) -> bool:
        if (report.secret_id, report.reporter_key) in self.s.reports:
            return False
        self.s.reports[(report.secret_id, report.reporter_key)] = (
            report.reason,
            report.weight,
            report.created_at,
        )
        return True

    async def weight(self, secret_id: int, since: datetime | None = None) -> float:
        return sum(
            weight
            for (sid, _), (_, weight, at) in self.s.reports.items()
            if sid == secret_id and (since is None or at > since)
        )

    async def reasons(self, secret_id: int) -> Sequence[ReportReason]:
        return [reason for (sid, _), (reason, _, _) in self.s.reports.items() if sid == secret_id]

    async def record_of(self, reporter_key: str, community_id: int) -> ReporterRecord:
        reported = {sid: at for (sid, key), (_, _, at) in self.s.reports.items() if key == reporter_key}
        decided = {
            (i.secret_id, i.status)  # a secret judged twice the same way counts once
            for i in self.s.items.values()
            if i.secret_id in reported
            and i.community_id == community_id
            and i.cause is QueueCause.REPORTS
            and i.id in self.s.decided_at
            and reported[i.secret_id] <= self.s.decided_at[i.id]
        }
        upheld = sum(1 for _, s in decided if s in (QueueStatus.REMOVED, QueueStatus.BANNED))
        return ReporterRecord(upheld, sum(1 for _, s in decided if s is QueueStatus.APPROVED))
