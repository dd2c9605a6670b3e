"""The member's chosen digest time at rest (issue 15, point 4): the local time and IANA time zone go with the
sealed address, on every backend (the in-memory fake, SQLite, PostgreSQL) alike."""

from __future__ import annotations

from datetime import timedelta

from bot.ports import Database
from bot.records import DigestAddress, DigestReader
from tests.storage.contract import KEY, NOW, OTHER


async def test_a_reader_keeps_the_time_and_zone_they_chose(store: Database) -> None:
    default = DigestAddress("console", b"sealed-1", "en", NOW + timedelta(days=7))
    chosen = DigestAddress("console", b"sealed-2", "fr", NOW + timedelta(days=7), "08:30", "Europe/Paris")
    async with store.unit_of_work() as uow:
        await uow.digests.set_address(KEY, default)
        await uow.digests.set_address(OTHER, chosen)
        await uow.commit()
    async with store.unit_of_work() as uow:
        found = await uow.digests.address(OTHER, NOW)
        assert found == chosen and (found.at, found.zone) == ("08:30", "Europe/Paris")
        kept = await uow.digests.address(KEY, NOW)
        assert kept is not None and (kept.at, kept.zone) == ("19:00", "UTC")  # until the member chooses
        assert list(await uow.digests.readers(NOW)) == [
            DigestReader(KEY, default),
            DigestReader(OTHER, chosen),
        ]

        # a new choice replaces the old one; a renewal carries it (the caller's address says it)
        later = DigestAddress(
            "console", b"sealed-3", "fr", NOW + timedelta(days=9), "21:15", "America/Montreal"
        )
        await uow.digests.set_address(OTHER, later)
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.digests.address(OTHER, NOW) == later
        await uow.digests.set_address(OTHER, None)  # off: the address goes, and the choice with it
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.digests.address(OTHER, NOW) is None
        assert [reader.preference_key for reader in await uow.digests.readers(NOW)] == [KEY]
