"""In-memory replies, reactions and reports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from bot.model import (
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
    SealedReporter,
)
from tests.fakes.state import Repo


class FakeReplies(Repo):
    async def add(self, reply: NewReply) -> ReplyPost:
        made = ReplyPost(
            self.next_id(), reply.secret_id, reply.thread_key, reply.text, reply.pseudonym, reply.by_author,
            reply.created_at, None, reply.token,
        )  # fmt: skip
        self.s.replies[made.id] = made
        if reply.ban_key is not None:
            self.s.reply_ban_keys[made.id] = reply.ban_key
        return made

    async def get(self, reply_id: int) -> ReplyPost | None:
        return self.s.replies.get(reply_id)

    async def by_token(self, token: str) -> ReplyPost | None:
        return next((r for r in self.s.replies.values() if r.token == token), None)

    async def set_message_ref(self, reply_id: int, message_ref: str) -> None:
        self.s.replies[reply_id] = replace(self.s.replies[reply_id], message_ref=message_ref)

    async def count(self, secret_id: int) -> int:
        return sum(
            1
            for r in self.s.replies.values()
            if r.secret_id == secret_id and r.message_ref is not None and r.status is ReplyStatus.PUBLISHED
        )

    async def counts(self, secret_ids: Sequence[int]) -> Mapping[int, int]:
        return {i: await self.count(i) for i in secret_ids}

    async def ban_key(self, reply_id: int, now: datetime) -> bytes | None:
        found = self.s.reply_ban_keys.get(reply_id)
        return found.sealed if found is not None and found.expires_at > now else None

    async def erase_expired_ban_keys(self, now: datetime) -> int:
        expired = [rid for rid, k in self.s.reply_ban_keys.items() if k.expires_at <= now]
        for rid in expired:
            del self.s.reply_ban_keys[rid]
        return len(expired)

    async def of_thread(self, secret_id: int, thread_key: str) -> Sequence[ReplyPost]:
        return sorted(
            (r for r in self.s.replies.values() if r.secret_id == secret_id and r.thread_key == thread_key),
            key=lambda r: r.id,
        )

    async def rekey(
        self, secret_id: int, thread_key: str, new_key: str, ban_keys: Mapping[int, bytes]
    ) -> None:
        for reply in await self.of_thread(secret_id, thread_key):
            self.s.replies[reply.id] = replace(reply, thread_key=new_key)
            old = self.s.reply_ban_keys.pop(reply.id, None)
            if old is not None and reply.id in ban_keys:
                self.s.reply_ban_keys[reply.id] = replace(old, sealed=ban_keys[reply.id])
        name = self.s.thread_names.pop((secret_id, thread_key), None)
        if name is not None:
            self.s.thread_names[(secret_id, new_key)] = name

    async def erase(self, reply_id: int) -> None:
        reply = self.s.replies[reply_id]
        self.s.replies[reply_id] = replace(reply, text="", thread_key="", status=ReplyStatus.DELETED)
        self.s.reply_ban_keys.pop(reply_id, None)
        self.s.reply_reports = {k: v for k, v in self.s.reply_reports.items() if k[0] != reply_id}
        if reply.thread_key and not await self.of_thread(reply.secret_id, reply.thread_key):
            self.s.thread_names.pop((reply.secret_id, reply.thread_key), None)

    async def erase_removed_texts(self, before: datetime, limit: int) -> int:
        items = self.s.items
        waiting = {i.reply_id for i in items.values() if i.status is QueueStatus.OPEN}
        recent = {items[item_id].reply_id for item_id, at in self.s.decided_at.items() if at > before}
        erased = [
            r
            for r in self.s.replies.values()
            if r.status is ReplyStatus.REMOVED
            and r.text
            and r.created_at <= before
            and r.id not in waiting
            and r.id not in recent
        ]
        erased = sorted(erased, key=lambda r: r.created_at)[:limit]
        for reply in erased:
            self.s.replies[reply.id] = replace(reply, text="")
        return len(erased)

    async def pseudonym_of(self, secret_id: int, thread_key: str) -> str | None:
        return self.s.thread_names.get((secret_id, thread_key))

    async def claim_pseudonym(self, secret_id: int, thread_key: str, pseudonym: str) -> bool:
        taken = {name for (sid, _), name in self.s.thread_names.items() if sid == secret_id}
        if (secret_id, thread_key) in self.s.thread_names or pseudonym in taken:
            return False
        self.s.thread_names[(secret_id, thread_key)] = pseudonym
        return True


class FakeReactions(Repo):
    async def toggle(self, secret_id: int, reactor_key: str, reaction: Reaction, points: float = 0.0) -> bool:
        entry = (secret_id, reactor_key, reaction)
        added = entry not in self.s.reactions
        if added:
            self.s.reactions.add(entry)
        else:
            self.s.reactions.discard(entry)
        secret = self.s.secrets[secret_id]
        self.s.secrets[secret_id] = replace(secret, points=secret.points + (points if added else -points))
        return added

    async def counts(self, secret_id: int) -> ReactionCounts:
        counts = {r.value: 0 for r in Reaction}
        for sid, _, reaction in self.s.reactions:
            if sid == secret_id:
                counts[reaction.value] += 1
        return ReactionCounts(**counts)

    async def counts_of(self, secret_ids: Sequence[int]) -> Mapping[int, ReactionCounts]:
        return {i: await self.counts(i) for i in secret_ids}


class FakeReports(Repo):
    async def add(self, report: NewReport) -> bool:
        if (report.secret_id, report.reporter_key) in self.s.reports:
            return False
        self.s.reports[(report.secret_id, report.reporter_key)] = (
            report.reason,
            report.weight,
            report.created_at,
        )
        if report.sealed_member_key is not None:
            self.s.reporter_seals[(report.secret_id, report.reporter_key)] = report.sealed_member_key
        return True

    async def weight(self, secret_id: int, since: datetime | None = None) -> float:
        return sum(
            weight
            for (sid, _), (_, weight, at) in self.s.reports.items()
            if sid == secret_id and (since is None or at > since)
        )

    async def reasons(self, secret_id: int) -> Sequence[ReportReason]:
        return [reason for (sid, _), (reason, _, _) in self.s.reports.items() if sid == secret_id]

    async def sealed_reporters(self, secret_id: int, now: datetime) -> Sequence[SealedReporter]:
        return [
            SealedReporter(key, sealed.sealed)
            for (sid, key), sealed in self.s.reporter_seals.items()
            if sid == secret_id and sealed.expires_at > now
        ]

    async def erase_seals(self, secret_id: int) -> None:
        for entry in [entry for entry in self.s.reporter_seals if entry[0] == secret_id]:
            del self.s.reporter_seals[entry]

    async def erase_expired_seals(self, now: datetime) -> int:
        expired = [entry for entry, sealed in self.s.reporter_seals.items() if sealed.expires_at <= now]
        for entry in expired:
            del self.s.reporter_seals[entry]
        return len(expired)

    async def record_of(self, member_key: str, community_id: int) -> ReporterRecord:
        return ReporterRecord(*self.s.reporter_records.get((member_key, community_id), (0, 0)))

    async def record_judgement(self, member_key: str, community_id: int, upheld: bool) -> None:
        old_upheld, old_rejected = self.s.reporter_records.get((member_key, community_id), (0, 0))
        self.s.reporter_records[(member_key, community_id)] = (
            old_upheld + int(upheld),
            old_rejected + int(not upheld),
        )
