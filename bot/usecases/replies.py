"""Replies once they are out: reported by members (queued like secrets), deleted by their author."""

from __future__ import annotations

from dataclasses import dataclass

from bot import render
from bot.actions import DeleteReply, ReportReply, ReportReplyLink
from bot.i18n import t
from bot.messages import Button, EditPressed, OutgoingMessage, Response, RichText, Say
from bot.model import VISIBLE_STATUSES, Community, QueueStatus, ReplyPost, ReplyStatus, Secret, Token
from bot.outbox import CardRefresh, Outbox, ReplyRefresh
from bot.refusals import Refused, RefusedBriefly
from bot.usecases import membership, reacting, reporting
from bot.usecases.context import Context, message


@dataclass(frozen=True)
class ReplyInReach:
    """A published reply under a visible secret of one of the member's communities."""

    reply: ReplyPost
    secret: Secret
    community: Community


async def reply_in_reach(ctx: Context, token: Token) -> ReplyInReach:
    reply = await ctx.uow.replies.by_token(token)
    if reply is None or reply.status is not ReplyStatus.PUBLISHED:
        raise Refused("error.reply_unavailable")
    try:
        reach = await membership.in_reach(ctx, await ctx.uow.secrets.get(reply.secret_id))
    except Refused as refusal:
        if refusal.key == "error.secret_unavailable":
            raise Refused("error.reply_unavailable") from None
        raise
    return ReplyInReach(reply, reach.secret, reach.community)


async def begin_report(ctx: Context, link: ReportReplyLink) -> list[Response]:
    """A reply's Report link: the reasons, privately."""
    reach = await reply_in_reach(ctx, link.reply)
    await membership.ensure_not_banned(ctx, reach.community, acting=True)
    return [Say(render.reply_report_reasons(ctx.locale, reach.reply, reach.secret))]


async def report(ctx: Context, action: ReportReply) -> list[Response]:
    reach = await reply_in_reach(ctx, action.reply)
    await membership.ensure_not_banned(ctx, reach.community, acting=True)
    by_moderator = await membership.is_admin(ctx, reach.community)
    weight = 0.0 if by_moderator else await reacting.weight_of(ctx, reach.community)
    if not await ctx.uow.reply_moderation.add_report(
        reach.reply.id, ctx.keys.reply_report(reach.reply.id), action.reason, weight, ctx.now()
    ):
        return [EditPressed(message("report.already"))]
    key = await reporting.after_report(
        ctx, reach.community, reach.secret, action.reason, reply=reach.reply, by_moderator=by_moderator
    )
    return [EditPressed(message(key, community=reach.community.title))]


def delete_button(reply: ReplyPost) -> Button:
    return Button(t("reply.delete"), DeleteReply(reply.token, False))


async def delete(ctx: Context, action: DeleteReply) -> list[Response]:
    """The author deletes their reply: asked once more, then replaced under the card by a placeholder."""
    reply = await ctx.uow.replies.by_token(action.reply)
    if reply is None:
        raise RefusedBriefly("error.stale")
    if reply.status in (ReplyStatus.DELETED, ReplyStatus.REMOVED):
        # said before the authorship check: a deleted reply keeps no key to recognise its author by, and
        # its placeholder tells everyone as much
        raise RefusedBriefly("error.reply_unavailable")
    if not ctx.keys.wrote_reply(reply.secret_id, reply.thread_key):
        raise RefusedBriefly("error.stale")
    secret = await ctx.uow.secrets.get(reply.secret_id)
    number = secret.shown_number if secret else "?"
    if not action.confirmed:
        buttons = ((Button(t("reply.delete_yes"), DeleteReply(reply.token, True)),),)
        return [Say(OutgoingMessage(RichText.plain(t("reply.delete_confirm", number=number)), buttons))]
    await ctx.uow.replies.erase(reply.id)
    item = await ctx.uow.reply_moderation.open_item_for(reply.id)
    if item is not None:
        await ctx.uow.moderation.decide(item.id, QueueStatus.REMOVED, ctx.now())
    outbox = Outbox(ctx.uow, ctx.clock)
    await outbox.add(ReplyRefresh(reply.id))
    if secret is not None and secret.status in VISIBLE_STATUSES:
        await outbox.add(CardRefresh(secret.id))
    return [EditPressed(message("reply.deleted_done", number=number))]
