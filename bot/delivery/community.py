"""The welcome and the daily digest, in the community's chat."""

from __future__ import annotations

from bot import render
from bot.actions import PostLink, SettingsLink
from bot.delivery.context import Chat, CommunityChat, DeliveryContext
from bot.delivery.registry import delivers
from bot.i18n import t_in
from bot.messages import Button, ChatTarget, MessageLink, OutgoingMessage, RichText
from bot.model import VISIBLE_STATUSES
from bot.outbox import CommunityDigest, Welcome


async def community_chat(community_id: int) -> Chat | None:
    return CommunityChat(community_id)


@delivers(Welcome, lane=lambda _, welcome: community_chat(welcome.community_id))
async def welcome(ctx: DeliveryContext, welcome: Welcome) -> None:
    async with ctx.db.unit_of_work() as uow:
        community = await uow.communities.get(welcome.community_id)
    if community is None or not community.active:
        return
    locale = community.settings.locale
    text = t_in(locale, "welcome.group")
    if community.moderation_chat_ref is None:
        # told once, when the bot arrives: never in answer to a submission, whose timing would show
        text += "\n\n" + t_in(locale, "queue.no_moderators_chat", number=community.id)
    message = OutgoingMessage(
        RichText.plain(text),
        (
            (
                Button(t_in(locale, "welcome.post_button"), link=PostLink(community.id)),
                # the admins' panel, opened in private: nothing of it shows in the group
                Button(t_in(locale, "welcome.settings_button"), link=SettingsLink(community.id)),
            ),
        ),
    )
    target = ChatTarget(community.platform, community.chat_ref, topic_ref=community.topic_ref)
    await ctx.send(CommunityChat(community.id), target, message)


@delivers(CommunityDigest, lane=lambda _, digest: community_chat(digest.community_id))
async def community_digest(ctx: DeliveryContext, digest: CommunityDigest) -> None:
    async with ctx.db.unit_of_work() as uow:
        community = await uow.communities.get(digest.community_id)
        found = [await uow.secrets.get(secret_id) for secret_id in digest.secret_ids]
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
    once = "digest:" + ",".join(str(i) for i in digest.secret_ids)  # one day's digest: its secrets
    target = ChatTarget(
        community.platform, community.chat_ref, topic_ref=community.topic_ref, once=f"{community.id}:{once}"
    )
    await ctx.send(CommunityChat(community.id), target, message)
