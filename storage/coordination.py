"""The coordination port over the database (see ``bot/coordination.py``): leases, events handled once, and
send slots counted over every process.

Send slots are counted in the database's own clock (PostgreSQL's ``clock_timestamp()``), read after the
windows' advisory locks are taken: every process then agrees on the order of the sends. A slot counts from
the moment it is taken until its answer comes (its arrival at the platform lies between the two), then from
the answer's moment: a window holding ``limit`` such slots in any ``seconds`` can't hold more at the
platform, whatever the trip of each message, as long as ``seconds`` is the platform's window or longer.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.coordination import EventClaim, Held, Window
from storage.repositories.base import insert_for
from storage.tables import LeaseRow, SeenEventRow, SendSlotRow

SEEN_KEPT = timedelta(hours=1)  # a platform retries a delivery within minutes; marks older than this go
PRUNE_EVERY = 256  # events taken between two prunings of old marks
IN_FLIGHT = timedelta(seconds=30)  # a slot whose answer never came (its process died) counts this long
IN_FLIGHT_POLL = 0.02  # seconds: how soon to look again when the window waits for a slot in flight
TAG_LENGTH = 32


class SqlCoordination:
    def __init__(self, engine: AsyncEngine, key: bytes, clock: Callable[[], datetime] | None = None) -> None:
        self._engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._key = key
        self._clock = clock or (lambda: datetime.now(UTC))
        self._postgres = engine.dialect.name == "postgresql"
        self._since_pruning = 0  # events taken or marked handled since the last pruning of old marks

    @property
    def shared(self) -> bool:
        return self._postgres

    def tag(self, value: str) -> str:
        return hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()[:TAG_LENGTH]

    # ------------------------------------------------------------------------------------------ leases

    async def hold_lease(
        self, name: str, holder: str, seconds: float, *, replacing: str | None = None
    ) -> Held | None:
        now = self._clock()
        until = now + timedelta(seconds=seconds)
        takes = (LeaseRow.holder == holder) | (LeaseRow.expires_at < now)
        if replacing is not None:
            takes = takes | (LeaseRow.holder == replacing)
        async with self._sessions() as session:
            renewed = await session.execute(
                update(LeaseRow).where(LeaseRow.name == name, takes).values(holder=holder, expires_at=until)
            )
            if renewed.rowcount == 1:  # type: ignore[attr-defined]
                await session.commit()
                return None
            taken = await session.execute(
                insert_for(session)(LeaseRow)
                .values(name=name, holder=holder, expires_at=until)
                .on_conflict_do_nothing(index_elements=["name"])
            )
            if taken.rowcount == 1:  # type: ignore[attr-defined]
                await session.commit()
                return None
            await session.rollback()
            row = await session.get(LeaseRow, name)
            return Held(row.holder, row.expires_at) if row is not None else Held("", now)

    async def release_lease(self, name: str, holder: str) -> None:
        async with self._sessions() as session:
            await session.execute(delete(LeaseRow).where(LeaseRow.name == name, LeaseRow.holder == holder))
            await session.commit()

    # ------------------------------------------------------------------------------------- seen events

    async def take_event(
        self, source: str, event_id: int, holder: str, stale_after: float, *, replacing: str | None = None
    ) -> EventClaim:
        now = self._clock()
        mine = (SeenEventRow.source == source) & (SeenEventRow.event_id == event_id)
        async with self._sessions() as session:
            taken = await session.execute(
                insert_for(session)(SeenEventRow)
                .values(source=source, event_id=event_id, seen_at=now, holder=holder)
                .on_conflict_do_nothing(index_elements=["source", "event_id"])
            )
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                # in progress elsewhere: taken over when its process stopped renewing it, or is known dead
                over = (SeenEventRow.seen_at < now - timedelta(seconds=stale_after)) | (
                    SeenEventRow.holder == holder
                )
                if replacing is not None:
                    over = over | (SeenEventRow.holder == replacing)
                taken = await session.execute(
                    update(SeenEventRow)
                    .where(mine, SeenEventRow.holder.is_not(None), over)
                    .values(holder=holder, seen_at=now)
                )
            if taken.rowcount == 1:  # type: ignore[attr-defined]
                await self._prune_if_due(session, now, 1)
                await session.commit()
                return EventClaim(mine=True)
            await session.rollback()
            found = (await session.execute(select(SeenEventRow.holder).where(mine))).first()
        if found is None:  # given up between the two statements: the next delivery takes it
            return EventClaim(mine=False)
        return EventClaim(mine=False, handled=found[0] is None, holder=found[0] or "")

    async def keep_events(self, holder: str) -> None:
        async with self._sessions() as session:
            await session.execute(
                update(SeenEventRow).where(SeenEventRow.holder == holder).values(seen_at=self._clock())
            )
            await session.commit()

    async def event_done(self, source: str, event_id: int, holder: str, *, handled: bool = True) -> None:
        mine = (
            (SeenEventRow.source == source)
            & (SeenEventRow.event_id == event_id)
            & (SeenEventRow.holder == holder)
        )
        async with self._sessions() as session:
            if handled:
                await session.execute(
                    update(SeenEventRow).where(mine).values(holder=None, seen_at=self._clock())
                )
            else:
                await session.execute(delete(SeenEventRow).where(mine))
            await session.commit()

    async def handled_among(self, source: str, event_ids: Sequence[int]) -> set[int]:
        if not event_ids:
            return set()
        async with self._sessions() as session:
            found = await session.execute(
                select(SeenEventRow.event_id).where(
                    SeenEventRow.source == source,
                    SeenEventRow.event_id.in_(list(event_ids)),
                    SeenEventRow.holder.is_(None),
                )
            )
            return {int(event_id) for event_id in found.scalars()}

    async def mark_handled(self, source: str, event_ids: Sequence[int]) -> None:
        if not event_ids:
            return
        now = self._clock()
        async with self._sessions() as session:
            statement = insert_for(session)(SeenEventRow).values(
                [{"source": source, "event_id": e, "seen_at": now, "holder": None} for e in event_ids]
            )
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=["source", "event_id"], set_={"seen_at": now, "holder": None}
                )
            )
            await self._prune_if_due(session, now, len(event_ids))
            await session.commit()

    async def _prune_if_due(self, session: AsyncSession, now: datetime, events: int) -> None:
        """Marks of handled events older than ``SEEN_KEPT`` deleted, once every ``PRUNE_EVERY`` events."""
        self._since_pruning += events
        if self._since_pruning >= PRUNE_EVERY:
            self._since_pruning = 0
            await session.execute(
                delete(SeenEventRow).where(
                    SeenEventRow.seen_at < now - SEEN_KEPT, SeenEventRow.holder.is_(None)
                )
            )

    # -------------------------------------------------------------------------------------- send slots

    async def _now(self, session: AsyncSession) -> datetime:
        if not self._postgres:
            return self._clock()
        moment = (await session.execute(text("SELECT clock_timestamp() AT TIME ZONE 'UTC'"))).scalar_one()
        assert isinstance(moment, datetime)
        return moment.replace(tzinfo=UTC)

    async def take_send_slot(self, windows: Sequence[Window]) -> tuple[int, float]:
        async with self._sessions() as session:
            if self._postgres:
                # each window's lock, always in the same order: two processes never wait for each other's
                for key in sorted({window.key for window in windows}):
                    await session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(key, 0))))
            # slots past every window go first; on SQLite this write also takes the database's one write
            # lock, so that no other process counts or adds slots until this one is done
            horizon = await self._now(session) - IN_FLIGHT
            for window in windows:
                await session.execute(
                    delete(SendSlotRow).where(
                        SendSlotRow.key == window.key,
                        SendSlotRow.at < horizon - timedelta(seconds=window.seconds),
                    )
                )
            now = await self._now(session)
            wait = 0.0
            for window in windows:
                since = now - timedelta(seconds=window.seconds)
                moments = list(
                    (
                        await session.execute(
                            select(SendSlotRow.at)
                            .where(SendSlotRow.key == window.key, SendSlotRow.at >= since)
                            .order_by(SendSlotRow.at)
                        )
                    ).scalars()
                )
                if len(moments) >= window.limit:
                    # room once enough of them have left the window; one still in flight may be answered
                    # any moment, which tells when it counts from
                    leaves = moments[len(moments) - window.limit]
                    wait = max(wait, IN_FLIGHT_POLL if leaves > now else (leaves - since).total_seconds())
            if wait > 0:
                await session.rollback()
                return 0, max(wait, 0.001)
            slot = secrets.randbits(62) or 1
            session.add_all(SendSlotRow(slot=slot, key=window.key, at=now + IN_FLIGHT) for window in windows)
            await session.commit()
        return slot, 0.0

    async def sent(self, slot: int) -> None:
        async with self._sessions() as session:
            now = await self._now(session)
            await session.execute(update(SendSlotRow).where(SendSlotRow.slot == slot).values(at=now))
            await session.commit()
