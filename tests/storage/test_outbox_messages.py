"""Every outbox message type survives the storage edge as itself; an unreadable row is failed, not crashed on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.outbox import (
    AcceptedNotice,
    AuthorNotice,
    CardDue,
    CardRefresh,
    CommunityDigest,
    MemberDigest,
    OutboxMessage,
    PendingAnswer,
    QueueItemDue,
    ReplyDue,
    Welcome,
)
from bot.ports import Database
from storage.database import SqlDatabase
from storage.tables import OutboxRow

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
LEASE = NOW + timedelta(minutes=2)

ONE_OF_EACH: list[OutboxMessage] = [
    Welcome(community_id=3),
    CardDue(secret_id=4),
    CardRefresh(secret_id=5),
    ReplyDue(reply_id=6),
    QueueItemDue(item_id=7),
    CommunityDigest(community_id=8, secret_ids=(1, 2, 3)),
    MemberDigest(author_key="c" * 64, secret_ids=(9,)),
    AuthorNotice(secret_id=10, key="notice.removed", params={"number": "12", "reason_key": "report.spam"}),
    AcceptedNotice(secret_id=11, key="post.accepted", params={"community": "Owls", "number": "3"}),
    PendingAnswer("discord", "aX9Tq2w7LmQpRz0bVn4sKg", "c2VhbGVk", "answer.lost_form", "fr"),
]


async def test_a_message_about_no_record_is_claimed_by_the_processes_of_its_platform_only(
    database: SqlDatabase,
) -> None:
    answer = PendingAnswer("discord", "Yt5sPq8vWx2mNc7dLr1kHg", "c2VhbGVk", "answer.lost", "en")
    async with database.unit_of_work() as uow:
        await uow.outbox.add(answer, NOW)
        await uow.commit()
    async with database.unit_of_work() as uow:
        assert await uow.outbox.claim_due(NOW, 10, LEASE, frozenset({"telegram"})) == []
        claimed = await uow.outbox.claim_due(NOW, 10, LEASE, frozenset({"discord"}))
        await uow.commit()
    assert [entry.message for entry in claimed] == [answer]


async def test_each_message_comes_back_equal_to_what_was_added(database: SqlDatabase) -> None:
    async with database.unit_of_work() as uow:
        for message in ONE_OF_EACH:
            await uow.outbox.add(message, NOW)
        await uow.commit()
    async with database.unit_of_work() as uow:
        claimed = await uow.outbox.claim_due(NOW, 100, LEASE)
        await uow.commit()
    assert [entry.message for entry in claimed] == ONE_OF_EACH


async def test_a_message_called_off_is_removed_unless_a_delivery_holds_it(database: SqlDatabase) -> None:
    """The author's answer showed: the outbox's copy of it is called off; one a delivery already claimed
    stays with that delivery."""
    waiting, claimed = (AcceptedNotice(secret_id=n, key="post.accepted") for n in (1, 2))
    async with database.unit_of_work() as uow:
        await uow.outbox.add(waiting, NOW + timedelta(seconds=30))
        await uow.outbox.add(claimed, NOW)
        await uow.outbox.add(CardDue(secret_id=1), NOW + timedelta(seconds=30))
        await uow.commit()
    async with database.unit_of_work() as uow:
        [held] = await uow.outbox.claim_due(NOW, 100, LEASE)
        await uow.commit()
    async with database.unit_of_work() as uow:
        for message in (waiting, claimed):
            key = message.dedupe_key()
            assert key is not None
            await uow.outbox.call_off(key)
        await uow.commit()
    async with database.unit_of_work() as uow:
        later = await uow.outbox.claim_due(NOW + timedelta(minutes=5), 100, NOW + timedelta(minutes=7))
        await uow.commit()
    assert held.message == claimed
    assert [entry.message for entry in later] == [claimed, CardDue(secret_id=1)]  # its lease ran out


async def test_a_row_of_an_unknown_kind_or_shape_is_failed_and_the_others_delivered(
    database: SqlDatabase,
) -> None:
    async with database.unit_of_work() as uow:
        await uow.outbox.add(CardDue(secret_id=1), NOW)
        await uow.commit()
    async with database.engine.begin() as connection:
        for kind, payload in [("teleport", {"x": 1}), ("card", {"secret_id": "1; DROP"}), ("reply", {})]:
            await connection.execute(
                OutboxRow.__table__.insert().values(
                    kind=kind, payload=payload, status="pending", attempts=0,
                    not_before=NOW, created_at=NOW,
                )
            )  # fmt: skip
    async with database.unit_of_work() as uow:
        claimed = await uow.outbox.claim_due(NOW, 100, LEASE)
        await uow.commit()
        assert [entry.message for entry in claimed] == [CardDue(secret_id=1)]
        assert await uow.outbox.pending_count() == 1
    async with database.engine.connect() as connection:
        statuses = (await connection.execute(select(OutboxRow.kind, OutboxRow.status))).all()
    assert sorted(statuses) == [
        ("card", "failed"),
        ("card", "pending"),
        ("reply", "failed"),
        ("teleport", "failed"),
    ]


async def test_a_held_message_is_apart_from_its_twins_and_called_off_by_its_id(store: Database) -> None:
    """A card's refresh held back while a press's answer shows the card: a twin added meanwhile is queued
    beside it (never folded into it), a call-off by key leaves it, its own call-off removes only it, and not
    once a delivery holds it."""
    async with store.unit_of_work() as uow:
        first = await uow.outbox.hold(CardRefresh(secret_id=5), NOW + timedelta(seconds=6))
        second = await uow.outbox.hold(CardRefresh(secret_id=5), NOW)
        await uow.outbox.add(CardRefresh(secret_id=5), NOW + timedelta(seconds=1))
        await uow.outbox.add(CardRefresh(secret_id=5), NOW + timedelta(seconds=1))  # its twin waits
        await uow.outbox.call_off("refresh:5")
        await uow.outbox.add(CardRefresh(secret_id=5), NOW + timedelta(seconds=1))
        await uow.commit()
    assert first != second
    async with store.unit_of_work() as uow:
        [claimed] = await uow.outbox.claim_due(NOW, 100, LEASE)
        await uow.outbox.call_off_entry(claimed.id)  # a delivery holds it: it stays
        await uow.outbox.call_off_entry(first)
        await uow.commit()
    assert claimed.id == second
    async with store.unit_of_work() as uow:
        later = await uow.outbox.claim_due(NOW + timedelta(minutes=5), 100, NOW + timedelta(minutes=7))
        await uow.commit()
    ids = {entry.id for entry in later}
    assert len(later) == 2 and second in ids and first not in ids  # the held one and the refresh added last


async def test_a_held_message_s_late_call_off_never_removes_the_message_queued_after_it(
    store: Database,
) -> None:
    """A held refresh delivered before its call-off came (a press's answer that took longer than the hold, a
    Discord edit waiting out a 429): the message queued next never gets its id (SQLite gave a removed newest
    row's id to the next row), so the late call-off removes nothing else, such as a new secret's card."""
    async with store.unit_of_work() as uow:
        held = await uow.outbox.hold(CardRefresh(secret_id=5), NOW)
        await uow.commit()
    async with store.unit_of_work() as uow:
        [claimed] = await uow.outbox.claim_due(NOW, 100, LEASE)
        await uow.outbox.done(claimed.id)  # the refresh went out
        await uow.commit()
    async with store.unit_of_work() as uow:
        await uow.outbox.add(CardDue(secret_id=6), NOW)
        await uow.commit()
    async with store.unit_of_work() as uow:
        await uow.outbox.call_off_entry(held)  # late
        await uow.commit()
    async with store.unit_of_work() as uow:
        due = await uow.outbox.claim_due(NOW, 100, LEASE)
        await uow.commit()
    assert [entry.message for entry in due] == [CardDue(secret_id=6)]


async def test_messages_added_together_are_each_added_unless_their_twin_waits(store: Database) -> None:
    """``add_all`` (one statement on PostgreSQL) adds what ``add`` one by one would: a message whose twin
    waits is not added, nor the second of two twins given together."""
    waiting = AcceptedNotice(secret_id=1, key="post.accepted")
    async with store.unit_of_work() as uow:
        await uow.outbox.add(waiting, NOW)
        await uow.outbox.add_all([])
        await uow.outbox.add_all([(CardDue(secret_id=1), NOW), (waiting, NOW)])
        await uow.commit()
    twin = AcceptedNotice(secret_id=2, key="post.accepted")
    others = [(QueueItemDue(item_id=3), NOW), (twin, NOW + timedelta(seconds=30)), (twin, NOW)]
    async with store.unit_of_work() as uow:
        await uow.outbox.add_all([(Welcome(community_id=4), NOW)])
        await uow.outbox.add_all(others)
        await uow.commit()
    async with store.unit_of_work() as uow:
        claimed = await uow.outbox.claim_due(NOW + timedelta(minutes=1), 100, NOW + timedelta(minutes=3))
        await uow.commit()
    assert sorted(repr(entry.message) for entry in claimed) == sorted(
        repr(m)
        for m in (waiting, CardDue(secret_id=1), Welcome(community_id=4), QueueItemDue(item_id=3), twin)
    )


async def test_a_kept_answer_put_off_is_due_later_and_not_once_a_delivery_holds_it(store: Database) -> None:
    """A deferred interaction's kept answer, put off by the process still at work on it, is not due before
    its new time; one a delivery already holds is left to it."""
    answer = PendingAnswer("discord", "42", "c2VhbGVk", "answer.lost", "en")
    key = answer.dedupe_key()
    assert key is not None
    async with store.unit_of_work() as uow:
        await uow.outbox.add(answer, NOW)
        await uow.outbox.put_off(key, NOW + timedelta(seconds=30))
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.outbox.claim_due(NOW + timedelta(seconds=29), 100, LEASE) == []
        [claimed] = await uow.outbox.claim_due(NOW + timedelta(seconds=30), 100, LEASE)
        await uow.outbox.put_off(key, NOW + timedelta(minutes=5))  # held: too late to put off
        await uow.commit()
    assert claimed.message == answer
    async with store.unit_of_work() as uow:
        [again] = await uow.outbox.claim_due(LEASE + timedelta(seconds=1), 100, LEASE + timedelta(minutes=2))
        await uow.commit()
    assert again.id == claimed.id
