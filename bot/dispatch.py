"""Delivering the outbox: each entry handed to its platform's messenger, retried with back-off."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from bot import render
from bot.actions import PostLink
from bot.anonymity import Sealer
from bot.i18n import resolve_locale, t_in
from bot.logsafe import where
from bot.messages import Button, ChatTarget, MessageLink, OutgoingMessage, RichText
from bot.model import VISIBLE_STATUSES, QueueStatus, SecretStatus
from bot.ports import Clock, Database, DeliveryError, Messenger, OutboxEntry, UnitOfWork

log = logging.getLogger(__name__)

MIN_EDIT_INTERVAL = timedelta(seconds=1)  # per card, unless the platform says otherwise
LEASE = timedelta(seconds=120)
BATCH = 10  # claimed at once: delivered well within the lease even behind a platform's rate limit
SENDING_LEASE = timedelta(minutes=10)  # longer than any send, rate limits included
MAX_ATTEMPTS = 30  # then an entry is failed for good (about four hours of back-off)
MAX_BACKOFF = timedelta(minutes=10)
NO_MODERATION_CHAT_RETRY = timedelta(minutes=5)
_COMMUNITY_KINDS = (
    "welcome",
    "card",
    "refresh",
    "reply",
    "digest",
)  # entries written in the community's own chat


class NotYet(Exception):
    """The entry can't be delivered yet (a card not yet posted, an edit too soon): try again at ``when``."""

    def __init__(self, when: datetime) -> None:
        super().__init__(when.isoformat())
        self.when = when


