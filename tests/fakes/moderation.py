"""In-memory drafts, moderation queue and audit log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bot.anonymity import new_token
from bot.model import (
    Draft,
    DraftStatus,
    QueueCause,
    QueueItem,
    QueueStatus,
)
from bot.records import (
    AuditEntry,
    DraftOwner,
    NewDraft,
)
from tests.fakes.pictures import erase_pictures
from tests.fakes.state import Repo


class FakeDrafts(Repo):
    async def add(self, draft: NewDraft) -> Draft:
        made = Draft(
            self.next_id(), draft.owner_salt, draft.owner_tag, draft.kind, draft.community_id, draft.secret_id, draft.text, False,
            draft.verdict, draft.reason_categories, DraftStatus.OPEN, draft.created_at,
        )  # fmt: skip
        self.s.drafts[made.id] = made
        return made

    async def get(self, draft_id: int) -> Draft | None:
        return self.s.drafts.get(draft_id)

    async def save(self, draft: Draft) -> None:
        stored = self.s.drafts.get(draft.id)
        if stored is not None:
            self.s.drafts[draft.id] = replace(
                stored,
                community_id=draft.community_id,
                content_warning=draft.content_warning,
                collection=draft.collection,
                notify_replies=draft.notify_replies,
            )

    async def transition(self, draft_id: int, old: DraftStatus, new: DraftStatus) -> bool:
        draft = self.s.drafts.get(draft_id)
        if draft is None or draft.status is not old:
            return False
        self.s.drafts[draft_id] = replace(draft, status=new)
        return True

    async def delete(self, draft_id: int) -> None:
        erase_pictures(self.s, drafts={draft_id})
        self.s.drafts.pop(draft_id, None)

    async def take(self, draft_id: int) -> bool:
        draft = self.s.drafts.get(draft_id)
        if draft is None or draft.status is not DraftStatus.OPEN:
            return False
        await self.delete(draft_id)
        return True

    async def owners(self) -> Sequence[DraftOwner]:
        return [DraftOwner(d.id, d.owner_salt, d.owner_tag) for d in self.s.drafts.values()]

    async def delete_stale(self, before: datetime) -> int:
        stale = [draft_id for draft_id, d in self.s.drafts.items() if d.created_at < before]
        erase_pictures(self.s, drafts=set(stale))
        for draft_id in stale:
            del self.s.drafts[draft_id]
        return len(stale)


class FakeModeration(Repo):
    async def add_item(
        self, community_id: int, secret_id: int, cause: QueueCause, detail: str, at: datetime
    ) -> QueueItem:
        item = QueueItem(
            self.next_id(),
            community_id,
            secret_id,
            cause,
            detail,
            QueueStatus.OPEN,
            None,
            at,
            token=new_token(),
        )
        self.s.items[item.id] = item
        return item

    async def get_item(self, item_id: int) -> QueueItem | None:
        return self.s.items.get(item_id)

    async def item_by_token(self, token: str) -> QueueItem | None:
        return next((i for i in self.s.items.values() if i.token == token), None)

    async def open_item_for(self, secret_id: int) -> QueueItem | None:
        return next(
            (
                i
                for i in self.s.items.values()
                if i.secret_id == secret_id and i.reply_id is None and i.status is QueueStatus.OPEN
            ),
            None,
        )

    async def last_decision_at(self, secret_id: int) -> datetime | None:
        times = [
            at
            for item_id, at in self.s.decided_at.items()
            if self.s.items[item_id].secret_id == secret_id and self.s.items[item_id].reply_id is None
        ]
        return max(times, default=None)

    async def decide(self, item_id: int, status: QueueStatus, at: datetime) -> bool:
        item = self.s.items.get(item_id)
        if item is None or item.status is not QueueStatus.OPEN:
            return False
        self.s.items[item_id] = replace(item, status=status)
        self.s.decided_at[item_id] = at
        return True

    async def set_item_ref(self, item_id: int, message_ref: str) -> None:
        self.s.items[item_id] = replace(self.s.items[item_id], message_ref=message_ref)

    async def set_item_detail(self, item_id: int, detail: str) -> None:
        self.s.items[item_id] = replace(self.s.items[item_id], detail=detail)

    async def audit(self, entry: AuditEntry) -> None:
        e = entry
        self.s.audit.append((e.community_id, e.moderator_key, e.at, e.action, e.secret_id, e.detail))

    async def audit_log(self, community_id: int, limit: int, offset: int = 0) -> Sequence[AuditEntry]:
        found = [
            (at, index, AuditEntry(cid, key, action, sid, detail, at))
            for index, (cid, key, at, action, sid, detail) in enumerate(self.s.audit)
            if cid == community_id
        ]
        found.sort(key=lambda row: (row[0], row[1]), reverse=True)
        return [entry for _, _, entry in found][offset : offset + limit]
