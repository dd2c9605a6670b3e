"""Writing outgoing work into the outbox, in the transaction of the change that causes it."""

from __future__ import annotations

from datetime import timedelta

from bot.ports import Clock, UnitOfWork


class Outbox:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def _add(
        self,
        kind: str,
        payload: dict[str, object],
        *,
        delay: timedelta | None = None,
        dedupe: str | None = None,
    ) -> None:
        not_before = self._clock.now() + (delay or timedelta(0))
        await self._uow.outbox.add(kind, payload, not_before, dedupe)

    async def welcome(self, community_id: int) -> None:
        await self._add("welcome", {"community_id": community_id})

    async def publish_card(self, secret_id: int, delay: timedelta | None = None) -> None:
        await self._add("card", {"secret_id": secret_id}, delay=delay, dedupe=f"card:{secret_id}")

    async def refresh_card(self, secret_id: int) -> None:
        # One pending refresh per card: a burst of taps collapses into one edit showing the final counts.
        await self._add("refresh", {"secret_id": secret_id}, dedupe=f"refresh:{secret_id}")

    async def publish_reply(self, reply_id: int) -> None:
        await self._add("reply", {"reply_id": reply_id})

    async def queue_item(self, item_id: int) -> None:
        await self._add("queue", {"item_id": item_id}, dedupe=f"queue:{item_id}")

    async def digest(self, community_id: int, secret_ids: list[int]) -> None:
        await self._add("digest", {"community_id": community_id, "secret_ids": secret_ids})

    async def member_digest(self, author_key: str, secret_ids: list[int]) -> None:
        await self._add("dm_digest", {"author_key": author_key, "secret_ids": secret_ids})

    async def notify_author(self, secret_id: int, key: str, params: dict[str, str]) -> None:
        await self._add("notify", {"secret_id": secret_id, "key": key, "params": params})
