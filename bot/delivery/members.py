"""Messages to a member's private chat, at an address sealed for that purpose."""

from __future__ import annotations

import base64
from datetime import timedelta

from bot import kept_forms, render
from bot.actions import KeepNotices, StopNotices
from bot.anonymity import return_context
from bot.delivery.context import ChatGone, DeliveryContext, MemberChat, NotYet
from bot.delivery.registry import delivers
from bot.i18n import resolve_locale, t_in
from bot.messages import Button, ChatTarget, MessageLink, OutgoingMessage, RichText, Span
from bot.model import VISIBLE_STATUSES, Community, Secret, SecretStatus, Token
from bot.outbox import (
    AcceptedNotice,
    AuthorNotice,
    MemberDigest,
    PendingAnswer,
    ReplyNotice,
    answer_context,
)
from bot.ports import DeliveryError, UnitOfWork
from bot.reply_notices import RENEWAL_OFFERED, notice_context


async def _return_address(
    ctx: DeliveryContext, secret_id: int
) -> tuple[Secret | None, Community | None, bytes | None]:
    """A secret, its community and its sealed return address (``None`` once used or expired)."""
    async with ctx.db.unit_of_work() as uow:
        secret = await uow.secrets.get(secret_id)
        community = await uow.communities.get(secret.community_id) if secret else None
        sealed = await uow.secrets.return_address(secret_id, ctx.clock.now())
    return secret, community, sealed


@delivers(AuthorNotice)
async def notify_author(ctx: DeliveryContext, notice: AuthorNotice) -> None:
    secret, community, sealed = await _return_address(ctx, notice.secret_id)
    if secret is None or community is None or sealed is None:
        return  # the address expired or was used: the author can't be reached, by design
    address = ctx.sealer.open(sealed, return_context(community.platform, secret.author_salt))
    if address is not None:
        # the language the author wrote in (their preference is under a key nothing on the secret gives)
        locale = resolve_locale(None, secret.author_locale)
        params = dict(notice.params)
        for name in [name for name in params if name.endswith("_key")]:
            params[name.removesuffix("_key")] = t_in(locale, params.pop(name))
        text = t_in(locale, notice.key, **params)
        target = ChatTarget(community.platform, address, once=f"notice:{secret.id}:{notice.key}")

        async def record(uow: UnitOfWork, _: str, __: int | None) -> bool:
            await uow.secrets.erase_return_address(notice.secret_id)  # used: no second notice
            return False

        await ctx.send(MemberChat(), target, OutgoingMessage(RichText.plain(text)), record)
        return
    async with ctx.db.unit_of_work() as uow:
        await uow.secrets.erase_return_address(notice.secret_id)
        await uow.commit()


@delivers(AcceptedNotice)
async def tell_accepted(ctx: DeliveryContext, notice: AcceptedNotice) -> None:
    """The press's own answer never showed: the author is told at the secret's return address, which stays
    for what the moderators decide (it expires with its week, or is used by their decision's notice)."""
    secret, community, sealed = await _return_address(ctx, notice.secret_id)
    if secret is None or community is None or sealed is None:
        return  # forgotten, or the address used by a decision's notice since, which told more
    if secret.status in (SecretStatus.DELETED, SecretStatus.REMOVED):
        return  # deleted by its author since, or removed (the removal's own notice tells why)
    address = ctx.sealer.open(sealed, return_context(community.platform, secret.author_salt))
    if address is None:
        return
    # the secret's number as it is now (given in the transaction that queued this notice, after it)
    params = {"number": str(secret.number), **notice.params}
    text = t_in(resolve_locale(None, secret.author_locale), notice.key, **params)
    target = ChatTarget(community.platform, address, once=f"accepted:{secret.id}")
    await ctx.send(MemberChat(), target, OutgoingMessage(RichText.plain(text)))


@delivers(PendingAnswer)
async def answer_pending(ctx: DeliveryContext, answer: PendingAnswer) -> None:
    """An interaction left waiting (its answer never went out: the process stopped) is answered at the
    address the platform keeps for it, if it still opens; past the platform's time for it, the send fails for
    good and nothing more is tried. A form kept with it is written again as its member and answered with its
    preview (the draft is stored as it is made), once: where the interaction's address fails (past the
    platform's time for it), in the member's private chat, where its buttons work as well; where that fails
    too, the draft waits for them, dropped with the drafts' staleness, and the entry (which holds the member's
    sealed id and text) is removed, never kept as failed."""
    try:
        sealed = base64.b64decode(answer.sealed, validate=True)
    except ValueError:
        return
    address = ctx.sealer.open(sealed, answer_context(answer.platform, answer.tag))
    if address is None:
        return
    target = ChatTarget(answer.platform, address)
    form = kept_forms.opened(ctx.sealer, answer.platform, answer.tag, answer.form) if answer.form else None
    if form is None or ctx.kept_forms is None:
        text = t_in(resolve_locale(answer.locale), answer.key)
        await ctx.send(MemberChat(), target, OutgoingMessage(RichText.plain(text)))
        return
    targets = [target, ChatTarget(answer.platform, form.actor.dm_ref)]
    for message in await ctx.kept_forms(form):
        while targets:
            try:
                await ctx.send(MemberChat(), targets[0], message)
                break
            except (ChatGone, DeliveryError):
                targets.pop(0)  # never tried again: the form would be written again, a second draft
        if not targets:
            return


