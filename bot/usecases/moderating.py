"""Moderators' decisions on queue items, the audit log and the moderators' chat. Authors stay unknown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot import render
from bot.actions import Moderate, RemoveFor
from bot.i18n import t
from bot.messages import EditPressed, Response, Say
from bot.model import (
    Community,
    ModOperation,
    QueueCause,
    QueueItem,
    QueueStatus,
    ReplyPost,
    ReplyStatus,
    Secret,
    SecretStatus,
    Token,
)
from bot.numbers import parse_id
from bot.outbox import AuthorNotice, CardDue, CardRefresh, Outbox, ReplyRefresh
from bot.refusals import Refused, RefusedBriefly
from bot.usecases import audit, authorship, membership, reacting
from bot.usecases.context import Context, message
from bot.usecases.threads import refresh_thread

BAN_LENGTHS: dict[ModOperation, timedelta | None] = {
    ModOperation.BAN_DAY: timedelta(hours=24),
    ModOperation.BAN_WEEK: timedelta(days=7),
    ModOperation.BAN_FOREVER: None,
}
REPLY_MARK = audit.REPLY_MARK


@dataclass(frozen=True)
class _Decision:
    item: QueueItem
    community: Community
    secret: Secret
    reply: ReplyPost | None  # an item about a reply under the secret


async def _authorise(ctx: Context, token: Token) -> _Decision:
    item = await ctx.uow.moderation.item_by_token(token)
    community = await ctx.uow.communities.get(item.community_id) if item else None
    secret = await ctx.uow.secrets.get(item.secret_id) if item else None
    if item is None or community is None or secret is None or community.platform != ctx.actor.platform:
        raise RefusedBriefly("error.stale")
    if not await membership.is_admin(ctx, community):
        raise RefusedBriefly("moderation.not_admin", community=community.title)
    if item.status is not QueueStatus.OPEN:
        raise RefusedBriefly("moderation.already_decided")
    reply = await ctx.uow.replies.get(item.reply_id) if item.reply_id is not None else None
    if item.reply_id is not None and reply is None:
        raise RefusedBriefly("error.stale")
    return _Decision(item, community, secret, reply)


async def _decide(ctx: Context, community: Community, item: QueueItem, status: QueueStatus) -> None:
    if not await ctx.uow.moderation.decide(item.id, status, ctx.now()):
        raise RefusedBriefly("moderation.already_decided")  # another moderator was quicker
    if item.cause is QueueCause.REPORTS and item.reply_id is None:  # a reply's reporters keep no record
        await reacting.judge_reports(
            ctx, community, item.secret_id, upheld=status is not QueueStatus.APPROVED
        )


async def _author_key(ctx: Context, secret: Secret) -> str:
    key = await authorship.author_member_key(ctx, secret)
    if key is None:
        raise RefusedBriefly("moderation.author_forgotten")
    return key


async def _replier_key(ctx: Context, reply: ReplyPost) -> str:
    key = await authorship.replier_member_key(ctx, reply)
    if key is None:
        raise RefusedBriefly("moderation.author_forgotten")
    return key


async def operate(ctx: Context, action: Moderate) -> list[Response]:
    found = await _authorise(ctx, action.item)
    item, community, secret = found.item, found.community, found.secret
    operation = action.operation
    if operation is ModOperation.REMOVE:
        return [EditPressed(render.removal_reasons(ctx.locale, community, item, secret, found.reply))]
    if found.reply is not None:
        return await _operate_on_reply(ctx, found, found.reply, operation)
    now = ctx.now()
    outbox = Outbox(ctx.uow, ctx.clock)
    params = {"community": community.title, "number": secret.shown_number}
    author = None if operation is ModOperation.APPROVE else await _author_key(ctx, secret)
    await _decide(
        ctx,
        community,
        item,
        QueueStatus.APPROVED if operation is ModOperation.APPROVE else QueueStatus.BANNED,
    )
    if operation is ModOperation.APPROVE:
        if secret.status is SecretStatus.HELD:
            await ctx.uow.secrets.set_status(secret.id, SecretStatus.QUEUED)
            await outbox.add(CardDue(secret.id))
            await outbox.add(AuthorNotice(secret.id, "notice.approved", params))
        else:
            await ctx.uow.secrets.set_status(secret.id, SecretStatus.PUBLISHED)
            await outbox.add(CardRefresh(secret.id))
            await refresh_thread(ctx, secret.id)
        outcome = t("moderation.approved")
    else:
        length = BAN_LENGTHS[operation]
        assert author is not None
        await ctx.uow.sanctions.ban(community.id, author, now + length if length else None, secret.id, now)
        await _take_down(ctx, outbox, secret)
        banned = operation.value.replace("ban_", "banned_")
        await outbox.add(AuthorNotice(secret.id, f"notice.{banned}", params))
        outcome = t(f"moderation.{banned}")
    await _audit(ctx, community, operation.value, secret, item.cause.value)
    return [EditPressed(render.queue_item(ctx.locale, community, item, secret, outcome=outcome))]


async def _operate_on_reply(
    ctx: Context, found: _Decision, reply: ReplyPost, operation: ModOperation
) -> list[Response]:
    """Keep a hidden reply (shown again), or remove it and ban its author in this community."""
    item, community, secret = found.item, found.community, found.secret
    now = ctx.now()
    outbox = Outbox(ctx.uow, ctx.clock)
    if operation is ModOperation.APPROVE:
        await _decide(ctx, community, item, QueueStatus.APPROVED)
        if reply.status is ReplyStatus.HIDDEN:
            await ctx.uow.reply_moderation.set_status(reply.id, ReplyStatus.PUBLISHED)
            await outbox.add(ReplyRefresh(reply.id))
            await outbox.add(CardRefresh(secret.id))
        outcome = t("moderation.approved")
    else:
        author = await _replier_key(ctx, reply)
        await _decide(ctx, community, item, QueueStatus.BANNED)
        length = BAN_LENGTHS[operation]
        assert author is not None
        await ctx.uow.sanctions.ban(community.id, author, now + length if length else None, secret.id, now)
        await _take_down_reply(ctx, outbox, reply)
        outcome = t(f"moderation.{operation.value.replace('ban_', 'banned_')}")
    await _audit(ctx, community, operation.value, secret, f"{REPLY_MARK}{item.cause.value}")
    return [EditPressed(render.queue_item(ctx.locale, community, item, secret, outcome=outcome, reply=reply))]


async def _take_down_reply(ctx: Context, outbox: Outbox, reply: ReplyPost) -> None:
    await ctx.uow.reply_moderation.set_status(reply.id, ReplyStatus.REMOVED)
    await outbox.add(ReplyRefresh(reply.id))
    await outbox.add(CardRefresh(reply.secret_id))


async def remove(ctx: Context, action: RemoveFor) -> list[Response]:
    found = await _authorise(ctx, action.item)
    item, community, secret, reason = found.item, found.community, found.secret, action.reason
    await _decide(ctx, community, item, QueueStatus.REMOVED)
    outbox = Outbox(ctx.uow, ctx.clock)
    if found.reply is not None:
        # a reply has no return address: its author sees the placeholder under the card
        await _take_down_reply(ctx, outbox, found.reply)
        await _audit(ctx, community, ModOperation.REMOVE.value, secret, f"{REPLY_MARK}{reason.value}")
        outcome = t("moderation.removed", reason=t(f"report.{reason.value}"))
        return [
            EditPressed(
                render.queue_item(ctx.locale, community, item, secret, outcome=outcome, reply=found.reply)
            )
        ]
    await _take_down(ctx, outbox, secret)
    params = {
        "community": community.title,
        "number": secret.shown_number,
        "reason_key": f"report.{reason.value}",
    }
    await outbox.add(AuthorNotice(secret.id, "notice.removed", params))
    await _audit(ctx, community, ModOperation.REMOVE.value, secret, reason.value)
    outcome = t("moderation.removed", reason=t(f"report.{reason.value}"))
    return [EditPressed(render.queue_item(ctx.locale, community, item, secret, outcome=outcome))]


async def _audit(ctx: Context, community: Community, action: str, secret: Secret, detail: str) -> None:
    await audit.record(ctx, community, action, secret.id, detail)


async def _take_down(ctx: Context, outbox: Outbox, secret: Secret) -> None:
    await ctx.uow.secrets.set_status(secret.id, SecretStatus.REMOVED)
    if secret.card_ref is not None or secret.status is not SecretStatus.HELD:
        await outbox.add(CardRefresh(secret.id))
    await refresh_thread(ctx, secret.id)


async def link_moderation_chat(ctx: Context, community_id: str, moderation_chat_ref: str) -> list[Response]:
    """An admin of a community makes the chat they write in its moderators' chat."""
    number = parse_id(community_id)
    community = await ctx.uow.communities.get(number) if number is not None else None
    # One answer whether the number is free, of another platform, inactive or of a community the sender
    # doesn't administer: nobody learns a private group's title, nor which numbers are taken.
    if (
        community is None
        or community.platform != ctx.actor.platform
        or not community.active
        or not await membership.is_admin(ctx, community)
    ):
        raise Refused("moderation.link_refused")
    if moderation_chat_ref == community.chat_ref:
        raise Refused("moderation.link_not_here")  # the queue would be public
    if not await membership.is_admin(ctx, community, moderation_chat_ref):
        # and of the chat the queue will go to: nobody hijacks another group with it
        raise Refused("moderation.link_not_admin_here")
    directory = ctx.directory(ctx.actor.platform)
    readers = await directory.only_admins_read(moderation_chat_ref, community.chat_ref) if directory else None
    if readers is False:  # the queue shows held secrets: for the community's admins only
        raise Refused("moderation.link_non_admins_read")
    if readers is None:
        raise Refused("moderation.link_unchecked")
    await ctx.uow.communities.set_moderation_chat(community.id, moderation_chat_ref)
    as_community = await ctx.uow.communities.by_chat(ctx.actor.platform, moderation_chat_ref)
    if as_community is not None and as_community.id != community.id:
        await ctx.uow.communities.set_active(as_community.id, False)  # a moderators' chat gets no secrets
    # the one answer a group sees: its moderators learn where the queue now arrives
    return [Say(message("moderation.linked", community=community.title), to_chat=True)]
