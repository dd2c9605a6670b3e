"""``/forget``: a member cuts every tie to what they wrote (it stays published, tied to no one), or deletes
it all first (erased, text and topics, and taken down from the groups through the outbox). Asked twice.

What can be found is what the member's own keys reach now (``own_writing``): everything they wrote, through
their two sealed lists and the lists' archive pages. Cutting a tie replaces each key that could lead back to
them with a random value of the same shape (a secret's salted tag, a reply's thread key), and erases what is
kept under their person keys: the sealed lists and their archive pages, language, topics,
digest, pending input, drafts and memberships. Bans, reporter records and the counters of the current
period stay (forgetting is no way out of a sanction), as do the sealed community keys for a ban on their
recent secrets and replies until their window ends (bot/usecases/authorship.py): those are re-sealed for
the new thread key, never readable without the sealing key.
"""

from __future__ import annotations

import secrets

from bot.actions import Forget, KeepAll
from bot.anonymity import new_salt
from bot.i18n import t
from bot.messages import Button, EditPressed, OutgoingMessage, Response, RichText, Say
from bot.model import VISIBLE_STATUSES, QueueStatus
from bot.outbox import CardRefresh, Outbox, ReplyRefresh
from bot.usecases import authorship
from bot.usecases.context import Context, message
from bot.usecases.own_writing import OwnWriting, own_writing
from bot.usecases.threads import refresh_thread


def _random_key() -> str:
    """A value shaped like a stored key (64 hex digits) that no one's keys recompute."""
    return secrets.token_hex(32)


async def ask(ctx: Context) -> list[Response]:
    buttons = (
        (Button(t("forget.unlink"), Forget(erase=False, confirmed=False)),),
        (Button(t("forget.erase"), Forget(erase=True, confirmed=False)),),
    )
    text = t("forget.choose")
    return [Say(OutgoingMessage(RichText.plain(text), buttons))]


async def choose(ctx: Context, action: Forget) -> list[Response]:
    found = await own_writing(ctx)
    counts = {"secrets": len(found.live_secrets), "replies": len(found.live_replies)}
    if not action.confirmed:
        mode = "erase" if action.erase else "unlink"
        buttons = (
            (Button(t(f"forget.yes_{mode}"), Forget(erase=action.erase, confirmed=True)),),
            (Button(t("forget.keep"), KeepAll()),),
        )
        return [EditPressed(OutgoingMessage(RichText.plain(t(f"forget.confirm_{mode}", **counts)), buttons))]
    if action.erase:
        await erase(ctx, found)
        found = await own_writing(ctx)
    await unlink(ctx, found)
    return [EditPressed(message("forget.done_erase" if action.erase else "forget.done_unlink", **counts))]


def keep(ctx: Context, action: KeepAll) -> list[Response]:
    return [EditPressed(message("forget.kept"))]


async def erase(ctx: Context, found: OwnWriting) -> None:
    """Every secret and reply found erased as its author's delete would, and taken down from the groups."""
    outbox = Outbox(ctx.uow, ctx.clock)
    for secret in found.live_secrets:
        await ctx.uow.secrets.erase(secret.id)
        item = await ctx.uow.moderation.open_item_for(secret.id)
        if item is not None:
            await ctx.uow.moderation.decide(item.id, QueueStatus.REMOVED, ctx.now())
        await outbox.add(CardRefresh(secret.id))
        await refresh_thread(ctx, secret.id)
    for reply in found.live_replies:
        await ctx.uow.replies.erase(reply.id)
        item = await ctx.uow.reply_moderation.open_item_for(reply.id)
        if item is not None:
            await ctx.uow.moderation.decide(item.id, QueueStatus.REMOVED, ctx.now())
        await outbox.add(ReplyRefresh(reply.id))
        thread = await ctx.uow.secrets.get(reply.secret_id)
        if thread is not None and thread.status in VISIBLE_STATUSES:
            await outbox.add(CardRefresh(thread.id))


async def unlink(ctx: Context, found: OwnWriting) -> None:
    """Every tie the member's keys can reach cut, and what is kept under their person keys erased."""
    ctx.pending.drop()  # a membership this event confirmed is not written back after it is cut
    for secret in found.live_secrets:
        salt, member_key = new_salt(), await authorship.author_member_key(ctx, secret)
        context = authorship.ban_key_context(salt)
        sealed = ctx.services.sealer.seal(member_key, context) if member_key is not None else None
        await ctx.uow.secrets.unlink(secret.id, salt, _random_key(), sealed)
    for thread in found.threads:
        new_key = _random_key()
        resealed: dict[int, bytes] = {}
        for reply in thread.replies:
            member_key = await authorship.replier_member_key(ctx, reply)
            if member_key is not None:
                context = authorship.reply_ban_key_context(new_key, reply.created_at)
                resealed[reply.id] = ctx.services.sealer.seal(member_key, context)
        await ctx.uow.replies.rekey(thread.secret_id, thread.thread_key, new_key, resealed)
    for locator in await authorship.own_list_locators(ctx):
        await ctx.uow.own_lists.delete(locator)
    for draft in await ctx.uow.drafts.owners():
        if ctx.keys.drafted(draft.salt, draft.tag):
            await ctx.uow.drafts.delete(draft.draft_id)
    await ctx.uow.preferences.erase(ctx.keys.preference(), ctx.keys.pending())
    await ctx.uow.digests.forget_reader(ctx.keys.preference())
    ctx.services.locales.pop(ctx.keys.preference(), None)  # nothing of them kept in memory either
    ctx.services.digest_checked.pop(ctx.keys.preference(), None)
    member_keys = [
        ctx.keys.member(community_id) for community_id in await ctx.uow.communities.ids_on(ctx.actor.platform)
    ]
    await ctx.uow.members.forget_memberships(member_keys)
    for key in member_keys:
        ctx.services.recent_noes.pop(key, None)
