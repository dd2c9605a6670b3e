"""Moderation queue items, in the moderators' chat."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot import render
from bot.delivery.context import DeliveryContext, ModeratorsChat, NotYet
from bot.delivery.registry import delivers
from bot.messages import ChatTarget
from bot.model import QueueStatus
from bot.outbox import QueueItemDue, QueueItemRefresh

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


@delivers(QueueItemRefresh, lane=lambda lanes, refresh: lanes.of_item(refresh.item_id))
async def refresh_queue_item(ctx: DeliveryContext, refresh: QueueItemRefresh) -> None:
    """An open item edited to what it says now; once decided, the moderator's answer replaced it already."""
    async with ctx.db.unit_of_work() as uow:
        item = await uow.moderation.get_item(refresh.item_id)
        community = await uow.communities.get(item.community_id) if item else None
        secret = await uow.secrets.get(item.secret_id) if item else None
        reply = await uow.replies.get(item.reply_id) if item and item.reply_id is not None else None
    if item is None or community is None or secret is None or item.status is not QueueStatus.OPEN:
        return
    if item.message_ref is None or community.moderation_chat_ref is None:
        return  # not out yet: it goes out as it is then
    target = ChatTarget(community.platform, community.moderation_chat_ref)
    later = ctx.next_edit_at(target, item.message_ref)
    if later is not None:
        raise NotYet(later)
    ctx.edited(target, item.message_ref)
    message = render.queue_item(community.settings.locale, community, item, secret, reply=reply)
    await ctx.edit(ModeratorsChat(community.id), target, item.message_ref, message)