@delivers(ReplyNotice)
async def notify_replies(ctx: DeliveryContext, notice: ReplyNotice) -> None:
    """The replies to a secret since the last notice, told to its author in the language they wrote in, with
    a link to the card and the Stop button. Claim, then send: the replies are taken for this notice (a batch
    of its own number) and committed before it goes out, so a send retried after a lost answer, or after a
    kill between the platform's answer and the commit, finds nothing more to tell. A notice goes out at most
    once: one the platform may have taken is not sent again (given back only when surely refused)."""
    now = ctx.clock.now()
    async with ctx.db.unit_of_work() as uow:
        secret = await uow.secrets.get(notice.secret_id)
        community = await uow.communities.get(secret.community_id) if secret else None
        pending = await uow.notices.pending(notice.secret_id, now)
    if secret is None or community is None or pending is None or pending.count <= 0:
        return  # stopped, expired, or told already
    if secret.status not in VISIBLE_STATUSES:
        return  # hidden, removed or deleted since: nothing to go and read
    address = ctx.sealer.open(pending.sealed, notice_context(community.platform, pending.token))
    if address is None:
        return
    async with ctx.db.unit_of_work() as uow:
        claimed = await uow.notices.claim(pending, notice.secret_id, now)
        await uow.commit()
    if claimed is None:
        return  # another delivery told these replies (or is telling them), or the wish ended since
    locale = resolve_locale(None, secret.author_locale)
    key = "notice.replies_one" if claimed.count == 1 else "notice.replies_many"
    link = MessageLink(community.chat_ref, secret.card_ref) if secret.card_ref else None
    text = RichText((Span(t_in(locale, key, count=claimed.count, number=secret.shown_number), link=link),))
    buttons: tuple[Button, ...] = (Button(t_in(locale, "notice.stop"), StopNotices(Token(claimed.token))),)
    if claimed.expires_at <= now + RENEWAL_OFFERED:  # a clear renewal instead of a silent stop
        text = text + RichText((Span("\n\n" + t_in(locale, "notice.last")),))
        buttons = (Button(t_in(locale, "notice.keep"), KeepNotices(Token(claimed.token))), *buttons)
    # the batch names the message: a platform that can (Discord's nonce) makes one of two sends of it
    target = ChatTarget(community.platform, address, once=f"reply_notice:{notice.secret_id}:{claimed.batch}")
    try:
        await ctx.send(MemberChat(), target, OutgoingMessage(text, (buttons,)))
    except (NotYet, ChatGone, DeliveryError) as error:
        refused = not isinstance(error, DeliveryError) or error.permanent or error.retry_after is not None
        if refused:  # the platform said no (or was never asked): these replies are to tell again
            async with ctx.db.unit_of_work() as uow:
                await uow.notices.give_back(notice.secret_id, claimed.count)
                await uow.commit()
        raise  # otherwise the answer was lost: the notice may be out, and is not sent again


@delivers(MemberDigest)
async def member_digest(ctx: DeliveryContext, digest: MemberDigest) -> None:
    async with ctx.db.unit_of_work() as uow:
        address = await uow.digests.address(digest.author_key, ctx.clock.now())
        items = []
        for secret_id in digest.secret_ids:
            secret = await uow.secrets.get(secret_id)
            community = await uow.communities.get(secret.community_id) if secret else None
            if secret is None or community is None or secret.status not in VISIBLE_STATUSES:
                continue
            link = MessageLink(community.chat_ref, secret.card_ref) if secret.card_ref else None
            items.append((secret, community.title, link))
    if address is None or not items:
        return  # opted out or gone quiet for a week since: nothing is sent
    chat = ctx.sealer.open(address.sealed, f"{address.platform}:digest")
    if chat is None:
        return
    # the next digest would come after the address expires: this one says so and offers to renew
    last = address.expires_at <= ctx.clock.now() + timedelta(days=1)
    message = render.member_digest(address.locale, items, last=last)
    # one day's digest of one reader: a platform that can (Discord's nonce) makes one message of two sends (a
    # retry after a lost answer); its outbox entry goes in the recording that follows the send at once
    once = f"dm_digest:{digest.author_key}:" + ",".join(str(i) for i in digest.secret_ids)
    await ctx.send(MemberChat(), ChatTarget(address.platform, chat, once=once), message)
