"""The core wired to in-memory fakes: one community "g" of six members, "u6" its admin."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.actions import Action, Post
from bot.actor import Actor
from bot.anonymity import Anonymizer, Sealer
from bot.dispatch import Dispatcher
from bot.messages import Alert, EditPressed, Response, Say
from bot.model import CommunitySettings, Token
from bot.ports import Database
from bot.service import Murmure
from bot.stats import ChartRenderer
from tests.fakes import FakeDatabase, FakeDirectory, FakeMessenger, KeywordFilter, Sent
from tests.support import FixedClock

PLATFORM = "test"
GROUP = "g"
MODS = "mods"
PEPPER = b"p" * 32
ESTABLISHED = datetime(2020, 1, 1, tzinfo=UTC)


class Harness:
    def __init__(
        self,
        settings: CommunitySettings | None = None,
        members: int = 6,
        established: int | None = None,
        charts: ChartRenderer | None = None,
        database: Database | None = None,
    ) -> None:
        # the configuration's defaults: the settings below are the community's own; a real database where
        # a test is about what storage does (``h.db.state`` is then not there)
        self.db: Any = database or FakeDatabase()
        self.clock = FixedClock()
        users = {f"u{i}" for i in range(1, members + 1)}
        # the platform says when members joined: the first ``established`` long ago, the others just now
        old = members if established is None else established
        joined = {f"u{i}": ESTABLISHED if i <= old else self.clock.now() for i in range(1, members + 1)}
        self.directory = FakeDirectory(members={GROUP: users}, admins={GROUP: {"u6"}}, joined=joined)
        self.messenger = FakeMessenger()
        self.anonymizer = Anonymizer(PEPPER)
        self.sealer = sealer = Sealer(b"k" * 32)
        if settings is None:  # tests about the delay pass their own settings; the others publish at once
            settings = CommunitySettings(publication_delay_seconds=0)
        self.service = Murmure(
            self.db,
            {PLATFORM: self.directory},
            self.anonymizer,
            sealer,
            self.clock,
            KeywordFilter(),
            settings,
            charts=charts,
        )
        self.dispatcher = Dispatcher(
            self.db,
            {PLATFORM: self.messenger},
            sealer,
            self.clock,
            directories={PLATFORM: self.directory},
            reader_counts=self.service.reader_counts,  # as the composition root shares them
        )

    def restart_delivery(self) -> None:
        """A new process delivering the same outbox (as after a restart): nothing kept in memory."""
        self.dispatcher = Dispatcher(
            self.db,
            {PLATFORM: self.messenger},
            self.sealer,
            self.clock,
            directories={PLATFORM: self.directory},
            reader_counts=self.service.reader_counts,
        )

    async def setup(self) -> Harness:
        await self.service.register_community(PLATFORM, GROUP, "Group")
        await self.service.link_moderation_chat(PLATFORM, GROUP, MODS)
        await self.dispatcher.drain()
        return self

    @staticmethod
    def actor(user: str, locale: str = "en") -> Actor:
        return Actor(PLATFORM, user, f"dm-{user}", locale)

    async def press(self, user: str, action: Action, locale: str = "en") -> list[Response]:
        responses = await self.service.press(self.actor(user, locale), action.encode())
        await shown(self.service, responses)
        await self.settle()
        return responses

    async def settle(self) -> None:
        """Deliver the outbox, letting a second pass so that rate-limited card edits go out too."""
        await self.dispatcher.drain()
        self.clock.advance(seconds=1.5)
        await self.dispatcher.drain()

    async def post(self, user: str, text: str) -> int:
        """Write and confirm a secret; returns the draft id."""
        preview = await self.service.text(self.actor(user), text)
        action = post_action(preview)
        await self.press(user, action)
        return action.draft

    def token(self, secret_id: int) -> Token:
        """What buttons and links carry for this secret."""
        return self.db.state.secrets[secret_id].token

    def item(self, item_id: int) -> Token:
        """What a moderator's buttons carry for this queue item."""
        return self.db.state.items[item_id].token

    def reply_token(self, reply_id: int) -> Token:
        return self.db.state.replies[reply_id].token

    def cards(self) -> list[Sent]:
        """Cards first sent to the group (not edits, replies or the welcome)."""
        return [
            s
            for s in self.messenger.to(GROUP)
            if not s.edited and s.target.reply_to is None and s.message.text.plain_text.startswith("#")
        ]

    def card_refs(self) -> list[str]:
        return [s.ref for s in self.cards()]


async def shown(service: Murmure, responses: list[Response]) -> None:
    """What an adapter does once the answers showed: an answer the outbox keeps a copy of calls it off."""
    for response in responses:
        if isinstance(response, EditPressed) and response.told is not None:
            await service.told(response.told)


def post_action(responses: list[Response]) -> Post:
    for response in responses:
        if isinstance(response, Say | EditPressed):
            for row in response.message.buttons:
                for button in row:
                    if isinstance(button.action, Post):
                        return button.action
    raise AssertionError(f"no Post button in {responses}")


def text_of(responses: list[Response]) -> str:
    parts = []
    for response in responses:
        parts.append(response.text if isinstance(response, Alert) else response.message.text.plain_text)
    return "\n".join(parts)
