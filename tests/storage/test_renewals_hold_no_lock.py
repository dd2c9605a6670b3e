"""PostgreSQL: the dispatcher's renewals of its claims (the outbox entries it holds, the cards it is sending)
hold no row lock past their statement. Those rows are the ones a card's recording writes as the card went
out (its secret, its entry): a renewal that held them until a commit one or two round trips later, each
waiting for a busy event loop, held the recording inside the send-to-commit window."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.dispatch import LEASE
from bot.outbox import CardDue, Outbox
from storage.database import SqlDatabase
from tests.conftest import migrated, sql_url
from tests.core.harness import Harness, post_action

LOCK_TIMEOUT_MS = 300  # a recording that waits this long waits for a lock the renewal still holds


async def _recorded_meanwhile(database: SqlDatabase, statement: str, row: int) -> bool:
    """Whether a recording's write of ``row`` goes through at once (else it waits for a lock)."""
    async with database.recording() as uow:
        await uow._session.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_MS}ms'"))
        try:
            await uow._session.execute(text(statement), {"row": row})
        except Exception as error:
            if "lock timeout" in str(error):
                return False
            raise
        await uow.commit()
    return True


@pytest.mark.postgres
async def test_a_renewal_holds_no_lock_a_cards_recording_needs(tmp_path: Path) -> None:
    async with migrated(sql_url("postgresql", tmp_path)) as database:
        h = await Harness(database=database).setup()
        preview = await h.service.text(h.actor("u1"), "A secret whose card is going out.")
        assert "Sent" in str(await h.press("u1", post_action(preview)))
        now = h.clock.now()
        async with database.unit_of_work() as uow:  # its card going out again: claimed, not recorded yet
            await uow._session.execute(
                text(
                    "UPDATE secrets SET card_ref = NULL, status = 'queued', sending_until = :until WHERE id = 1"
                ),
                {"until": (now + timedelta(minutes=10)).replace(tzinfo=None)},  # stored as UTC, naive
            )
            await Outbox(uow, h.clock).add(CardDue(1))
            (entry,) = await uow.outbox.claim_due(now, 10, now + LEASE)
            await uow.commit()

        async with database.unit_of_work() as renewal:  # not committed yet
            await renewal.outbox.renew([entry.id], now + LEASE)
            outbox_free = await _recorded_meanwhile(database, "DELETE FROM outbox WHERE id = :row", entry.id)
            await renewal.commit()
        async with database.unit_of_work() as renewal:
            await renewal.secrets.renew_sending([1], now + timedelta(minutes=10))
            secret_free = await _recorded_meanwhile(
                database, "UPDATE secrets SET card_ref = 'c1' WHERE id = :row", 1
            )
            await renewal.commit()
        assert outbox_free and secret_free
