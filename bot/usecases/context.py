"""What every use case is given: the unit of work, who acts, and the services it may need."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.actor import Actor
from bot.anonymity import Anonymizer, PersonKeys, Sealer
from bot.i18n import current_locale, t
from bot.messages import Alert, OutgoingMessage, Response, RichText, Say
from bot.model import CommunitySettings
from bot.ports import Clock, Directory, TextChecker, UnitOfWork
from bot.stats import ChartRenderer

LOCALE_LIFETIME = timedelta(minutes=1)
# Key derivations (scrypt: 12 ms of CPU each here, idle) run in worker threads, this many at once: a core is
# left to the event loop. A restart's first members each derive theirs; six at once on this 2-core machine
# took the cores from the loop's thread (its stalls after a restart: the process busy 2 to 3 times as long
# as the loop's thread), and a card's answer waited behind them inside its send-to-commit window.
DERIVATIONS_AT_ONCE = max(1, (os.cpu_count() or 2) - 1)
REMEMBERED_PEOPLE = 100_000  # entries of the in-memory caches above, at most (then they start again)


@dataclass(frozen=True)
class Services:
    directories: Mapping[str, Directory]
    anonymizer: Anonymizer
    sealer: Sealer
    clock: Clock
    text_filter: TextChecker
    default_settings: CommunitySettings = field(default_factory=CommunitySettings)
    charts: ChartRenderer | None = None  # /stats's chart (None: the figures as text only)
    pictures_in_folder: bool = False  # where photos are kept: a folder of files, or the database (/privacy)
    # the key derivations running in worker threads (``DERIVATIONS_AT_ONCE``)
    derivations: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(DERIVATIONS_AT_ONCE))
    # a member's community key -> when the platform last said "not a member": probes are not repeated for
    # every event (in memory only, like the router's locks)
    recent_noes: dict[str, datetime] = field(default_factory=dict)
    # community -> (when counted, readers): the last count the platform gave (no person in it); the chooser
    # shows one a few minutes old at most, Post asks afresh, and the card going out right after Post uses it
    reader_counts: dict[int, tuple[datetime, int | None]] = field(default_factory=dict)
    # a member's preference key -> (when read, their stored language): read at every event otherwise; a
    # choice made in this process clears it, one made in another shows here within ``LOCALE_LIFETIME``
    locales: dict[str, tuple[datetime, str | None]] = field(default_factory=dict)
    # a member's preference key -> the UTC day their DM digest address was last looked at (it is rewritten
    # once a day at most, so one look a day is enough)
    digest_checked: dict[str, date] = field(default_factory=dict)

    async def stored_locale(self, uow: UnitOfWork, preference_key: str) -> str | None:
        """The member's chosen language, read at most once a ``LOCALE_LIFETIME`` by this process."""
        now = self.clock.now()
        cached = self.locales.get(preference_key)
        if cached is not None and now - cached[0] < LOCALE_LIFETIME:
            return cached[1]
        stored = await uow.preferences.locale(preference_key)
        if len(self.locales) >= REMEMBERED_PEOPLE:
            self.locales.clear()
        self.locales[preference_key] = (now, stored)
        return stored


class PendingWrites:
    """What a use case learnt from a platform (a membership confirmed or gone), written only once its slow
    work is over, just before its commit. A use case's first write makes its transaction the database's one
    writer (SQLite) until it commits: a write made before a platform's round trip or a text's scoring would
    hold every other writer for that long, among them the recording of a card the platform just took (the
    send-to-commit window, in which a kill sends the card twice on Telegram). The answers are kept here too,
    so the use case does not ask the platform twice."""

    def __init__(self) -> None:
        self._writes: dict[Hashable, Callable[[], Awaitable[object]]] = {}
        self.memberships: dict[int, bool] = {}  # community id -> the platform's answer in this event

    def add(self, key: Hashable, write: Callable[[], Awaitable[object]]) -> None:
        """``write`` runs at ``flush``; a later write with the same ``key`` replaces it."""
        self._writes.pop(key, None)
        self._writes[key] = write

    def drop(self) -> None:
        """Nothing pending is written (the member asked to be forgotten)."""
        self._writes.clear()
        self.memberships.clear()

    async def flush(self) -> None:
        while self._writes:
            key = next(iter(self._writes))
            await self._writes.pop(key)()


@dataclass(frozen=True)
class Context:
    """One event of one member: ``keys`` gives their key of each scope, ``actor`` the raw identity (neither
    is stored). ``pending``: writes kept until the use case's slow work is over (``PendingWrites``);
    ``after_commit``: answers made after the commit."""

    uow: UnitOfWork
    actor: Actor
    keys: PersonKeys
    services: Services
    pending: PendingWrites = field(default_factory=PendingWrites)
    # answers made once the unit of work committed, after the use case's own (work that needs no database,
    # such as rendering a card from what the transaction read, kept out of the transaction)
    after_commit: list[Callable[[], Response]] = field(default_factory=list)

    @property
    def clock(self) -> Clock:
        return self.services.clock

    def now(self) -> datetime:
        return self.services.clock.now()

    @property
    def locale(self) -> str:
        return current_locale.get()

    def directory(self, platform: str) -> Directory | None:
        return self.services.directories.get(platform)


def message(key: str, **params: object) -> OutgoingMessage:
    return OutgoingMessage(RichText.plain(t(key, **params)))


def say(key: str, **params: object) -> list[Response]:
    return [Say(message(key, **params))]


def alert(key: str, **params: object) -> list[Response]:
    return [Alert(t(key, **params))]