class Dispatcher:
    def __init__(
        self,
        database: Database,
        messengers: Mapping[str, Messenger],
        sealer: Sealer,
        clock: Clock,
        edit_intervals: Mapping[str, timedelta] | None = None,
    ) -> None:
        self._db = database
        self._messengers = messengers
        self._edit_intervals = edit_intervals or {}
        self._sealer = sealer
        self._clock = clock
        self._last_edit: dict[tuple[str, str], datetime] = {}

    async def run_once(self, limit: int = BATCH) -> int:
        """Deliver what is due now; returns how many entries were handled."""
        now = self._clock.now()
        async with self._db.unit_of_work() as uow:
            entries = await uow.outbox.claim_due(now, limit, now + LEASE)
            await uow.commit()
        for entry in entries:
            await self._handle(entry)
        return len(entries)

    async def drain(self, max_rounds: int = 100) -> None:
        for _ in range(max_rounds):
            if await self.run_once() == 0:
                return

    async def run_forever(self, stop: asyncio.Event, idle_seconds: float = 0.5) -> None:
        while not stop.is_set():
            try:
                handled = await self.run_once()
            except Exception as error:
                log.error("outbox round failed: %s", where(error))
                handled = 0
            if handled == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), idle_seconds)

    async def _handle(self, entry: OutboxEntry) -> None:
        try:
            await self._deliver(entry)
        except NotYet as later:
            async with self._db.unit_of_work() as uow:
                await uow.outbox.postpone(entry.id, later.when)
                await uow.commit()
            return
        except DeliveryError as error:
            await self._failed(entry, error)
            return
        except Exception as error:
            log.error("outbox entry %s (%s) failed: %s", entry.id, entry.kind, where(error))
            await self._failed(entry, DeliveryError(type(error).__name__))
            return
        async with self._db.unit_of_work() as uow:
            await uow.outbox.done(entry.id)
            await uow.commit()

    async def _failed(self, entry: OutboxEntry, error: DeliveryError) -> None:
        async with self._db.unit_of_work() as uow:
            if error.chat_gone and entry.kind in _COMMUNITY_KINDS:
                community_id = await self._community_of(uow, entry)
                if community_id is not None:
                    log.warning("community %s can't be written to any more: marked inactive", community_id)
                    await uow.communities.set_active(community_id, False)
            if entry.kind == "queue" and error.chat_gone:
                # the moderators' chat is gone: unlink it and keep the item until another is linked
                community_id = await self._queue_community(uow, entry)
                if community_id is not None:
                    log.warning("community %s lost its moderators' chat: unlinked", community_id)
                    await uow.communities.set_moderation_chat(community_id, None)
                await uow.outbox.postpone(entry.id, self._clock.now() + NO_MODERATION_CHAT_RETRY)
            elif error.permanent or entry.attempts + 1 >= MAX_ATTEMPTS:
                log.warning("outbox entry %s (%s) refused for good: %s", entry.id, entry.kind, error)
                await uow.outbox.fail(entry.id, str(error))
            else:
                backoff = timedelta(
                    seconds=error.retry_after or min(2**entry.attempts, MAX_BACKOFF.total_seconds())
                )
                await uow.outbox.retry(entry.id, self._clock.now() + backoff, str(error))
            await uow.commit()

    @staticmethod
    async def _queue_community(uow: UnitOfWork, entry: OutboxEntry) -> int | None:
        item = await uow.moderation.get_item(int(str(entry.payload["item_id"])))
        return item.community_id if item else None

    @staticmethod
    async def _community_of(uow: UnitOfWork, entry: OutboxEntry) -> int | None:
        payload = entry.payload
        if "community_id" in payload:
            return int(str(payload["community_id"]))
        secret_id = payload.get("secret_id")
        if secret_id is None and "reply_id" in payload:
            reply = await uow.secrets.get_reply(int(str(payload["reply_id"])))
            secret_id = reply.secret_id if reply else None
        secret = await uow.secrets.get(int(str(secret_id))) if secret_id is not None else None
        return secret.community_id if secret else None

    async def _deliver(self, entry: OutboxEntry) -> None:
        handlers = {
            "welcome": self._welcome,
            "card": self._card,
            "refresh": self._refresh,
            "reply": self._reply,
            "queue": self._queue,
            "notify": self._notify,
            "digest": self._digest,
            "dm_digest": self._member_digest,
        }
        handler = handlers.get(entry.kind)
        if handler is None:
            raise DeliveryError(f"unknown outbox kind {entry.kind}", permanent=True)
        await handler(entry.payload)

    def _messenger(self, platform: str) -> Messenger:
        messenger = self._messengers.get(platform)
        if messenger is None:
            raise DeliveryError(f"no messenger for {platform}")
        return messenger

    async def _welcome(self, payload: dict[str, object]) -> None:
        async with self._db.unit_of_work() as uow:
            community = await uow.communities.get(int(str(payload["community_id"])))
        if community is None or not community.active:
            return
        locale = community.settings.locale
        text = t_in(locale, "welcome.group")
        if community.moderation_chat_ref is None:
            # told once, when the bot arrives: never in answer to a submission, whose timing would show
            text += "\n\n" + t_in(locale, "queue.no_moderators_chat", number=community.id)
        message = OutgoingMessage(
            RichText.plain(text),
            ((Button(t_in(locale, "welcome.post_button"), link=PostLink(community.id)),),),
        )
        await self._messenger(community.platform).send(
            ChatTarget(community.platform, community.chat_ref), message
        )

    async def _card_message(
        self, secret_id: int
    ) -> tuple[ChatTarget, OutgoingMessage, str | None, SecretStatus] | None:
        async with self._db.unit_of_work() as uow:
            secret = await uow.secrets.get(secret_id)
            community = await uow.communities.get(secret.community_id) if secret else None
            if secret is None or community is None or not community.active:
                return None
            counts = await uow.secrets.reaction_counts(secret_id)
            replies = await uow.secrets.reply_count(secret_id)
        shown = (
            replace(secret, status=SecretStatus.PUBLISHED) if secret.status is SecretStatus.QUEUED else secret
        )
        message = render.card(community.settings.locale, shown, counts, replies)
        return ChatTarget(community.platform, community.chat_ref), message, secret.card_ref, secret.status

    async def _card(self, payload: dict[str, object]) -> None:
        secret_id = int(str(payload["secret_id"]))
        found = await self._card_message(secret_id)
        if found is None:
            return
        _, _, card_ref, status = found
        if card_ref is not None or status is not SecretStatus.QUEUED:
            return  # never post the same secret twice; a secret deleted before delivery stays unsent
        now = self._clock.now()
        async with self._db.unit_of_work() as uow:
            mine = await uow.secrets.claim_sending(secret_id, now, now + SENDING_LEASE)
            secret = await uow.secrets.get(secret_id)
            if mine and secret is not None and secret.number <= 0:
                # numbered as it goes out (communities with a publication delay): the order of the
                # numbers is the order of the cards, not of the DMs
                await uow.secrets.set_number(
                    secret_id, await uow.communities.next_number(secret.community_id)
                )
            await uow.commit()
        if not mine:
            # another dispatcher is sending it (its outbox lease ran out mid-batch): look again later
            raise NotYet(now + SENDING_LEASE)
        found = await self._card_message(secret_id)
        if found is None:
            return
        target, message, _, _ = found
        try:
            ref = await self._messenger(target.platform).send(target, message)
        except BaseException:
            async with self._db.unit_of_work() as uow:
                await uow.secrets.claim_sending(secret_id, self._clock.now(), None)
                await uow.commit()
            raise
        self._last_edit[(target.chat_ref, ref)] = self._clock.now()
        async with self._db.unit_of_work() as uow:
            await uow.secrets.set_card_ref(secret_id, ref, self._clock.now())
            current = await uow.secrets.get(secret_id)
            if current is not None and current.status is SecretStatus.QUEUED:
                await uow.secrets.set_status(secret_id, SecretStatus.PUBLISHED)
            await uow.commit()

    async def _refresh(self, payload: dict[str, object]) -> None:
        found = await self._card_message(int(str(payload["secret_id"])))
        if found is None:
            return
        target, message, card_ref, _ = found
        if card_ref is None:
            return  # not posted yet: the card will show the state of its delivery
        now = self._clock.now()
        last = self._last_edit.get((target.chat_ref, card_ref))
        interval = self._edit_intervals.get(target.platform, MIN_EDIT_INTERVAL)
        if last is not None and now - last < interval:
            raise NotYet(last + interval)
        self._last_edit[(target.chat_ref, card_ref)] = now
        await self._messenger(target.platform).edit(target, card_ref, message)

    async def _reply(self, payload: dict[str, object]) -> None:
        reply_id = int(str(payload["reply_id"]))
        async with self._db.unit_of_work() as uow:
            reply = await uow.secrets.get_reply(reply_id)
            secret = await uow.secrets.get(reply.secret_id) if reply else None
            community = await uow.communities.get(secret.community_id) if secret else None
        if reply is None or secret is None or community is None or not community.active:
            return
        if reply.message_ref is not None or secret.status not in VISIBLE_STATUSES:
            return
        if secret.card_ref is None:
            raise NotYet(self._clock.now() + timedelta(seconds=2))
        target = ChatTarget(community.platform, community.chat_ref, reply_to=secret.card_ref)
        ref = await self._messenger(community.platform).send(
            target, render.reply_message(community.settings.locale, reply)
        )
        async with self._db.unit_of_work() as uow:
            await uow.secrets.set_reply_ref(reply_id, ref)
            await uow.commit()

    async def _queue(self, payload: dict[str, object]) -> None:
        item_id = int(str(payload["item_id"]))
        async with self._db.unit_of_work() as uow:
            item = await uow.moderation.get_item(item_id)
            community = await uow.communities.get(item.community_id) if item else None
            secret = await uow.secrets.get(item.secret_id) if item else None
        if item is None or community is None or secret is None or item.status is not QueueStatus.OPEN:
            return
        if item.message_ref is not None:
            return
        if community.moderation_chat_ref is None:
            log.warning("community %s has no moderators' chat: queue item %s waits", community.id, item.id)
            raise NotYet(self._clock.now() + NO_MODERATION_CHAT_RETRY)
        target = ChatTarget(community.platform, community.moderation_chat_ref)
        message = render.queue_item(community.settings.locale, community, item, secret)
        ref = await self._messenger(community.platform).send(target, message)
        async with self._db.unit_of_work() as uow:
            await uow.moderation.set_item_ref(item_id, ref)
            await uow.commit()

    async def _digest(self, payload: dict[str, object]) -> None:
        community_id = int(str(payload["community_id"]))
        raw_ids = payload.get("secret_ids")
        secret_ids = [int(str(i)) for i in raw_ids] if isinstance(raw_ids, list) else []
        async with self._db.unit_of_work() as uow:
            community = await uow.communities.get(community_id)
            found = [await uow.secrets.get(secret_id) for secret_id in secret_ids]
        if community is None or not community.active:
            return
        items = [
            (secret, MessageLink(community.chat_ref, secret.card_ref) if secret.card_ref else None)
            for secret in found
            if secret is not None and secret.status in VISIBLE_STATUSES
        ]
        if not items:
            return  # everything in it was hidden or removed since: no digest rather than an empty one
        message = render.digest(community.settings.locale, community.title, items)
        await self._messenger(community.platform).send(
            ChatTarget(community.platform, community.chat_ref), message
        )

    async def _member_digest(self, payload: dict[str, object]) -> None:
        author_key = str(payload["author_key"])
        raw_ids = payload.get("secret_ids")
        secret_ids = [int(str(i)) for i in raw_ids] if isinstance(raw_ids, list) else []
        async with self._db.unit_of_work() as uow:
            address = await uow.members.digest_address(author_key, self._clock.now())
            items = []
            for secret_id in secret_ids:
                secret = await uow.secrets.get(secret_id)
                community = await uow.communities.get(secret.community_id) if secret else None
                if secret is None or community is None or secret.status not in VISIBLE_STATUSES:
                    continue
                link = MessageLink(community.chat_ref, secret.card_ref) if secret.card_ref else None
                items.append((secret, community.title, link))
        if address is None or not items:
            return  # opted out or gone quiet for a week since: nothing is sent
        chat = self._sealer.open(address.sealed, f"{address.platform}:digest")
        if chat is None:
            return
        message = render.member_digest(address.locale, items)
        await self._messenger(address.platform).send(ChatTarget(address.platform, chat), message)

    async def _notify(self, payload: dict[str, object]) -> None:
        secret_id = int(str(payload["secret_id"]))
        now = self._clock.now()
        async with self._db.unit_of_work() as uow:
            secret = await uow.secrets.get(secret_id)
            community = await uow.communities.get(secret.community_id) if secret else None
            sealed = await uow.secrets.return_address(secret_id, now)
            preferred = await uow.members.locale(secret.author_key) if secret else None
        if secret is None or community is None or sealed is None:
            return  # the address expired or was used: the author can't be reached, by design
        address = self._sealer.open(sealed, f"{community.platform}:return")
        if address is not None:
            locale = resolve_locale(preferred, secret.author_locale)
            raw_params = payload.get("params")
            params = {str(k): str(v) for k, v in raw_params.items()} if isinstance(raw_params, dict) else {}
            for name in [name for name in params if name.endswith("_key")]:
                params[name.removesuffix("_key")] = t_in(locale, params.pop(name))
            text = t_in(locale, str(payload["key"]), **params)
            await self._messenger(community.platform).send(
                ChatTarget(community.platform, address), OutgoingMessage(RichText.plain(text))
            )
        async with self._db.unit_of_work() as uow:
            await uow.secrets.erase_return_address(secret_id)
            await uow.commit()
