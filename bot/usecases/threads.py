"""A secret's thread follows its secret: hidden, removed or deleted with it, shown again when it is back."""

from __future__ import annotations

from bot.outbox import Outbox, ReplyRefresh
from bot.usecases.context import Context


async def refresh_thread(ctx: Context, secret_id: int) -> None:
    """Edit every reply already out under the secret to what it should show now."""
    outbox = Outbox(ctx.uow, ctx.clock)
    for reply in await ctx.uow.reply_moderation.thread(secret_id):
        if reply.message_ref is not None:
            await outbox.add(ReplyRefresh(reply.id))
