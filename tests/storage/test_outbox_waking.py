"""What the running dispatcher needs from the outbox, on every backend: a wake-up after a commit that wrote
to it, when the next entry is due, and claims kept while entries wait behind a busy chat."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from bot.outbox import CardDue, CardRefresh
from bot.ports import Database
from storage.database import SqlDatabase
from tests.conftest import migrated, sql_url
from tests.storage.contract import NOW, add_community, add_secret
from tests.support import POSTGRES_URL


async def test_a_commit_that_wrote_to_the_outbox_wakes_its_listeners_and_no_other_does(
    store: Database,
) -> None:
    woken: list[str] = []
    store.on_outbox_written(lambda: woken.append("woken"))
    async with store.unit_of_work() as uow:
        await uow.outbox.add(CardRefresh(1), NOW)
        assert woken == []  # not before the commit
        await uow.commit()
    assert woken  # at once (PostgreSQL's notification may add an echo of it)
    await asyncio.sleep(0.2)
    woken.clear()
    async with store.unit_of_work() as uow:
        await uow.outbox.add(CardRefresh(1), NOW)  # absorbed by the pending twin: nothing new
        await uow.commit()
    async with store.unit_of_work() as uow:
        await uow.outbox.add(CardDue(2), NOW)  # never committed
    async with store.unit_of_work() as uow:
        # a card's refresh held back while a press's answer shows the card: due later, found by polling
        await uow.outbox.hold(CardRefresh(1), NOW + timedelta(seconds=6))
        await uow.commit()
    await asyncio.sleep(0.2)
    assert woken == []


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


async def test_only_a_card_still_being_sent_has_its_claim_renewed(store: Database) -> None:
    community_id = await add_community(store)
    sending, sent, free = [await add_secret(store, community_id, n) for n in (1, 2, 3)]
    async with store.unit_of_work() as uow:
        assert await uow.secrets.claim_sending(sending, NOW, NOW + timedelta(seconds=30))
        assert await uow.secrets.claim_sending(sent, NOW, NOW + timedelta(seconds=30))
        await uow.secrets.set_card_ref(sent, "card-2", NOW)
        await uow.secrets.renew_sending([sending, sent, free], NOW + timedelta(seconds=90))
        await uow.commit()
    async with store.unit_of_work() as uow:
        later = NOW + timedelta(seconds=60)
        assert not await uow.secrets.claim_sending(sending, later, later + timedelta(seconds=30))
        assert await uow.secrets.claim_sending(free, later, later + timedelta(seconds=30))  # never held
        assert not await uow.secrets.claim_sending(sent, later, later + timedelta(seconds=30))  # sent already


@pytest.mark.postgres
async def test_on_postgresql_a_commit_in_one_process_wakes_the_dispatchers_of_the_others(
    tmp_path: Path,
) -> None:
    async with migrated(sql_url("postgresql", tmp_path)) as writer:
        other = SqlDatabase.from_url(POSTGRES_URL)  # another process's engine, pool and listener
        try:
            woken = asyncio.Event()
            other.on_outbox_written(woken.set)
            await asyncio.wait_for(other.outbox_wakeup.listening.wait(), 10)
            async with writer.unit_of_work() as uow:
                await uow.outbox.add(CardDue(1), NOW)
                await asyncio.sleep(0.05)
                assert not woken.is_set()  # nothing before the commit
                await uow.commit()
            await asyncio.wait_for(woken.wait(), 10)
        finally:
            await other.dispose()
