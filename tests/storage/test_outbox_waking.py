"""What the running dispatcher needs from the outbox, on every backend: a wake-up after a commit that wrote
to it, when the next entry is due, and claims kept while entries wait behind a busy chat."""

from __future__ import annotations

from datetime import timedelta

from bot.outbox import CardDue, CardRefresh
from bot.ports import Database
from tests.storage.contract import NOW


async def test_a_commit_that_wrote_to_the_outbox_wakes_its_listeners_and_no_other_does(
    store: Database,
) -> None:
    woken: list[str] = []
    store.on_outbox_written(lambda: woken.append("woken"))
    async with store.unit_of_work() as uow:
        await uow.outbox.add(CardRefresh(1), NOW)
        assert woken == []  # not before the commit
        await uow.commit()
    assert woken == ["woken"]
    async with store.unit_of_work() as uow:
        await uow.outbox.add(CardRefresh(1), NOW)  # absorbed by the pending twin: nothing new
        await uow.commit()
    async with store.unit_of_work() as uow:
        await uow.outbox.add(CardDue(2), NOW)  # never committed
    assert woken == ["woken"]


async def test_the_next_due_time_and_renewed_claims(store: Database) -> None:
    async with store.unit_of_work() as uow:
        assert await uow.outbox.next_due() is None
        await uow.outbox.add(CardDue(1), NOW + timedelta(seconds=30))
        await uow.outbox.add(CardDue(2), NOW + timedelta(seconds=10))
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.outbox.next_due() == NOW + timedelta(seconds=10)
        [held] = await uow.outbox.claim_due(NOW + timedelta(seconds=10), 10, NOW + timedelta(seconds=70))
        await uow.commit()
        assert await uow.outbox.next_due() == NOW + timedelta(seconds=30)
    async with store.unit_of_work() as uow:
        await uow.outbox.renew([held.id], NOW + timedelta(seconds=200))
        await uow.commit()
    async with store.unit_of_work() as uow:
        again = await uow.outbox.claim_due(NOW + timedelta(seconds=100), 10, NOW + timedelta(seconds=160))
        assert [entry.message for entry in again] == [CardDue(1)]  # the renewed claim held
        await uow.commit()
        assert await uow.outbox.next_due() == NOW + timedelta(
            seconds=160
        )  # both held: the first lease to end
        await uow.outbox.postpone(held.id, NOW + timedelta(seconds=10))
        await uow.commit()
        assert await uow.outbox.next_due() == NOW + timedelta(seconds=10)
