"""One sealed row per person listing their secrets (bot/own_list.py), written by compare-and-swap."""

from __future__ import annotations

from sqlalchemy import delete, update

from bot.records import OwnList
from storage.repositories.base import Repository, insert_for
from storage.tables import OwnListRow


class SqlOwnLists(Repository):
    async def get(self, locator: str) -> OwnList | None:
        row = await self._session.get(OwnListRow, locator, populate_existing=True)
        return OwnList(row.sealed, row.version) if row else None

    async def save(self, locator: str, sealed: bytes, previous: str | None, version: str) -> bool:
        if previous is None:
            statement = (
                insert_for(self._session)(OwnListRow)
                .values(locator=locator, sealed=sealed, version=version)
                .on_conflict_do_nothing(index_elements=["locator"])
            )
            result = await self._session.execute(statement)
        else:
            result = await self._session.execute(
                update(OwnListRow)
                .where(OwnListRow.locator == locator, OwnListRow.version == previous)
                .values(sealed=sealed, version=version)
            )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def delete(self, locator: str) -> None:
        await self._session.execute(delete(OwnListRow).where(OwnListRow.locator == locator))
