"""Reply notices (``bot.reply_notices``): the author's wish, taken at Post, and the notice's Stop button."""

from __future__ import annotations

from bot.actions import StopNotices
from bot.anonymity import new_token
from bot.messages import EditPressed, Response
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
