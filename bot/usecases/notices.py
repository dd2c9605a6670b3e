"""Reply notices (``bot.reply_notices``): the author's wish, taken at Post, and the notice's Stop and Keep
buttons."""

from __future__ import annotations

from bot.actions import KeepNotices, StopNotices
from bot.anonymity import new_token
from bot.messages import EditPressed, Response, Say
from bot.model import Secret
from bot.refusals import RefusedBriefly
from bot.reply_notices import NOTICE_LIFETIME, notice_context
from bot.usecases.context import Context, message


async def subscribe(ctx: Context, secret: Secret) -> None:
    """The author asked to hear about replies: their DM sealed for this secret's notices only."""
    token = new_token()
    sealed = ctx.services.sealer.seal(ctx.actor.dm_ref, notice_context(ctx.actor.platform, token))
    await ctx.uow.notices.subscribe(secret.id, token, sealed, ctx.now() + NOTICE_LIFETIME)


async def stop(ctx: Context, action: StopNotices) -> list[Response]:
    """No more notices, and the sealed address erased."""
    if not await ctx.uow.notices.stop(action.token):
        raise RefusedBriefly("notice.already_stopped")
    return [EditPressed(message("notice.stopped"))]


async def keep(ctx: Context, action: KeepNotices) -> list[Response]:
    """The author keeps hearing about replies another week: their address sealed anew (under the sealing key
    in use), from this tap. Only from the DM the notices go to: a token alone redirects nothing."""
    now = ctx.now()
    found = await ctx.uow.notices.find(action.token, now)
    if found is None:
        raise RefusedBriefly("notice.already_stopped")
    context = notice_context(ctx.actor.platform, found.token)
    if ctx.services.sealer.open(found.sealed, context) != ctx.actor.dm_ref:
        raise RefusedBriefly("error.stale")
    sealed = ctx.services.sealer.seal(ctx.actor.dm_ref, context)
    if not await ctx.uow.notices.renew(found.token, sealed, now + NOTICE_LIFETIME, now):
        raise RefusedBriefly("notice.already_stopped")
    return [Say(message("notice.renewed"))]
