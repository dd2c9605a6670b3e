"""Storage contract for moderating replies (state, reports, queue items), on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from bot.anonymity import new_token
from bot.model import QueueCause, QueueStatus, ReplyStatus, ReportReason
from bot.ports import Database
from bot.records import NewReply
from tests.storage.contract import KEY, NOW, OTHER, THIRD, add_community, add_secret


async def test_a_replys_state_and_its_thread(store: Database) -> None:
    community_id = await add_community(store)
    secret_id, other = await add_secret(store, community_id, 1), await add_secret(store, community_id, 2)
    async with store.unit_of_work() as uow:
        first = await uow.replies.add(
            NewReply(
                secret_id=secret_id,
                thread_key=OTHER,
                text="one",
                pseudonym="fox:amber",
                by_author=False,
                created_at=NOW,
                token=new_token(),
            )
        )
        second = await uow.replies.add(
            NewReply(
                secret_id=secret_id,
                thread_key=KEY,
                text="two",
                pseudonym="owl:jade",
                by_author=True,
                created_at=NOW,
                token=new_token(),
            )
        )
        await uow.replies.add(
            NewReply(
                secret_id=other,
                thread_key=OTHER,
                text="elsewhere",
                pseudonym="fox:amber",
                by_author=False,
                created_at=NOW,
                token=new_token(),
            )
        )
        assert first.status is ReplyStatus.PUBLISHED
        await uow.replies.set_message_ref(first.id, "m-1")
        await uow.replies.set_message_ref(second.id, "m-2")
        await uow.reply_moderation.set_status(first.id, ReplyStatus.REMOVED)
        await uow.commit()
    async with store.unit_of_work() as uow:
        thread = await uow.reply_moderation.thread(secret_id)
        assert [(r.id, r.status) for r in thread] == [
            (first.id, ReplyStatus.REMOVED),
            (second.id, ReplyStatus.PUBLISHED),
        ]
        assert await uow.replies.count(secret_id) == 1  # the removed one no longer counts
        found = await uow.replies.get(first.id)
        assert found is not None and found.status is ReplyStatus.REMOVED


async def test_reports_on_a_reply_are_one_per_reporter_and_weighed_since_a_decision(store: Database) -> None:
    community_id = await add_community(store)
    secret_id = await add_secret(store, community_id)
    async with store.unit_of_work() as uow:
        reply = await uow.replies.add(
            NewReply(
                secret_id=secret_id,
                thread_key=OTHER,
                text="rude",
                pseudonym="fox:amber",
                by_author=False,
                created_at=NOW,
                token=new_token(),
            )
        )
        other = await uow.replies.add(
            NewReply(
                secret_id=secret_id,
                thread_key=THIRD,
                text="fine",
                pseudonym="owl:jade",
                by_author=False,
                created_at=NOW,
                token=new_token(),
            )
        )
        assert await uow.reply_moderation.report_weight(reply.id) == 0
        assert await uow.reply_moderation.add_report(reply.id, KEY, ReportReason.SPAM, 0.5, NOW)
        assert not await uow.reply_moderation.add_report(reply.id, KEY, ReportReason.HATE, 1.0, NOW)
        assert await uow.reply_moderation.add_report(
            reply.id, THIRD, ReportReason.HATE, 1.0, NOW + timedelta(hours=2)
        )
        assert await uow.reply_moderation.add_report(other.id, KEY, ReportReason.SPAM, 1.0, NOW)
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.reply_moderation.report_weight(reply.id) == 1.5
        assert await uow.reply_moderation.report_weight(reply.id, NOW + timedelta(hours=1)) == 1.0
        assert await uow.reply_moderation.report_reasons(reply.id) == [ReportReason.SPAM, ReportReason.HATE]
        # reports on a reply are not reports on its secret
        assert await uow.reports.weight(secret_id) == 0


async def test_queue_items_about_a_reply_stay_apart_from_those_about_its_secret(store: Database) -> None:
    community_id = await add_community(store)
    secret_id = await add_secret(store, community_id)
    async with store.unit_of_work() as uow:
        reply = await uow.replies.add(
            NewReply(
                secret_id=secret_id,
                thread_key=OTHER,
                text="rude",
                pseudonym="fox:amber",
                by_author=False,
                created_at=NOW,
                token=new_token(),
            )
        )
        item = await uow.reply_moderation.add_item(community_id, reply, QueueCause.REPORTS, "hate", NOW)
        await uow.commit()
    assert (item.secret_id, item.reply_id, item.status) == (secret_id, reply.id, QueueStatus.OPEN)
    async with store.unit_of_work() as uow:
        assert await uow.moderation.get_item(item.id) == item
        assert await uow.reply_moderation.open_item_for(reply.id) == item
        assert await uow.moderation.open_item_for(secret_id) is None  # not an item about the secret
        assert await uow.reply_moderation.last_decision_at(reply.id) is None
        assert await uow.moderation.decide(item.id, QueueStatus.REMOVED, NOW + timedelta(minutes=5))
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.reply_moderation.open_item_for(reply.id) is None
        assert await uow.reply_moderation.last_decision_at(reply.id) == NOW + timedelta(minutes=5)
        assert await uow.moderation.last_decision_at(secret_id) is None
