"""Claims held by process instances (bot/leases.py): the instance id of a session, its heartbeat, and the
condition that a claim's holder is dead."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.leases import FORGET_AFTER, OWNER_TIMEOUT
from storage.repositories.base import insert_for
from storage.tables import InstanceRow

INSTANCE = "murmure.instance"  # in every session's info: the id of the process instance it works for


def instance_of(session: AsyncSession) -> str | None:
    found = session.info.get(INSTANCE)
    return str(found) if found else None


def holder_dead(
    session: AsyncSession, holder: InstrumentedAttribute[str | None], now: datetime
) -> ColumnElement[bool]:
    """The claim names a holder other than this instance, which has not beaten for ``OWNER_TIMEOUT`` (or is
    not in the table at all). A claim naming no holder (made before holders were recorded) is held until its
    lease ends."""
    alive = exists(
        select(InstanceRow.id).where(InstanceRow.id == holder, InstanceRow.beat_at >= now - OWNER_TIMEOUT)
    )
    me = instance_of(session)
    mine = holder == me if me is not None else None
    condition = and_(holder.is_not(None), ~alive)
    return and_(condition, ~mine) if mine is not None else condition


async def beat(session: AsyncSession, now: datetime) -> None:
    """This instance is alive at ``now``; instances gone for ``FORGET_AFTER`` are removed."""
    me = instance_of(session)
    if me is None:
        return
    found = await session.execute(update(InstanceRow).where(InstanceRow.id == me).values(beat_at=now))
    if found.rowcount == 0:  # type: ignore[attr-defined]
        insert = insert_for(session)
        await session.execute(insert(InstanceRow).values(id=me, beat_at=now).on_conflict_do_nothing())
        await session.execute(delete(InstanceRow).where(InstanceRow.beat_at < now - FORGET_AFTER))
