"""A member's own secrets: the list with their reactions and replies, and deleting one."""

from __future__ import annotations

from bot import render
from bot.actions import AskDelete, ConfirmDelete
from bot.i18n import t
from bot.messages import Button, EditPressed, OutgoingMessage, Response, RichText, Say
from bot.model import QueueStatus, Secret, SecretStatus, Token
from bot.outbox import CardRefresh, Outbox
from bot.refusals import RefusedBriefly
from bot.usecases import authorship
from bot.usecases.context import Context, message, say
from bot.usecases.threads import refresh_thread

MINE_SHOWN = 20
GONE = (SecretStatus.DELETED, SecretStatus.REMOVED)


async def my_secrets(ctx: Context) -> list[Response]:
    mine = (await authorship.own_secrets(ctx))[:MINE_SHOWN]
    if not mine:
        return say("mine.none")
    responses: list[Response] = [Say(message("mine.title", count=len(mine)))]
    ids = [secret.id for secret in mine]
    reaction_counts, reply_counts = await ctx.uow.reactions.counts_of(ids), await ctx.uow.replies.counts(ids)
    titles: dict[int, str] = {}
    for secret in mine:
        if secret.community_id not in titles:
            community = await ctx.uow.communities.get(secret.community_id)
            titles[secret.community_id] = community.title if community else "?"
        counts, replies = reaction_counts[secret.id], reply_counts[secret.id]
        reactions = " ".join(f"{r.emoji} {counts.of(r)}" for r in render.REACTIONS)
        line = t(
            "mine.item",
            number=secret.shown_number,
            community=titles[secret.community_id],
            status=t(f"status.{secret.status.value}"),
            reactions=reactions,
            replies=replies,
        )
        text = RichText.plain(line + "\n") + render.secret_body(ctx.locale, secret.text, False)
        buttons = ((Button(t("mine.delete"), AskDelete(secret.token)),),) if secret.status not in GONE else ()
        responses.append(Say(OutgoingMessage(text, buttons)))
    return responses


async def _own_secret(ctx: Context, token: Token) -> Secret:
    secret = await ctx.uow.secrets.by_token(token)
    if secret is None or not authorship.wrote(ctx, secret):
        raise RefusedBriefly("error.stale")
    if secret.status in GONE:
        raise RefusedBriefly("error.secret_unavailable")
    return secret


async def ask_delete(ctx: Context, action: AskDelete) -> list[Response]:
    secret = await _own_secret(ctx, action.secret)
    buttons = ((Button(t("mine.delete_yes"), ConfirmDelete(secret.token)),),)
    return [
        Say(OutgoingMessage(RichText.plain(t("mine.delete_confirm", number=secret.shown_number)), buttons))
    ]


async def delete(ctx: Context, action: ConfirmDelete) -> list[Response]:
    await authorship.ready(ctx)  # the sealed list's keys, before anything is written
    secret = await _own_secret(ctx, action.secret)
    await ctx.uow.secrets.erase(secret.id)
    await authorship.forget(ctx, secret.id)
    item = await ctx.uow.moderation.open_item_for(secret.id)
    if item is not None:
        await ctx.uow.moderation.decide(item.id, QueueStatus.REMOVED, ctx.now())
    await Outbox(ctx.uow, ctx.clock).add(CardRefresh(secret.id))
    await refresh_thread(ctx, secret.id)
    return [EditPressed(message("mine.deleted", number=secret.shown_number))]
