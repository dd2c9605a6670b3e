"""Storage contract for the moderation queue, the audit log and drafts, on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.model import DraftKind, DraftStatus, QueueCause, QueueStatus
from bot.moderation.verdict import Verdict
from bot.ports import Database
from bot.records import AuditEntry, NewDraft
from tests.storage.contract import KEY, NOW, OTHER, SALT, add_community, add_secret


async def test_a_queue_item_keeps_its_message_and_decision(store: Database) -> None:
    community_id = await add_community(store)
    secret_id = await add_secret(store, community_id)
    async with store.unit_of_work() as uow:
        item = await uow.moderation.add_item(community_id, secret_id, QueueCause.FILTER, "phone,email", NOW)
        await uow.moderation.set_item_ref(item.id, "q-1")
        await uow.commit()
    async with store.unit_of_work() as uow:
        found = await uow.moderation.get_item(item.id)
        assert found is not None
        assert (found.community_id, found.secret_id, found.cause, found.detail) == (
            community_id, secret_id, QueueCause.FILTER, "phone,email"
        )  # fmt: skip
        assert (found.status, found.message_ref, found.created_at) == (QueueStatus.OPEN, "q-1", NOW)
        assert await uow.moderation.get_item(item.id + 1000) is None
        assert await uow.moderation.last_decision_at(secret_id) is None
        assert await uow.moderation.decide(item.id, QueueStatus.APPROVED, NOW + timedelta(hours=1))
        again = await uow.moderation.add_item(community_id, secret_id, QueueCause.REPORTS, "spam", NOW)
        assert await uow.moderation.decide(again.id, QueueStatus.REMOVED, NOW + timedelta(hours=3))
        await uow.commit()
        decided = await uow.moderation.get_item(item.id)
        assert decided is not None and decided.status is QueueStatus.APPROVED
        assert await uow.moderation.last_decision_at(secret_id) == NOW + timedelta(hours=3)


async def test_the_audit_log_is_newest_first_per_community(store: Database) -> None:
    community_id = await add_community(store)
    elsewhere = await add_community(store, "g2")
    secret_id = await add_secret(store, community_id)
    entries = [
        AuditEntry(community_id, KEY, "approve", secret_id, "filter", NOW + timedelta(hours=2)),
        AuditEntry(community_id, OTHER, "unban", None, "", NOW),  # recorded late
        AuditEntry(community_id, KEY, "remove", secret_id, "spam", NOW + timedelta(hours=3)),
        AuditEntry(elsewhere, KEY, "remove", None, "spam", NOW),
    ]
    async with store.unit_of_work() as uow:
        for entry in entries:
            await uow.moderation.audit(entry)
        await uow.commit()
        log = await uow.moderation.audit_log(community_id, 10)
        assert list(log) == [entries[2], entries[0], entries[1]]
        assert list(await uow.moderation.audit_log(community_id, 1)) == list(log)[:1]


async def test_a_draft_keeps_its_choices(store: Database) -> None:
    community_id = await add_community(store)
    secret_id = await add_secret(store, community_id)
    async with store.unit_of_work() as uow:
        draft = await uow.drafts.add(
            NewDraft(
                owner_salt=SALT,
                owner_tag=KEY,
                kind=DraftKind.REPLY,
                secret_id=secret_id,
                text="a reply",
                verdict=Verdict.REVIEW,
                reason_categories=("phone", "email"),
                created_at=NOW,
            )
        )
        await uow.commit()
        assert (draft.kind, draft.secret_id, draft.community_id, draft.text) == (
            DraftKind.REPLY, secret_id, None, "a reply"
        )  # fmt: skip
        assert (draft.verdict, draft.reason_categories, draft.status) == (
            Verdict.REVIEW, ("phone", "email"), DraftStatus.OPEN
        )  # fmt: skip
        assert (draft.content_warning, draft.collection, draft.created_at) == (False, None, NOW)
        await uow.drafts.save(
            replace(draft, community_id=community_id, content_warning=True, collection="love")
        )
        await uow.commit()
    async with store.unit_of_work() as uow:
        found = await uow.drafts.get(draft.id)
        assert found is not None
        assert (found.community_id, found.content_warning, found.collection) == (community_id, True, "love")
        await uow.drafts.save(replace(draft, community_id=None, content_warning=False, collection=None))
        await uow.commit()
        found = await uow.drafts.get(draft.id)
        assert found is not None and (found.community_id, found.collection) == (None, None)
        assert await uow.drafts.transition(draft.id, DraftStatus.OPEN, DraftStatus.CANCELLED)
        assert not await uow.drafts.transition(draft.id, DraftStatus.SUBMITTED, DraftStatus.OPEN)
        await uow.drafts.save(replace(draft, content_warning=True))  # an older copy: its status is not saved
        await uow.commit()
        found = await uow.drafts.get(draft.id)
        assert found is not None and found.status is DraftStatus.CANCELLED and found.content_warning
        assert await uow.drafts.get(draft.id + 1000) is None
