"""Where a community's messages go inside its chat: the forum topic of its cards, and for a channel, the
discussion chat where its replies go as comments under each card's copy (Telegram)."""

from __future__ import annotations

from bot.messages import Response
from bot.ports import UnitOfWork
from bot.refusals import Refused
from bot.usecases import membership
from bot.usecases.context import Context, say


async def choose_topic(ctx: Context, chat_ref: str, topic_ref: str | None) -> list[Response]:
    """``/topic`` written by an admin in a forum's topic: the community's cards, replies, welcome and digest
    go there from now on (written in the main topic: back there)."""
    community = await ctx.uow.communities.by_chat(ctx.actor.platform, chat_ref)
    if community is None or not community.active:
        raise Refused("settings.no_community")
    if not await membership.is_admin(ctx, community):
        raise Refused("moderation.not_admin", community=community.title)
    await ctx.uow.communities.set_topic(community.id, topic_ref)
    return say("topic.here" if topic_ref is not None else "topic.main", community=community.title)


async def link_discussion(uow: UnitOfWork, platform: str, chat_ref: str, discussion_ref: str) -> bool:
    """A community's chat has a discussion chat (a channel's linked group): its replies go there. The
    discussion chat is no community of its own any more."""
    community = await uow.communities.by_chat(platform, chat_ref)
    if community is None:
        return False
    if community.discussion_ref != discussion_ref:
        await uow.communities.set_discussion(community.id, discussion_ref)
    discussion = await uow.communities.by_chat(platform, discussion_ref)
    if discussion is not None and discussion.active:
        await uow.communities.set_active(discussion.id, False)
    return True


async def card_copied(
    uow: UnitOfWork, platform: str, chat_ref: str, card_ref: str, discussion_ref: str, copy_ref: str
) -> None:
    """The platform copied a message of the community's chat into its discussion chat: if it is a card (it
    may not be recorded as one yet), replies to it go under the copy."""
    if not await link_discussion(uow, platform, chat_ref, discussion_ref):
        return
    community = await uow.communities.by_chat(platform, chat_ref)
    if community is not None:
        await uow.communities.add_copy(community.id, card_ref, copy_ref)
