"""What a messenger adapter gives the composition root: one ``Platform`` object, exported by its package as
``ADAPTER``. The root reads the adapter's config section, connects it, and runs every one configured."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from adapters.section import Section
from bot.commands import Feature
from bot.ports import Directory, Messenger
from bot.service import Murmure


class Connection(Protocol):
    """A messenger's client, built from its section (nothing on the network yet). One whose platform keeps the
    events that came while the process was down (Telegram's polling) may also offer ``async caught_up()``,
    returning once those are handled: the outbox starts sending then (a card's answer that came back while
    they were handled waited behind them, inside its send-to-commit window)."""

    @property
    def messenger(self) -> Messenger: ...

    @property
    def directory(self) -> Directory: ...

    async def start(self, service: Murmure) -> None:
        """Connect, and hand the platform's events to ``service`` until ``stop``."""

    async def stop(self) -> None:
        """Disconnect; never raises (what fails is logged)."""


@dataclass(frozen=True)
class Platform:
    name: str  # in chat refs and author keys, and the name of its config section: never changes
    features: frozenset[Feature]  # how it works: which of the declared commands it offers
    connect: Callable[[Section], Connection]
    # its client libraries' loggers, at the level they keep whatever Murmure's is: the ones that can log a
    # token, a raw id, a name or a member's text
    pinned_loggers: Mapping[str, int] = field(default_factory=dict)


class StartRefused(Exception):
    """A messenger that must not start here, said so that an operator knows why (another process already
    does what only one may do)."""

    def __init__(self, platform: str, reason: str) -> None:
        super().__init__(f"{platform}: {reason}")
        self.platform = platform
