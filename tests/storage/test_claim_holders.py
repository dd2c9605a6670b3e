"""Claims name the process instance holding them (bot/leases.py): after a kill, what the dead process held
is free as soon as it has stopped beating for ``OWNER_TIMEOUT``, not when its lease ends; a living holder
keeps its claims, and a process never takes its own claims for dead."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from bot.leases import OWNER_TIMEOUT
from bot.outbox import CardDue
from storage.database import SqlDatabase
from tests.storage.contract import NOW, add_community, add_secret

LEASE = NOW + timedelta(minutes=10)  # long: only the holder's death can free these claims early


async def test_a_dead_holders_claims_are_free_once_it_stops_beating(database: SqlDatabase) -> None:
    other = SqlDatabase.from_url(database.engine.url.render_as_string(hide_password=False))  # another process
    try:
        community_id = await add_community(database)
        secret_id = await add_secret(database, community_id, 1)
        async with other.unit_of_work() as uow:
            await uow.outbox.add(CardDue(secret_id), NOW)
            await uow.outbox.beat(NOW)
            assert [e.message for e in await uow.outbox.claim_due(NOW, 10, LEASE)] == [CardDue(secret_id)]
            assert await uow.secrets.claim_sending(secret_id, NOW, LEASE)
            await uow.commit()

        alive = NOW + OWNER_TIMEOUT - timedelta(seconds=1)  # the holder beat at NOW: still alive
        async with database.unit_of_work() as uow:
            await uow.outbox.beat(alive)
            assert await uow.outbox.claim_due(alive, 10, LEASE) == []
            assert not await uow.secrets.claim_sending(secret_id, alive, LEASE)
            await uow.commit()

        dead = NOW + OWNER_TIMEOUT + timedelta(seconds=1)  # killed after its beat at NOW
        async with database.unit_of_work() as uow:
            assert [e.message for e in await uow.outbox.claim_due(dead, 10, LEASE)] == [CardDue(secret_id)]
            assert await uow.secrets.claim_sending(secret_id, dead, LEASE)
            await uow.commit()

        # the claims are this process's now, and it never beat since ``alive``: others see them as its, and
        # it keeps them itself (it knows it is alive) until the lease ends
        async with database.unit_of_work() as uow:
            assert await uow.outbox.claim_due(dead + timedelta(minutes=1), 10, LEASE) == []
            assert not await uow.secrets.claim_sending(secret_id, dead + timedelta(minutes=1), LEASE)
        async with other.unit_of_work() as uow:
            await uow.outbox.beat(dead + timedelta(minutes=1))
            assert [e.message for e in await uow.outbox.claim_due(dead + timedelta(minutes=1), 10, LEASE)]
            await uow.commit()
    finally:
        await other.dispose()


async def test_a_claim_naming_no_holder_is_held_until_its_lease_ends(database: SqlDatabase) -> None:
    """Claims made before holders were recorded (the migration leaves them unnamed)."""
    async with database.unit_of_work() as uow:
        await uow.outbox.add(CardDue(1), NOW)
        await uow.commit()
    async with database.unit_of_work() as uow:
        assert await uow.outbox.claim_due(NOW, 10, NOW + timedelta(seconds=30))
        await uow.commit()
    async with database.engine.begin() as connection:
        await connection.execute(text("UPDATE outbox SET claimed_by = NULL"))
    other = SqlDatabase.from_url(database.engine.url.render_as_string(hide_password=False))
    try:
        async with other.unit_of_work() as uow:
            assert await uow.outbox.claim_due(NOW + timedelta(seconds=20), 10, LEASE) == []
            assert await uow.outbox.claim_due(NOW + timedelta(seconds=31), 10, LEASE)
    finally:
        await other.dispose()
