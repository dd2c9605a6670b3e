"""A community the bot is still in but lacks a right in (a group that took away sending text, or photos; a
Discord permission removed): not gone, and not read as gone. The community stays active; its cards and
replies wait and are tried again, soon at first and less often after; its admins are told once a day, in the
moderators' chat, or in their private chats where none is linked; a card still waiting after ``KEPT`` is
given up, its author told, as for a community that went away.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.delivery import admin_notice, inactive
from bot.delivery.context import ChatGone, DeliveryContext, MemberChat, ModeratorsChat, NotYet
from bot.i18n import t_in
from bot.logsafe import where
from bot.messages import ChatTarget, OutgoingMessage, RichText
from bot.model import Community
from bot.ports import DeliveryError

log = logging.getLogger(__name__)

KEPT = inactive.KEPT
FIRST_RECHECK = timedelta(seconds=5)  # a right given back soon loses no time either
LAST_RECHECK = timedelta(minutes=10)
TELL_AGAIN_AFTER = timedelta(days=1)  # in this process: no claim asked for before


def wait_for(since: datetime, now: datetime) -> NotYet | None:
    """When to try again a message written at ``since``; None once it has waited too long."""
    age = now - since
    if age >= KEPT:
        return None
    return NotYet(now + min(max(age / 20, FIRST_RECHECK), LAST_RECHECK))


async def tell_admins(ctx: DeliveryContext, community: Community) -> None:
    """Once a day (UTC) per community, whatever the processes and restarts: the admins learn that the bot
    can't post there and that cards wait; where it goes: the moderators' chat, else each admin the platform
    lets the bot write to."""
    now = ctx.clock.now()
    told = ctx.rights_told.get(community.id)
    if told is not None and now - told < TELL_AGAIN_AFTER:
        return
    ctx.rights_told[community.id] = now
    if not await admin_notice.claim(ctx, community.id, "missing_right", f"{now:%Y-%m-%d}"):
        return  # told today already, by this process before a restart or by another one
    log.warning("community %s: the bot lacks a right to post there; its cards wait", community.id)
    text = OutgoingMessage(
        RichText.plain(t_in(community.settings.locale, "notice.missing_right", community=community.title))
    )
    try:
        if community.moderation_chat_ref is not None:
            target = ChatTarget(community.platform, community.moderation_chat_ref)
            await ctx.send(ModeratorsChat(community.id), target, text, delivers=False)  # a side message
            return
        directory = ctx.directories.get(community.platform)
        for chat_ref in await directory.admin_chats(community.chat_ref) if directory else []:
            try:
                await ctx.send(MemberChat(), ChatTarget(community.platform, chat_ref), text, delivers=False)
            except (DeliveryError, ChatGone):
                continue  # an admin who never opened the bot's private chat can't be written to first
    except (DeliveryError, ChatGone) as error:
        log.warning("community %s: admins not told of a missing right: %s", community.id, where(error))
