"""Moderation queue items, in the moderators' chat."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot import render
from bot.delivery.context import DeliveryContext, ModeratorsChat, NotYet
from bot.delivery.registry import delivers
from bot.messages import ChatTarget
from bot.model import QueueStatus
from bot.outbox import QueueItemDue

log = logging.getLogger(__name__)

NO_MODERATION_CHAT_RETRY = timedelta(minutes=5)


@delivers(QueueItemDue, lane=lambda lanes, due: lanes.of_item(due.item_id))
async def post_queue_item(ctx: DeliveryContext, due: QueueItemDue) -> None:
    async with ctx.db.unit_of_work() as uow:
        item = await uow.moderation.get_item(due.item_id)
        community = await uow.communities.get(item.community_id) if item else None
        secret = await uow.secrets.get(item.secret_id) if item else None
        reply = await uow.replies.get(item.reply_id) if item and item.reply_id is not None else None
    if item is None or community is None or secret is None or item.status is not QueueStatus.OPEN:
        return
    if item.message_ref is not None:
        return
    if community.moderation_chat_ref is None:
        log.warning("community %s has no moderators' chat: queue item %s waits", community.id, item.id)
        raise NotYet(ctx.clock.now() + NO_MODERATION_CHAT_RETRY)
    target = ChatTarget(community.platform, community.moderation_chat_ref)
    message = render.queue_item(community.settings.locale, community, item, secret, reply=reply)
    ref = await ctx.send(ModeratorsChat(community.id), target, message)
    async with ctx.db.unit_of_work() as uow:
        await uow.moderation.set_item_ref(due.item_id, ref)
        await uow.commit()
