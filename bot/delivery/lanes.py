"""Which chat an outbox message writes to, known before it is delivered: entries for one chat go out in
order, one at a time, while other chats' go out alongside."""

from __future__ import annotations

from collections.abc import MutableMapping

from bot.delivery.context import Chat, CommunityChat, ModeratorsChat
from bot.ports import UnitOfWork

CACHE_LIMIT = 10_000


class Uncached(Exception):
    """A chat the cache doesn't know, asked of ``Lanes`` without a unit of work to look it up."""


class Lanes:
    """Looks a chat up from ids whose chat never changes (a secret, a reply, a queue item), cached; with no
    unit of work, from the cache only (``Uncached`` when it must be looked up)."""

    def __init__(self, uow: UnitOfWork | None, cache: MutableMapping[tuple[str, int], Chat]) -> None:
        self._given = uow
        if len(cache) > CACHE_LIMIT:
            cache.clear()
        self._cache = cache

    @property
    def _uow(self) -> UnitOfWork:
        if self._given is None:
            raise Uncached
        return self._given

    async def of_secret(self, secret_id: int) -> Chat | None:
        key = ("secret", secret_id)
        if key not in self._cache:
            secret = await self._uow.secrets.get(secret_id)
            if secret is None:
                return None
            self._cache[key] = CommunityChat(secret.community_id)
        return self._cache[key]

    async def of_reply(self, reply_id: int) -> Chat | None:
        key = ("reply", reply_id)
        if key not in self._cache:
            reply = await self._uow.replies.get(reply_id)
            chat = await self.of_secret(reply.secret_id) if reply else None
            if chat is None:
                return None
            self._cache[key] = chat
        return self._cache[key]

    async def of_item(self, item_id: int) -> Chat | None:
        key = ("item", item_id)
        if key not in self._cache:
            item = await self._uow.moderation.get_item(item_id)
            if item is None:
                return None
            self._cache[key] = ModeratorsChat(item.community_id)
        return self._cache[key]
