"""What processes sharing one database agree on through it: the port, implemented by storage.

Several processes may run one bot on one PostgreSQL database (Telegram webhook workers, Discord shards). What
must then happen once over all of them goes through here: one process at a time long-polls a Telegram bot
(a lease, renewed while held), an update Telegram delivers twice is handled once (its id marked as seen,
before it is handled), and Telegram's limits are counted over every process (a sliding window of send slots
kept in the database). Nothing here holds a token, a raw user id or a text: a token is named by a keyed hash
(``tag``), and a chat by its keyed hash too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Window:
    """At most ``limit`` sends in any ``seconds`` under ``key`` (a bot's overall limit, one chat's)."""

    key: str
    limit: int
    seconds: float


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

    async def first_sight(self, source: str, event_id: int) -> bool:
        """True the first time event ``event_id`` of ``source`` is seen by any process (marked as seen before
        it is handled, kept for a short while); False for a second delivery of it."""
        ...

    async def take_send_slot(self, windows: Sequence[Window]) -> tuple[int, float]:
        """A send counted in every window if all have room now: ``(slot, 0.0)``; else nothing is counted and
        ``(0, seconds)`` says how long until one would. The slot counts as sent from now until ``sent`` is
        called with it (its arrival at the platform is not known before)."""
        ...

    async def sent(self, slot: int) -> None:
        """The send of ``slot`` is answered: it counts from now (a moment after the platform counted it)."""
        ...
