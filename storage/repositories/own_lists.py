"""One sealed row per person listing their secrets (bot/own_list.py), written by compare-and-swap."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.records import OwnList
from storage.raw import Raw
from storage.repositories.base import Repository
from storage.tables import OwnListRow


class SqlOwnLists(Repository):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        self._raw = Raw(session)

    async def get(self, locator: str) -> OwnList | None:
        row = await self._raw.one("SELECT sealed, version FROM own_lists WHERE locator = ?", locator)
        return OwnList(bytes(row[0]), str(row[1])) if row else None

    async def save(self, locator: str, sealed: bytes, previous: str | None, version: str) -> bool:
        if previous is None:
            changed = await self._raw.run(
                "INSERT INTO own_lists (locator, sealed, version) VALUES (?, ?, ?) "
                "ON CONFLICT (locator) DO NOTHING",
                locator,
                sealed,
                version,
            )
        else:
            changed = await self._raw.run(
                "UPDATE own_lists SET sealed = ?, version = ? WHERE locator = ? AND version = ?",
                sealed,
                version,
                locator,
                previous,
            )
        return changed == 1

    async def delete(self, locator: str) -> None:
        await self._session.execute(delete(OwnListRow).where(OwnListRow.locator == locator))
