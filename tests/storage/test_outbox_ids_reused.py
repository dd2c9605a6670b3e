"""SQLite gives the newest row's id, once that row is removed, to the next row written, unless the table is
AUTOINCREMENT (the outbox since migration 1023). The outbox entry of a card is removed in the transaction
recording the card (the send-to-commit window): an entry queued right after it (another member's Post) got
its id, and must not be removed in its place (the chaos benchmark found such secrets, their authors told
"Sent!", never posted); it now gets an id of its own, and is delivered all the same."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from storage.database import SqlDatabase
from tests.conftest import migrated
from tests.core.harness import Harness, post_action, shown


async def _card_entries(database: SqlDatabase) -> list[int]:
    async with database.engine.connect() as connection:
        rows = await connection.execute(text("SELECT id FROM outbox WHERE kind = 'card' ORDER BY id"))
        return [int(row[0]) for row in rows]


async def _card_refs(database: SqlDatabase) -> list[str | None]:
    async with database.engine.connect() as connection:
        rows = await connection.execute(text("SELECT card_ref FROM secrets ORDER BY id"))
        return [row[0] for row in rows]


async def test_an_entry_given_the_id_of_a_card_just_recorded_is_delivered(tmp_path: Any) -> None:
    async with migrated(f"sqlite+aiosqlite:///{tmp_path / 'murmure.db'}") as database:
        h = await Harness(database=database).setup()
        first = await h.service.text(h.actor("u1"), "The first card, recorded as the second is posted.")
        second = await h.service.text(h.actor("u2"), "The second card, queued as the first is recorded.")
        # shown to u1 as an adapter would: the outbox's copy of u1's "Sent!" is called off, the card is the last
        await shown(h.service, await h.service.press(h.actor("u1"), post_action(first).encode()))
        [first_entry] = await _card_entries(database)
        seen: list[list[int]] = []
        recording = database.recording

        def recording_then_post() -> Any:
            # once the first card's recording has committed, u2 presses Post
            unit = recording()
            commit = unit.commit

            async def commit_then_post() -> None:
                await commit()
                if not seen:
                    await h.service.press(h.actor("u2"), post_action(second).encode())
                    seen.append(await _card_entries(database))

            unit.commit = commit_then_post  # type: ignore[method-assign]
            return unit

        database.recording = recording_then_post  # type: ignore[method-assign]
        await h.settle()
        assert len(seen) == 1 and len(seen[0]) == 1  # the second card's entry, queued as the first is out
        assert seen[0][0] > first_entry  # an id of its own: never the one of the entry just removed
        database.recording = recording  # type: ignore[method-assign]
        await h.settle()
        refs = await _card_refs(database)
        assert len(refs) == 2 and None not in refs, refs  # both cards out
        assert len(h.cards()) == 2
