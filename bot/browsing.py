"""Browsing in DM: pages of latest and top secrets, followed topics, the opt-in to the daily DM digest."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import ranking, render
from bot.actor import Actor
from bot.anonymity import Sealer
from bot.i18n import current_locale, t
from bot.messages import Alert, EditPressed, Response, Say
from bot.model import COLLECTIONS, Community, FeedKind
from bot.ports import Clock, DigestAddress, UnitOfWork

MAX_FEED_PAGE = 1000
TOP_WINDOW = timedelta(days=7)
TOP_POOL = 200
ADDRESS_LIFETIME = timedelta(days=7)  # after the member's last activity


class Browsing:
    def __init__(self, clock: Clock, sealer: Sealer) -> None:
        self._clock = clock
        self._sealer = sealer

    async def page(
        self,
        uow: UnitOfWork,
        platform: str,
        key: str,
        mine: list[Community],
        kind: FeedKind,
        page: int,
        *,
        edit: bool,
    ) -> list[Response]:
        """Latest or top secrets of the member's communities and subscribed collections."""
        if page > MAX_FEED_PAGE:
            return [Alert(t("error.stale"))]
        subscribed = await uow.secrets.subscriptions(key)
        public = await uow.communities.public_since(platform)
        mine_ids = [c.id for c in mine]
        size = render.FEED_PAGE
        now = self._clock.now()
        if kind is FeedKind.LATEST:
            found = list(
                await uow.secrets.feed(mine_ids, subscribed, public, None, False, page * size, size + 1)
            )
        else:
            pool = await uow.secrets.feed(mine_ids, subscribed, public, now - TOP_WINDOW, True, 0, TOP_POOL)
            found = ranking.by_hotness(pool, now)[page * size : page * size + size + 1]
        titles: dict[int, str] = {c.id: c.title for c in mine}
        items = []
        for secret in found[:size]:
            if secret.community_id not in titles:
                other = await uow.communities.get(secret.community_id)
                titles[secret.community_id] = other.title if other else "?"
            items.append((secret, titles[secret.community_id]))
        message = render.feed_page(current_locale.get(), kind, page, items, more=len(found) > size)
        return [EditPressed(message) if edit else Say(message)]

    async def topics(self, uow: UnitOfWork, key: str, *, edit: bool) -> list[Response]:
        daily = await uow.members.digest_address(key, self._clock.now()) is not None
        message = render.topics(current_locale.get(), await uow.secrets.subscriptions(key), daily)
        return [EditPressed(message) if edit else Say(message)]

    async def toggle_dm_digest(self, uow: UnitOfWork, actor: Actor, key: str, on: bool) -> list[Response]:
        address = self.digest_address(actor, current_locale.get()) if on else None
        await uow.members.set_digest_address(key, address)
        await uow.commit()
        return await self.topics(uow, key, edit=True)

    async def toggle_subscription(self, uow: UnitOfWork, key: str, name: str) -> list[Response]:
        if name not in COLLECTIONS:
            return [Alert(t("error.stale"))]
        subscribed = name in await uow.secrets.subscriptions(key)
        await uow.secrets.set_subscription(key, name, not subscribed)
        await uow.commit()
        return await self.topics(uow, key, edit=True)

    async def refresh_digest_address(self, uow: UnitOfWork, actor: Actor, key: str, locale: str) -> None:
        """A member who opted in to the DM digest keeps getting it for 7 days after their last activity.
        Kept to the day, and rewritten once a day at most: an exact time would tie their key to an event."""
        current = await uow.members.digest_address(key, self._clock.now())
        if current is None or current.expires_at >= self._expiry():
            return
        await uow.members.set_digest_address(key, self.digest_address(actor, locale))
        await uow.commit()

    def _expiry(self) -> datetime:
        today = self._clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
        return today + ADDRESS_LIFETIME

    def digest_address(self, actor: Actor, locale: str) -> DigestAddress:
        sealed = self._sealer.seal(actor.dm_ref, f"{actor.platform}:digest")
        return DigestAddress(actor.platform, sealed, locale, self._expiry())
