"""The core's platform ports for the console: delivering messages, and who is member or admin."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.console.world import ConsoleWorld
from bot.commands import Feature
from bot.messages import ChatTarget, OutgoingMessage
from bot.ports import DeliveryError

ESTABLISHED = datetime(2020, 1, 1, tzinfo=UTC)
# a link button opens the DM with /start; a reply is typed as the next line (/cancel stops it)
FEATURES = frozenset({Feature.START_LINKS, Feature.TYPED_REPLIES})


class ConsoleMessenger:
    def __init__(self, world: ConsoleWorld) -> None:
        self._world = world

    async def send(self, target: ChatTarget, message: OutgoingMessage) -> str:
        if target.chat_ref not in self._world.chats:
            raise DeliveryError("chat not found", permanent=True)
        reply_to = int(target.reply_to) if target.reply_to and target.reply_to.isdigit() else None
        return str(self._world.post(target.chat_ref, message, reply_to).id)

    async def edit(self, target: ChatTarget, message_ref: str, message: OutgoingMessage) -> None:
        if not message_ref.isdigit() or not self._world.edit(int(message_ref), message):
            raise DeliveryError("message not found", permanent=True)


class ConsoleDirectory:
    def __init__(self, world: ConsoleWorld) -> None:
        self._world = world

    def _name(self, user_id: str) -> str | None:
        user = self._world.user_by_id(user_id)
        return user.name if user else None

    async def is_member(self, chat_ref: str, user_id: str) -> bool:
        chat = self._world.chats.get(chat_ref)
        return chat is not None and self._name(user_id) in chat.members

    async def is_admin(self, chat_ref: str, user_id: str) -> bool:
        chat = self._world.chats.get(chat_ref)
        return chat is not None and self._name(user_id) in chat.admins

    async def reader_count(self, chat_ref: str) -> int | None:
        chat = self._world.chats.get(chat_ref)
        return len(chat.members) if chat else 0  # the simulated members are people; the bot is not one

    async def admin_chats(self, chat_ref: str) -> list[str]:
        return []  # the console's groups never take a right from the bot

    async def only_admins_read(self, moderators_chat_ref: str, community_chat_ref: str) -> bool | None:
        moderators, community = (
            self._world.chats.get(moderators_chat_ref),
            self._world.chats.get(community_chat_ref),
        )
        if moderators is None or community is None:
            return False
        return set(moderators.members) <= set(community.admins)

    async def joined_at(self, chat_ref: str, user_id: str) -> datetime | None:
        # The simulated members have been in the demo group for ages: they count as established.
        return ESTABLISHED if await self.is_member(chat_ref, user_id) else None
