"""Moderation queue items, in the moderators' chat, and only while its readers are all admins."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

from bot import render
from bot.delivery import admin_notice
from bot.delivery.context import DeliveryContext, ModeratorsChat, NotYet
from bot.delivery.registry import delivers
from bot.i18n import t_in
from bot.messages import ChatTarget, OutgoingMessage, RichText
from bot.model import Community, QueueStatus
from bot.outbox import QueueItemDue, QueueItemRefresh
from bot.ports import UnitOfWork

log = logging.getLogger(__name__)

NO_MODERATION_CHAT_RETRY = timedelta(minutes=5)
# how long the platform's answer to "are its readers all admins?" is trusted; moderators' rights are never
# cached for longer than a few minutes
READERS_CHECK_TTL = timedelta(minutes=1)
WARN_EVERY = timedelta(hours=6)  # the warning in a moderators' chat read by non-admins, at most this often


async def _only_admins_read(ctx: DeliveryContext, community: Community, chat_ref: str) -> bool | None:
    now = ctx.clock.now()
    kept = ctx.moderators_checks.get(community.id)
    if kept is not None and kept[0] == chat_ref and now - kept[1] < READERS_CHECK_TTL:
        return kept[2]
    directory = ctx.directories.get(community.platform)
    verdict = await directory.only_admins_read(chat_ref, community.chat_ref) if directory else None
    ctx.moderators_checks[community.id] = (chat_ref, now, verdict)
    return verdict


async def _ready(ctx: DeliveryContext, community: Community) -> ChatTarget:
    """The moderators' chat, if the queue may go there now; else the item waits (and admins are warned when
    people who aren't admins read that chat: a held secret is for the admins only)."""
    now = ctx.clock.now()
    if community.moderation_chat_ref is None:
        raise NotYet(now + NO_MODERATION_CHAT_RETRY)
    target = ChatTarget(community.platform, community.moderation_chat_ref)
    verdict = await _only_admins_read(ctx, community, community.moderation_chat_ref)
    if verdict is True:
        return target
    if verdict is False:
        log.warning(
            "community %s: its moderators' chat has readers who aren't admins: the queue waits", community.id
        )
        await _warn(ctx, community, target)
    raise NotYet(now + NO_MODERATION_CHAT_RETRY)


async def _warn(ctx: DeliveryContext, community: Community, target: ChatTarget) -> None:
    """The warning in a moderators' chat read by people who aren't admins: once per ``WARN_EVERY`` period of
    the day (UTC), whatever the processes and restarts."""
    now = ctx.clock.now()
    warned = ctx.moderators_warned.get(community.id)
    if warned is not None and now - warned < WARN_EVERY:
        return
    ctx.moderators_warned[community.id] = now
    period = f"{now:%Y-%m-%d}/{now.hour // int(WARN_EVERY / timedelta(hours=1))}"
    if await admin_notice.claim(ctx, community.id, "non_admins_read", period):
        text = t_in(community.settings.locale, "queue.non_admins_read")
        warning = OutgoingMessage(RichText.plain(text))
        await ctx.send(ModeratorsChat(community.id), target, warning, delivers=False)


@delivers(QueueItemDue, lane=lambda lanes, due: lanes.of_item(due.item_id))
async def post_queue_item(ctx: DeliveryContext, due: QueueItemDue) -> None:
    async with ctx.db.unit_of_work() as uow:
        item = await uow.moderation.get_item(due.item_id)
        community = await uow.communities.get(item.community_id) if item else None
        secret = await uow.secrets.get(item.secret_id) if item else None
        reply = await uow.replies.get(item.reply_id) if item and item.reply_id is not None else None
        picture = await uow.pictures.of_secret(item.secret_id) if item else None
    if item is None or community is None or secret is None or item.status is not QueueStatus.OPEN:
        return
    if item.message_ref is not None:
        return
    if community.moderation_chat_ref is None:
        log.warning("community %s has no moderators' chat: queue item %s waits", community.id, item.id)
    target = replace(await _ready(ctx, community), once=f"queue:{item.id}")
    message = render.queue_item(
        community.settings.locale, community, item, secret, reply=reply, picture=picture
    )

    async def record(uow: UnitOfWork, ref: str, _: int | None) -> bool:
        await uow.moderation.set_item_ref(due.item_id, ref)
        return False

    await ctx.send(ModeratorsChat(community.id), target, message, record)


@delivers(QueueItemRefresh, lane=lambda lanes, refresh: lanes.of_item(refresh.item_id))
async def refresh_queue_item(ctx: DeliveryContext, refresh: QueueItemRefresh) -> None:
    """An open item edited to what it says now; once decided, the moderator's answer replaced it already.
    Nothing new is shown in a chat whose readers aren't all admins."""
    async with ctx.db.unit_of_work() as uow:
        item = await uow.moderation.get_item(refresh.item_id)
        community = await uow.communities.get(item.community_id) if item else None
        secret = await uow.secrets.get(item.secret_id) if item else None
        reply = await uow.replies.get(item.reply_id) if item and item.reply_id is not None else None
        picture = await uow.pictures.of_secret(item.secret_id) if item else None
    if item is None or community is None or secret is None or item.status is not QueueStatus.OPEN:
        return
    if item.message_ref is None or community.moderation_chat_ref is None:
        return  # not out yet: it goes out as it is then
    target = ChatTarget(community.platform, community.moderation_chat_ref)
    if await _only_admins_read(ctx, community, community.moderation_chat_ref) is not True:
        return
    later = ctx.next_edit_at(target, item.message_ref)
    if later is not None:
        raise NotYet(later)
    ctx.edited(target, item.message_ref)
    message = render.queue_item(
        community.settings.locale, community, item, secret, reply=reply, picture=picture
    )
    await ctx.edit(ModeratorsChat(community.id), target, item.message_ref, message)
