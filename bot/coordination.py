"""What processes sharing one database agree on through it: the port, implemented by storage.

Several processes may run one bot on one PostgreSQL database (Telegram webhook workers, Discord shards). What
must then happen once over all of them goes through here: one process at a time long-polls a Telegram bot
(a lease, renewed while held), an update Telegram delivers twice is handled once (its id claimed by the
process that handles it, marked handled once it is; a claim its process stops renewing is taken over), and
the platforms' limits are counted over every process (a sliding window of send slots kept in the database).
Nothing here holds a token, a raw user id or a text: a token is named by a keyed hash (``tag``), and a chat by
its keyed hash too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Window:
    """At most ``limit`` sends in any ``seconds`` under ``key`` (a bot's overall limit, one chat's)."""

    key: str
    limit: int
    seconds: float


@dataclass(frozen=True)
class EventClaim:
    """What ``take_event`` found: the event is now the asker's to handle (``mine``), or it was handled already
    (``handled``), or another process handles it right now (``holder``)."""

    mine: bool
    handled: bool = False
    holder: str = ""


@dataclass(frozen=True)
class Held:
    """A lease another process holds: its holder's id, and when it ends unless renewed."""

    holder: str
    until: datetime


class Coordination(Protocol):
    @property
    def shared(self) -> bool:
        """Whether several processes can share this database (PostgreSQL; SQLite is one machine's file)."""
        ...

    def tag(self, value: str) -> str:
        """A keyed hash that stands for ``value`` (a bot token, a chat) in the database: never the value."""
        ...

    async def hold_lease(
        self, name: str, holder: str, seconds: float, *, replacing: str | None = None
    ) -> Held | None:
        """Takes or renews lease ``name`` for ``holder`` for ``seconds`` (also from ``replacing``, a holder
        known to be dead): ``None`` when it holds it now, else who holds it (another process)."""
        ...

    async def release_lease(self, name: str, holder: str) -> None:
        """Gives the lease back (if ``holder`` still holds it)."""
        ...

    async def take_event(
        self, source: str, event_id: int, holder: str, stale_after: float, *, replacing: str | None = None
    ) -> EventClaim:
        """Claims event ``event_id`` of ``source`` for ``holder`` to handle, unless it was handled, or another
        process handles it (it renews its claims: ``keep_events``); a claim not renewed for ``stale_after``
        seconds, or held by ``replacing`` (a holder known to be dead), is taken over. Handled events are
        remembered for a short while (a platform sends an event again within minutes, not later)."""
        ...

    async def keep_events(self, holder: str) -> None:
        """Renews every claim ``holder`` holds (events it is still handling)."""
        ...

    async def event_done(self, source: str, event_id: int, holder: str, *, handled: bool = True) -> None:
        """``holder`` handled the event (``handled``: later deliveries of it are skipped), or gave it up
        without handling it (the next delivery is handled)."""
        ...

    async def handled_among(self, source: str, event_ids: Sequence[int]) -> set[int]:
        """Which of ``event_ids`` of ``source`` are marked handled (``mark_handled``, or ``event_done``)."""
        ...

    async def mark_handled(self, source: str, event_ids: Sequence[int]) -> None:
        """``event_ids`` of ``source`` were handled: a delivery of one of them again is to be skipped (a
        poller's updates, sent again after a restart when they were not confirmed before it)."""
        ...

    async def take_send_slot(self, windows: Sequence[Window]) -> tuple[int, float]:
        """A send counted in every window if all have room now: ``(slot, 0.0)``; else nothing is counted and
        ``(0, seconds)`` says how long until one would. The slot counts as sent from now until ``sent`` is
        called with it (its arrival at the platform is not known before)."""
        ...

    async def sent(self, slot: int) -> None:
        """The send of ``slot`` is answered: it counts from now (a moment after the platform counted it)."""
        ...


async def wait_for_send_slot(
    coordination: Coordination,
    windows: Sequence[Window],
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> int:
    """A send slot in every window over every process, waited for; to give back with ``slot_answered``."""
    while True:
        slot, wait = await coordination.take_send_slot(windows)
        if slot:
            return slot
        await sleep(wait)


async def slot_answered(coordination: Coordination, slot: int, platform: str) -> None:
    """The send of ``slot`` is answered; if the database can't be told, it counts as in flight a little longer
    (the safe side), and one line says so."""
    try:
        await coordination.sent(slot)
    except Exception as error:
        log.warning("%s: a send slot was not marked as answered: %s", platform, type(error).__name__)


class AnsweredSlots:
    """Send slots whose answer is back, marked so in the database off the sender's way: the answer reaches
    its caller at once (a card's recording follows it, closing the send-to-commit window, in which a kill
    sends the card twice on Telegram), not four round trips later. Meanwhile the slot still counts as in
    flight: the safe side. ``settled`` waits for the marks not yet written (on stop)."""

    def __init__(self, coordination: Coordination, platform: str) -> None:
        self._coordination, self._platform = coordination, platform
        self._marking: set[asyncio.Task[None]] = set()

    def answered(self, slot: int) -> None:
        if not slot:
            return
        task = asyncio.create_task(slot_answered(self._coordination, slot, self._platform))
        self._marking.add(task)
        task.add_done_callback(self._marking.discard)

    async def settled(self) -> None:
        while self._marking:
            await asyncio.gather(*self._marking, return_exceptions=True)
