"""Messages to a member's private chat, at an address sealed for that purpose."""

from __future__ import annotations

from bot import render
from bot.anonymity import return_context
from bot.delivery.context import DeliveryContext, MemberChat
from bot.delivery.registry import delivers
from bot.i18n import resolve_locale, t_in
from bot.messages import ChatTarget, MessageLink, OutgoingMessage, RichText
from bot.model import VISIBLE_STATUSES
from bot.outbox import AuthorNotice, MemberDigest


@delivers(AuthorNotice)
async def notify_author(ctx: DeliveryContext, notice: AuthorNotice) -> None:
    now = ctx.clock.now()
    async with ctx.db.unit_of_work() as uow:
        secret = await uow.secrets.get(notice.secret_id)
        community = await uow.communities.get(secret.community_id) if secret else None
        sealed = await uow.secrets.return_address(notice.secret_id, now)
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
        target = ChatTarget(community.platform, address)
        await ctx.send(MemberChat(), target, OutgoingMessage(RichText.plain(text)))
    async with ctx.db.unit_of_work() as uow:
        await uow.secrets.erase_return_address(notice.secret_id)
        await uow.commit()


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
    message = render.member_digest(address.locale, items)
    await ctx.send(MemberChat(), ChatTarget(address.platform, chat), message)
