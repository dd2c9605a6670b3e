"""What a report does, on a secret or a reply: every report reaches the moderators as a "reported (n)"
queue item; weighted reports past the community's threshold hide it at once; a moderator's own report hides
it at once and asks the other moderators for a decision. Returns what to tell the reporter."""

from __future__ import annotations

from bot import stats
from bot.model import (
    VISIBLE_STATUSES,
    Community,
    QueueCause,
    QueueItem,
    ReplyPost,
    ReplyStatus,
    ReportReason,
    Secret,
    SecretStatus,
)
from bot.outbox import CardRefresh, Outbox, QueueItemDue, QueueItemRefresh, ReplyRefresh
from bot.report_tally import ReportTally
from bot.stats import StatKind
from bot.usecases import audit
from bot.usecases.context import Context
from bot.usecases.threads import refresh_thread


async def after_report(
    ctx: Context,
    community: Community,
    secret: Secret,
    reason: ReportReason,
    *,
    reply: ReplyPost | None = None,
    by_moderator: bool = False,
) -> str:
    """Queue (or count in) the report, hide what was reported when it must be; the acknowledgement's key."""
    uow = ctx.uow
    outbox = Outbox(uow, ctx.clock)
    await stats.count(uow.stats, community, StatKind.REPORTED, ctx.now())
    # Reports a moderator already judged (an approval) don't count again: only the newer ones do.
    if reply is not None:
        since = await uow.reply_moderation.last_decision_at(reply.id)
        weight = await uow.reply_moderation.report_weight(reply.id, since)
        visible = reply.status is ReplyStatus.PUBLISHED
    else:
        since = await uow.moderation.last_decision_at(secret.id)
        weight = await uow.reports.weight(secret.id, since)
        visible = secret.status in VISIBLE_STATUSES
    hide = visible and (by_moderator or weight >= community.settings.report_threshold - 1e-9)
    if hide and reply is not None:
        await uow.reply_moderation.set_status(reply.id, ReplyStatus.HIDDEN)
        await outbox.add(ReplyRefresh(reply.id))
        await outbox.add(CardRefresh(secret.id))
    elif hide:
        await uow.secrets.set_status(secret.id, SecretStatus.HIDDEN)
        await outbox.add(CardRefresh(secret.id))
        await refresh_thread(ctx, secret.id)
    if hide:
        detail = f"{audit.REPLY_MARK}{reason.value}" if reply is not None else reason.value
        if by_moderator:
            await audit.record(ctx, community, "moderator_hide", secret.id, detail)
        else:
            await audit.automatic(ctx, community, "auto_hide", secret.id, detail)
    await _tally(ctx, community, secret, reply, reason, by_moderator)
    if by_moderator:
        return "report.thanks_moderator"
    if hide or not visible:
        return "report.thanks_hidden"
    if community.moderation_chat_ref is None:
        return "report.thanks_counted"
    return "report.thanks_queued"


async def _tally(
    ctx: Context,
    community: Community,
    secret: Secret,
    reply: ReplyPost | None,
    reason: ReportReason,
    by_moderator: bool,
) -> None:
    """The open item about it counts one more report, or a first one is queued."""
    uow = ctx.uow
    outbox = Outbox(uow, ctx.clock)
    item: QueueItem | None = (
        await uow.reply_moderation.open_item_for(reply.id)
        if reply is not None
        else await uow.moderation.open_item_for(secret.id)
    )
    if item is None:
        detail = ReportTally().adding(reason, by_moderator=by_moderator).encode()
        if reply is not None:
            item = await uow.reply_moderation.add_item(
                community.id, reply, QueueCause.REPORTS, detail, ctx.now()
            )
        else:
            item = await uow.moderation.add_item(
                community.id, secret.id, QueueCause.REPORTS, detail, ctx.now()
            )
        await outbox.add(QueueItemDue(item.id))
    elif item.cause is QueueCause.REPORTS:
        tally = ReportTally.parse(item.detail).adding(reason, by_moderator=by_moderator)
        await uow.moderation.set_item_detail(item.id, tally.encode())
        await outbox.add(QueueItemRefresh(item.id))
