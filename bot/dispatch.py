"""Delivering the outbox: claiming due entries, handing each to its type's delivery, retrying with back-off.

A commit that writes to the outbox wakes the dispatcher of its process at once; a slower poll finds what
other processes wrote, and the dispatcher sleeps until the next entry is due. Entries for one chat go out in
order, one at a time (a lane per chat); lanes go out alongside each other, so a chat that the platform holds
back delays no other chat, and a member's private message never waits behind a group's burst.

What each message looks like and where it goes is in ``bot/delivery/``; this module knows only leases,
attempts, back-off, lanes and what to do when a chat is gone.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
from collections import deque
from collections.abc import Callable, Hashable, Mapping, Sequence
from contextvars import ContextVar
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, cast

from bot.anonymity import Sealer
from bot.delivery import delivery_of, inactive
from bot.delivery.cards import SENDING_LEASE
from bot.delivery.context import (
    Chat,
    ChatGone,
    CommunityChat,
    DeliveryContext,
    DiscussionChat,
    KeptForms,
    ModeratorsChat,
    NotYet,
    delivering,
)
from bot.delivery.lanes import Lanes, Uncached
from bot.delivery.moderators import NO_MODERATION_CHAT_RETRY
from bot.delivery.turns import Turns
from bot.leases import BEAT_EVERY
from bot.logsafe import where
from bot.loop_lag import LoopLag
from bot.ports import (
    Clock,
    Contention,
    Database,
    DeliveryError,
    Directory,
    Messenger,
    OutboxEntry,
    UnitOfWork,
)

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=15)  # renewed while held: after a crash, what was held is free again this soon
RENEW_EVERY = LEASE / 3  # entries held behind a busy chat, and cards being sent, keep their claim
BATCH = 10  # claimed at once by ``run_once``
CLAIM = 200  # claimed at once by ``run_forever``
HELD = 2_000  # entries one dispatcher holds at most (queued in lanes or being delivered)
AT_ONCE = 64  # deliveries in progress at once, over all lanes
POLL_SECONDS = 1.0  # for entries other processes wrote; this process's own commits wake it at once
STOP_GRACE_SECONDS = 10.0  # on stop, deliveries in progress may finish within this
MAX_ATTEMPTS = 30  # then an entry is failed for good (about four hours of back-off)
MAX_BACKOFF = timedelta(minutes=10)
CONTENTION_RETRY = timedelta(milliseconds=50)
WINDOWS_EVERY = timedelta(seconds=2)  # how often the send-to-commit windows are logged (INFO), if any
# the windows' report counts them up to each of these (in ms), so that a whole run's percentiles can be read
# from its reports to within these bounds
WINDOW_BOUNDS_MS = (1, 2, 5, 10, 20, 50, 100, 200, 500)
STALL_LOGGED = 0.05  # a lateness of the event loop past this is logged with where the loop stood
UNITS_AT_ONCE = 4  # the deliveries' units of work open at once (the network waits are not counted)

_IN_UNIT: ContextVar[bool] = ContextVar("delivery_in_unit", default=False)
# the outbox entry whose delivery last closed a unit of work: one under way (its next units go first)
_UNIT_CLOSED: ContextVar[int | None] = ContextVar("delivery_unit_closed", default=None)


class _Gate:
    """The deliveries' units of work, a few at a time, those of deliveries under way first (``Turns``).
    Lanes wait for the network side by side, but their transactions queue here rather than in the
    database: SQLite's busy handler lets a writer that keeps losing wait for seconds (then fails it) while
    dozens of lanes write."""

    def __init__(self, database: Database, at_once: int) -> None:
        self._database = database
        self._slots = Turns(at_once)

    def unit_of_work(self) -> UnitOfWork:
        return cast(UnitOfWork, _GatedUnit(self._database.unit_of_work(), self._slots))

    def recording(self) -> UnitOfWork:
        # not gated: the commit right after a send queues behind nothing (it closes the send-to-commit window)
        return self._database.recording()

    def on_outbox_written(self, listener: Callable[[], None]) -> None:
        self._database.on_outbox_written(listener)

    async def checkpoint(self) -> None:
        await self._database.checkpoint()

    async def warm(self) -> None:
        await self._database.warm()


class _GatedUnit:
    def __init__(self, unit: UnitOfWork, slots: Turns) -> None:
        self._unit, self._slots = unit, slots
        self._token: Any = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._unit, name)

    async def __aenter__(self) -> UnitOfWork:
        if not _IN_UNIT.get():  # a unit opened inside another goes through: it would wait for itself
            entry = delivering.get()
            await self._slots.acquire(entry is not None and _UNIT_CLOSED.get() == entry)
            self._token = _IN_UNIT.set(True)
        try:
            return await self._unit.__aenter__()
        except BaseException:
            self._release()
            raise

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            await self._unit.__aexit__(kind, error, trace)
        finally:
            self._release()

    def _release(self) -> None:
        if self._token is not None:
            _IN_UNIT.reset(self._token)
            self._token = None
            self._slots.release()
            _UNIT_CLOSED.set(delivering.get())


class Dispatcher:
    def __init__(
        self,
        database: Database,
        messengers: Mapping[str, Messenger],
        sealer: Sealer,
        clock: Clock,
        edit_intervals: Mapping[str, timedelta] | None = None,
        directories: Mapping[str, Directory] | None = None,
        reader_counts: dict[int, tuple[datetime, int | None]] | None = None,
        *,
        watch_loop: bool = False,
        kept_forms: KeptForms | None = None,
    ) -> None:
        """``watch_loop``: a stall of the event loop is told with where the loop stood (``bot/loop_lag.py``:
        a thread of its own looks; off by default, it costs the loop a little)."""
        self._db: Database = _Gate(database, UNITS_AT_ONCE)
        self._sealer = sealer
        self._clock = clock
        self._context = DeliveryContext(
            self._db, messengers, sealer, clock, edit_intervals, directories, reader_counts, kept_forms
        )
        # a process claims only the entries of the messengers it runs: another on the database runs the rest
        self._platforms = frozenset(messengers)
        self._wake = asyncio.Event()
        database.on_outbox_written(self._wake.set)
        self._chats: dict[tuple[str, int], Chat] = {}  # lane lookups: ids whose chat never changes
        self._queues: dict[Hashable, deque[OutboxEntry]] = {}
        self._workers: dict[Hashable, asyncio.Task[None]] = {}
        self._held: dict[int, OutboxEntry] = {}
        self._slots = asyncio.Semaphore(AT_ONCE)
        self._stopping = False
        # delivered entries whose removal is not committed yet: removed together, in one transaction
        self._finished: set[int] = set()
        self._flushing: asyncio.Task[None] | None = None
        self._lag = LoopLag(places=watch_loop)

    async def run_once(self, limit: int = BATCH) -> int:
        """Deliver what is due now, each chat's entries in order; returns how many entries were handled."""
        entries, lanes, _ = await self._claim(limit)
        await asyncio.gather(*(self._deliver_in_order(queue) for queue in lanes.values()))
        await self._flushed()
        return len(entries)

    async def drain(self, max_rounds: int = 100) -> None:
        for _ in range(max_rounds):
            if await self.run_once() == 0:
                return

    def start_watching(self) -> None:
        """The event loop's watch (``bot/loop_lag.py``, its thread if asked) started now, before the process
        takes work; ``run_forever`` starts it otherwise."""
        self._lag.start()

    def stop_watching(self) -> None:
        self._lag.stop()

    async def run_forever(self, stop: asyncio.Event, poll_seconds: float = POLL_SECONDS) -> None:
        self._stopping = False
        renewed = self._clock.now()
        try:
            await self._db.warm()  # the recordings' connections open before the first send
        except Exception as error:
            log.warning("recording connections not warmed: %s", where(error))
        await self._beat()  # alive before the first claim: what a killed process held is taken over
        beating = asyncio.create_task(self._beat_forever(stop))
        watching = asyncio.create_task(self._lag.run(stop))
        try:
            while not stop.is_set():
                self._wake.clear()
                try:
                    due = await self._fill()
                    if self._clock.now() - renewed >= RENEW_EVERY:
                        renewed = self._clock.now()
                        await self._renew()
                    idle = self._idle(due, poll_seconds)
                except Exception as error:
                    log.error("outbox round failed: %s", where(error))
                    idle = poll_seconds
                await self._sleep(stop, idle)
        finally:
            beating.cancel()
            watching.cancel()
            await asyncio.gather(beating, watching, return_exceptions=True)
            await self._wind_down()

    async def _beat(self) -> None:
        """This process is alive: its claims stay its own; once it stops beating (a kill), others (or its
        restart) take them over within ``OWNER_TIMEOUT``, not after a whole lease."""
        try:
            # on the recording connections: kept open and warm for the commit that follows each send
            async with self._db.recording() as uow:
                await uow.outbox.beat(self._clock.now())
                await uow.commit()
        except Exception as error:
            log.warning("heartbeat not written: %s", where(error))

    async def _beat_forever(self, stop: asyncio.Event) -> None:
        reported = self._clock.now()
        while not stop.is_set():
            await asyncio.sleep(BEAT_EVERY.total_seconds())
            await self._beat()
            if self._clock.now() - reported >= WINDOWS_EVERY:
                reported = self._clock.now()
                self._report_windows()

    def _report_windows(self) -> None:
        """The send-to-commit windows since the last report: a kill inside one sends the message again on a
        platform without idempotency (Telegram)."""
        windows = sorted(self._context.windows)
        self._context.windows.clear()
        slowest, self._context.slowest = self._context.slowest, None
        stall = self._lag.worst_since_last()
        lag = stall.late
        collected, generation = self._lag.worst_collection_since_last()
        if lag > STALL_LOGGED:
            log.info(
                "the event loop late by %.1f ms, most often at %s; longest garbage collection %.1f ms"
                " (generation %d); meanwhile CPU: the loop's thread %.1f ms, the process %.1f ms",
                lag * 1000, stall.place or "(not watched)", collected * 1000, generation,
                stall.loop_cpu * 1000, stall.process_cpu * 1000,
            )  # fmt: skip
        if not windows or slowest is None:
            return

        def at(share: float) -> float:
            return windows[min(len(windows) - 1, round(share * (len(windows) - 1)))] * 1000

        counts = [0] * (len(WINDOW_BOUNDS_MS) + 1)
        for window in windows:
            counts[bisect.bisect_left(WINDOW_BOUNDS_MS, window * 1000)] += 1
        log.info(
            "send-to-commit windows: %d sends, p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d over 50 ms;"
            " the event loop late by %.1f ms at most; the slowest: the platform's answer parsed at %.1f ms,"
            " its statement answered at %.1f ms, committed at %.1f ms, in %d tries;"
            " how many up to (%s ms, more): %s",
            len(windows), at(0.5), at(0.99), windows[-1] * 1000, sum(1 for w in windows if w > 0.05),
            lag * 1000, slowest.returned * 1000, slowest.written * 1000, slowest.committed * 1000,
            slowest.tries,
            " ".join(map(str, WINDOW_BOUNDS_MS)), " ".join(map(str, counts)),
        )  # fmt: skip

    async def _claim(
        self, limit: int
    ) -> tuple[list[OutboxEntry], dict[Hashable, list[OutboxEntry]], datetime | None]:
        """Claims what is due (less what this dispatcher holds already) and reads when the next entry is due,
        in one short transaction; then finds the chat each entry writes to, from the lanes' cache or in a
        transaction that only reads (never while holding SQLite's writer: a card's recording waits for it)."""
        now = self._clock.now()
        async with self._db.unit_of_work() as uow:
            claimed = await uow.outbox.claim_due(now, limit, now + LEASE, self._platforms)
            due = await uow.outbox.next_due(self._platforms)
            await uow.commit()
        entries = [e for e in claimed if e.id not in self._held and e.id not in self._finished]
        try:
            lanes = await self._lanes(None, entries)
        except Uncached:
            async with self._db.unit_of_work() as uow:
                lanes = await self._lanes(uow, entries)
        return entries, lanes, due

    async def _lanes(
        self, uow: UnitOfWork | None, entries: Sequence[OutboxEntry]
    ) -> dict[Hashable, list[OutboxEntry]]:
        """The entries by the chat they write to, in claim order; an entry of no chat is a lane alone.
        Without ``uow``, from the cache only (``Uncached`` if one is not there)."""
        lanes: dict[Hashable, list[OutboxEntry]] = {}
        finder = Lanes(uow, self._chats)
        for entry in entries:
            delivery = delivery_of(entry.message)
            chat = await delivery.lane(finder, entry.message) if delivery and delivery.lane else None
            lanes.setdefault(chat if chat is not None else ("entry", entry.id), []).append(entry)
        return lanes

    async def _deliver_in_order(self, entries: list[OutboxEntry]) -> None:
        for entry in entries:
            async with self._slots:
                await self._handle(entry)

    async def _fill(self) -> datetime | None:
        """Claims what is due into the lanes; returns when the next entry is due (None: none, or full)."""
        room = HELD - len(self._held)
        if room <= 0:
            return None  # a lane finishing an entry wakes the loop
        _, lanes, due = await self._claim(min(room, CLAIM))
        for lane, entries in lanes.items():
            for entry in entries:
                self._held[entry.id] = entry
            queue = self._queues.setdefault(lane, deque())
            queue.extend(entries)
            if lane not in self._workers:
                self._workers[lane] = asyncio.create_task(self._work(lane, queue))
        return due

    async def _work(self, lane: Hashable, queue: deque[OutboxEntry]) -> None:
        try:
            while queue and not self._stopping:
                entry = queue.popleft()
                try:
                    async with self._slots:
                        await self._handle(entry)
                except Exception as error:
                    # its bookkeeping failed (the database busy for long): its lease runs out and it is
                    # claimed again; the lane goes on with the next entry
                    log.error("outbox entry %s: %s", entry.id, where(error))
                finally:
                    full = len(self._held) >= HELD
                    self._held.pop(entry.id, None)
                    if full:
                        self._wake.set()
        finally:
            self._workers.pop(lane, None)
            if not queue:
                self._queues.pop(lane, None)  # what is left on stop is given back by ``_wind_down``

    async def _renew(self) -> None:
        """The claims of the entries held and of the cards being sent, each renewal a unit of one statement
        (committed as it runs on PostgreSQL): their rows are those the cards' recordings write, which must
        not wait for a renewal's commit."""
        sending = list(self._context.cards_sending)
        now = self._clock.now()
        if self._held:
            async with self._db.unit_of_work() as uow:
                await uow.outbox.renew(list(self._held), now + LEASE)
                await uow.commit()
        if sending:
            async with self._db.unit_of_work() as uow:
                await uow.secrets.renew_sending(sending, now + SENDING_LEASE)
                await uow.commit()

    def _idle(self, due: datetime | None, poll_seconds: float) -> float:
        """How long to sleep unless woken: until the next entry is due, at most ``poll_seconds``."""
        if len(self._held) >= HELD:
            return poll_seconds
        if due is None:
            return poll_seconds
        return max(0.0, min(poll_seconds, (due - self._clock.now()).total_seconds()))

    async def _sleep(self, stop: asyncio.Event, seconds: float) -> None:
        waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()

    async def _wind_down(self) -> None:
        """Let deliveries in progress finish (within a grace), and give back what was only queued."""
        self._stopping = True
        if self._workers:
            _, late = await asyncio.wait(list(self._workers.values()), timeout=STOP_GRACE_SECONDS)
            for worker in late:
                worker.cancel()
            if late:
                await asyncio.wait(late)
        self._workers.clear()
        await self._flushed()
        queued = [entry for queue in self._queues.values() for entry in queue]
        self._queues.clear()
        if queued:
            async with self._db.unit_of_work() as uow:
                for entry in queued:
                    await uow.outbox.postpone(entry.id, entry.not_before)
                await uow.commit()
        self._held.clear()

    async def _handle(self, entry: OutboxEntry) -> None:
        try:
            await self._attempt(entry)
        finally:
            self._context.removed.discard(entry.id)

    async def _attempt(self, entry: OutboxEntry) -> None:
        kind = type(entry.message).__name__
        delivery = delivery_of(entry.message)
        delivered = delivering.set(entry.id)  # a send that delivers it removes it as it records the send
        try:
            try:
                if delivery is None:
                    raise DeliveryError(f"no delivery for {kind}", permanent=True)
                await delivery.deliver(self._context, entry.message)
            except Exception as error:
                if entry.id not in self._context.removed:
                    raise
                # its message is out and the entry was removed with its recording: nothing to retry
                log.warning("outbox entry %s (%s) went out, then failed: %s", entry.id, kind, where(error))
                return
            if entry.id in self._context.removed:
                # its send removed it as it was recorded: never removed again by its id (SQLite gives the
                # newest row's id, once removed, to the next row written: a new entry, lost if removed now)
                return
        except NotYet as later:
            async with self._db.unit_of_work() as uow:
                await uow.outbox.postpone(entry.id, later.when)
                await uow.commit()
            self._wake.set()  # the next due time moved
            return
        except Contention:
            # the database was busy with another transaction (SQLite's one writer): soon again, no attempt
            try:
                async with self._db.unit_of_work() as uow:
                    await uow.outbox.postpone(entry.id, self._clock.now() + CONTENTION_RETRY)
                    await uow.commit()
            except Contention:
                pass  # still busy: the entry's lease runs out and it is claimed again
            self._wake.set()
            return
        except ChatGone as gone:
            await self._chat_gone(entry, gone)
            return
        except DeliveryError as error:
            await self._failed(entry, error)
            return
        except Exception as error:
            log.error("outbox entry %s (%s) failed: %s", entry.id, kind, where(error))
            await self._failed(entry, DeliveryError(type(error).__name__))
            return
        finally:
            delivering.reset(delivered)
        self._done(entry.id)

    def _done(self, entry_id: int) -> None:
        """The entry was delivered: removed with the others delivered meanwhile, in one transaction (a commit
        per delivery was most of SQLite's writes in a burst). Until then it stays claimed by this process;
        after a crash it is claimed again, as one whose delivery was cut short would be (the deliveries
        guard against a second copy: a card's or a reply's reference, a platform's nonce)."""
        self._finished.add(entry_id)
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush())

    async def _flush(self) -> None:
        while self._finished:
            ids = sorted(self._finished)
            try:
                async with self._db.unit_of_work() as uow:
                    for entry_id in ids:
                        await uow.outbox.done(entry_id)
                    await uow.commit()
            except Contention:
                await asyncio.sleep(CONTENTION_RETRY.total_seconds())  # the database was busy: soon again
                continue
            except Exception as error:
                log.error("delivered outbox entries not removed yet: %s", where(error))
                await asyncio.sleep(1.0)
                continue
            self._finished.difference_update(ids)

    async def _flushed(self) -> None:
        """Waits until every delivered entry's removal is committed."""
        while self._flushing is not None and not self._flushing.done():
            await asyncio.shield(self._flushing)
        if self._finished:
            self._flushing = asyncio.create_task(self._flush())
            await self._flushing

    async def _chat_gone(self, entry: OutboxEntry, gone: ChatGone) -> None:
        chat = gone.chat
        if isinstance(chat, ModeratorsChat):
            # the moderators' chat is gone: unlink it and keep the item until another is linked
            log.warning("community %s lost its moderators' chat: unlinked", chat.community_id)
            async with self._db.unit_of_work() as uow:
                await uow.communities.set_moderation_chat(chat.community_id, None)
                await uow.outbox.postpone(entry.id, self._clock.now() + NO_MODERATION_CHAT_RETRY)
                await uow.commit()
            return
        if isinstance(chat, DiscussionChat):
            # the discussion chat is gone: unlinked, the reply goes under its card instead
            log.warning("community %s lost its discussion chat: unlinked", chat.community_id)
            async with self._db.unit_of_work() as uow:
                await uow.communities.set_discussion(chat.community_id, None)
                await uow.outbox.postpone(entry.id, self._clock.now())
                await uow.commit()
            return
        if isinstance(chat, CommunityChat):
            # what it waits for (cards, replies) is kept until it comes back or for a bounded time
            log.warning("a community can't be written to any more: marked inactive, its cards kept")
            async with self._db.unit_of_work() as uow:
                await uow.communities.set_active(chat.community_id, False)
                await uow.outbox.postpone(entry.id, self._clock.now() + inactive.FIRST_RECHECK)
                await uow.commit()
            self._wake.set()
            return
        async with self._db.unit_of_work() as uow:
            await self._record_failure(uow, entry, gone.error)
            await uow.commit()

    async def _failed(self, entry: OutboxEntry, error: DeliveryError) -> None:
        async with self._db.unit_of_work() as uow:
            await self._record_failure(uow, entry, error)
            await uow.commit()

    async def _record_failure(self, uow: UnitOfWork, entry: OutboxEntry, error: DeliveryError) -> None:
        if error.permanent or entry.attempts + 1 >= MAX_ATTEMPTS:
            kind = type(entry.message).__name__
            log.warning("outbox entry %s (%s) refused for good: %s", entry.id, kind, error)
            await uow.outbox.fail(entry.id, str(error))
        else:
            wait = error.retry_after or min(2**entry.attempts, MAX_BACKOFF.total_seconds())
            backoff = timedelta(seconds=wait)
            await uow.outbox.retry(entry.id, self._clock.now() + backoff, str(error))
            self._wake.set()  # the next due time moved
