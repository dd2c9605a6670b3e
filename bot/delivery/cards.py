"""Cards and the replies under them, in the community's chat."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from bot import delays, ranking, render, stats
from bot.card_view import card_message, same_card
from bot.delivery import inactive, rights
from bot.delivery.context import Chat, CommunityChat, DeliveryContext, DiscussionChat, MissingRight, NotYet
from bot.delivery.registry import delivers
from bot.messages import ChatTarget, OutgoingMessage
from bot.model import VISIBLE_STATUSES, Community, ReplyStatus, Secret, SecretStatus
from bot.outbox import CardDue, CardRefresh, Outbox, ReplyDue, ReplyNotice, ReplyRefresh
from bot.ports import UnitOfWork
from bot.reply_notices import NOTICE_WINDOW_SECONDS
from bot.stats import StatKind
from bot.usecases.audience import remember

# The right to send a card, renewed by the dispatcher while the send lasts (a platform's rate limit can
# hold it back for long): a dead dispatcher's claim ends soon after it died. Longer than the outbox lease,
# so that a dispatcher taking an entry over from one that stalled still finds the card being sent.
SENDING_LEASE = timedelta(seconds=25)
SENDING_RECHECK = timedelta(seconds=5)
REPLY_WAITS_FOR_CARD = timedelta(seconds=2)
# How long a reply waits for its card's copy to show up in the discussion chat (Telegram forwards a channel's
# posts to its discussion group at once); past it, the reply goes under the card itself.
DISCUSSION_WAIT = timedelta(minutes=1)
READERS_RECHECK = timedelta(minutes=15)
# A reader count asked of the platform this recently (as a card went out, or at its Post) serves the cards
# going out now: a burst of cards into one group asks once, and a card right after Post is not counted twice.
READERS_FRESH = timedelta(seconds=30)

log = logging.getLogger(__name__)


async def _render_card(
    uow: UnitOfWork, secret: Secret, community: Community
) -> tuple[CommunityChat, ChatTarget, OutgoingMessage]:
    message = await card_message(uow, secret, community)
    target = ChatTarget(
        community.platform, community.chat_ref, topic_ref=community.topic_ref, once=f"card:{secret.id}"
    )
    return CommunityChat(community.id), target, message


async def _card_message(
    ctx: DeliveryContext, secret_id: int
) -> tuple[CommunityChat, ChatTarget, OutgoingMessage, str | None, SecretStatus] | None:
    async with ctx.db.unit_of_work() as uow:
        secret = await uow.secrets.get(secret_id)
        community = await uow.communities.get(secret.community_id) if secret else None
        if secret is None or community is None or not community.active:
            return None
        chat, target, message = await _render_card(uow, secret, community)
    return chat, target, message, secret.card_ref, secret.status


def _counted(ctx: DeliveryContext, community: Community) -> bool | None:
    """Whether the community has its minimum audience, from a count still fresh (or no directory to ask);
    None when the platform must be asked (``_enough_readers``)."""
    if ctx.directories.get(community.platform) is None:
        return True
    known = ctx.reader_counts.get(community.id)
    if known is None or known[1] is None or ctx.clock.now() - known[0] >= READERS_FRESH:
        return None
    return known[1] >= community.settings.min_members


async def _claim(
    uow: UnitOfWork, secret_id: int, now: datetime
) -> tuple[bool, Community | None, tuple[CommunityChat, ChatTarget, OutgoingMessage] | None]:
    """The right to send the card (``SENDING_LEASE``), its number if it has none yet, and the card rendered
    from the secret as it is once claimed, committed in ``uow``: whether it was this dispatcher's to send, its
    community, and the card (None: deleted, or its community gone, since the first look; nothing kept)."""
    mine = await uow.secrets.claim_sending(secret_id, now, now + SENDING_LEASE)
    claimed = await uow.secrets.get(secret_id) if mine else None
    place = await uow.communities.get(claimed.community_id) if claimed else None
    if claimed is None or place is None or not place.active or claimed.card_ref is not None:
        return mine, place, None
    if claimed.number <= 0:
        # numbered as it goes out (communities with a publication delay): the order of the numbers is the
        # order of the cards, not of the DMs
        number = await uow.secrets.take_number(secret_id, claimed.community_id)
        claimed = replace(claimed, number=number)
    found = await _render_card(uow, claimed, place)
    await uow.commit()
    return mine, place, found


async def _enough_readers(ctx: DeliveryContext, community: Community) -> bool:
    """The minimum audience, checked again as the card goes out: readers may have left since Post. A count
    serves for ``READERS_FRESH`` (a burst of cards into one group asks the platform once, and the card going
    out right after its Post uses the count Post asked)."""
    directory = ctx.directories.get(community.platform)
    if directory is None:
        return True
    now = ctx.clock.now()
    known = ctx.reader_counts.get(community.id)
    readers = known[1] if known is not None and now - known[0] < READERS_FRESH else None
    if readers is None:
        readers = await directory.reader_count(community.chat_ref)
        if readers is not None:
            remember(ctx.reader_counts, community.id, now, readers)
    return readers is not None and readers >= community.settings.min_members


@delivers(CardDue, lane=lambda lanes, due: lanes.of_secret(due.secret_id))
async def post_card(ctx: DeliveryContext, due: CardDue) -> None:
    secret_id = due.secret_id
    now = ctx.clock.now()
    claim = None
    async with ctx.db.unit_of_work() as uow:
        secret = await uow.secrets.get(secret_id)
        community = await uow.communities.get(secret.community_id) if secret else None
        if (
            secret is not None
            and community is not None
            and secret.card_ref is None
            and secret.status is SecretStatus.QUEUED
            and community.active
            and _counted(ctx, community) is True
        ):
            # nothing to ask the platform first (a count still fresh, as right after Post): the first look,
            # the claim and the render are one transaction
            claim = await _claim(uow, secret_id, now)
    if secret is None or community is None:
        return
    if claim is None:
        if secret.card_ref is not None or secret.status is not SecretStatus.QUEUED:
            return  # never post the same secret twice; a secret deleted before delivery stays unsent
        if not community.active:
            # the bot was removed, or lost the channel: the card waits for the community to come back
            later = inactive.wait_for(community, secret.created_at, now)
            if later is not None:
                raise later
            await inactive.give_up_card(ctx, secret, community)
            return
        if not await _enough_readers(ctx, community):
            raise NotYet(now + READERS_RECHECK)  # the card waits until the community is big enough again
        async with ctx.db.unit_of_work() as uow:
            claim = await _claim(uow, secret_id, now)
    first, written = secret, secret.created_at
    mine, place, found = claim
    if not mine:
        # another dispatcher is sending it (its outbox lease ran out mid-batch): look again later
        raise NotYet(now + SENDING_RECHECK)
    if found is None:
        # deleted, or its community went away, since the first look: the claim was not kept, look again
        raise NotYet(ctx.clock.now() + inactive.FIRST_RECHECK)
    chat, target, message = found
    published: list[bool] = []

    async def record(uow: UnitOfWork, ref: str, entry: int | None) -> bool:
        # once the card is out, one statement in a transaction of its own, its outbox entry removed with it:
        # once committed, no kill or retry sends the card again
        published[:] = [await uow.secrets.card_out(secret_id, ref, ctx.clock.now(), delivered=entry)]
        return entry is not None

    ctx.cards_sending.add(secret_id)
    try:
        try:
            ref = await ctx.send(chat, target, message, record)
        except BaseException:
            async with ctx.db.unit_of_work() as uow:
                await uow.secrets.claim_sending(secret_id, ctx.clock.now(), None)
                await uow.commit()
            raise
        finally:
            ctx.cards_sending.discard(secret_id)
    except MissingRight:
        # the bot is still in the community but may not post this (a right taken away): the card waits
        await rights.tell_admins(ctx, community)
        later = rights.wait_for(written, ctx.clock.now())
        if later is not None:
            raise later from None
        await inactive.give_up_card(ctx, first, community, key="notice.not_published_right")
        return
    ctx.edited(target, ref)
    if published == [True]:
        async with ctx.db.unit_of_work() as uow:
            # counted after the window (a kill in between loses one count, never a card)
            await stats.count(uow.stats, place or community, StatKind.PUBLISHED, ctx.clock.now())
            await uow.commit()


@delivers(CardRefresh, lane=lambda lanes, refresh: lanes.of_secret(refresh.secret_id))
async def refresh_card(ctx: DeliveryContext, refresh: CardRefresh) -> None:
    found = await _card_message(ctx, refresh.secret_id)
    if found is None:
        return
    chat, target, message, card_ref, _ = found
    if card_ref is None:
        return  # not posted yet: the card will show the state of its delivery
    later = ctx.next_edit_at(target, card_ref)
    if later is not None:
        raise NotYet(later)
    ctx.edited(target, card_ref)
    await ctx.edit(chat, target, card_ref, message)
    # Another process on the database may have edited the card at the same moment, from counts read a moment
    # before or after these: whichever edit the platform took last shows. Read again once this edit is in: a
    # card that would show anything else by now is refreshed again.
    again = await _card_message(ctx, refresh.secret_id)
    if again is not None and not same_card(again[2], message):
        async with ctx.db.unit_of_work() as uow:
            await Outbox(uow, ctx.clock).add(CardRefresh(refresh.secret_id))
            await uow.commit()


async def card_copy(ctx: DeliveryContext, community: Community, secret: Secret) -> str | None:
    """The card's copy in the community's discussion chat, if it has one and the copy is known."""
    if community.discussion_ref is None or secret.card_ref is None:
        return None
    async with ctx.db.unit_of_work() as uow:
        return await uow.communities.copy_of(community.id, secret.card_ref)


def replies_target(community: Community, secret: Secret, copy: str | None) -> tuple[Chat, ChatTarget]:
    """Where replies to a secret go: as comments under its card's ``copy`` in the community's discussion
    chat (a Telegram channel's discussion group), else under the card, in its topic."""
    if community.discussion_ref is not None and copy is not None:
        target = ChatTarget(community.platform, community.discussion_ref, reply_to=copy)
        return DiscussionChat(community.id), target
    target = ChatTarget(
        community.platform,
        community.chat_ref,
        reply_to=secret.card_ref,
        topic_ref=community.topic_ref,
        thread_title=render.thread_title(secret),
    )
    return CommunityChat(community.id), target


@delivers(ReplyDue, lane=lambda lanes, due: lanes.of_reply(due.reply_id))
async def post_reply(ctx: DeliveryContext, due: ReplyDue) -> None:
    async with ctx.db.unit_of_work() as uow:
        reply = await uow.replies.get(due.reply_id)
        secret = await uow.secrets.get(reply.secret_id) if reply else None
        community = await uow.communities.get(secret.community_id) if secret else None
    if reply is None or secret is None or community is None:
        return
    if reply.message_ref is not None:
        # out and recorded, its entry still there: a kill came before what follows the recording
        await _reply_out(ctx, due.reply_id)
        return
    if secret.status not in VISIBLE_STATUSES:
        return
    if not community.active:
        later = inactive.wait_for(community, reply.created_at, ctx.clock.now())
        if later is not None:
            raise later  # waits for the community to come back, as its card does
        log.warning("a reply was given up after its community stayed away %s days", inactive.KEPT.days)
        return
    if reply.status is not ReplyStatus.PUBLISHED:
        return  # deleted or removed before it went out: never shown
    moment = ctx.clock.now()
    if secret.card_ref is None:
        raise NotYet(moment + REPLY_WAITS_FOR_CARD)
    copy = await card_copy(ctx, community, secret)
    if community.discussion_ref is not None and copy is None and moment < reply.created_at + DISCUSSION_WAIT:
        raise NotYet(moment + REPLY_WAITS_FOR_CARD)  # the card's copy in the discussion chat isn't known yet
    chat, target = replies_target(community, secret, copy)
    target = replace(target, once=f"reply:{reply.id}")
    message = render.reply_message(community.settings.locale, reply)

    async def record(uow: UnitOfWork, ref: str, _: int | None) -> bool:
        # one statement in a transaction of its own as soon as the reply is out (the send-to-commit window):
        # once committed, no kill sends it again; what follows from it comes next, with its entry's removal
        await uow.replies.set_message_ref(due.reply_id, ref)
        return False

    try:
        await ctx.send(chat, target, message, record, delivers=False)
    except MissingRight:
        await rights.tell_admins(ctx, community)
        later = rights.wait_for(reply.created_at, ctx.clock.now())
        if later is not None:
            raise later from None
        log.warning("a reply was given up after %s days without being posted", rights.KEPT.days)
        return
    await _reply_out(ctx, due.reply_id)


async def _reply_out(ctx: DeliveryContext, reply_id: int) -> None:
    """What follows from a reply once it is out and recorded, in one transaction with its outbox entry's
    removal: the card's reply count and the secret's rank move (when the reply is out, not when it was
    written), its author hears of it if they asked, and a reply reported, deleted or hidden with its secret
    while it went out shows that. Killed before this commits, the entry is delivered again and finds the
    reply out: this runs then (once: the entry goes with it)."""
    async with ctx.db.unit_of_work() as uow:
        reply = await uow.replies.get(reply_id)
        thread = await uow.secrets.get(reply.secret_id) if reply else None
        if reply is not None and thread is not None:
            await uow.secrets.add_points(thread.id, ranking.REPLY_POINTS)
            outbox = Outbox(uow, ctx.clock)
            await outbox.add(CardRefresh(thread.id))
            if not reply.by_author and await uow.notices.count_reply(thread.id, ctx.clock.now()):
                # the author asked to hear of replies: one notice for the replies of a window, at a random
                # moment of it (a notice waiting already counts this reply in)
                await outbox.add(ReplyNotice(thread.id), delay=delays.random_wait(NOTICE_WINDOW_SECONDS))
            if reply.status is not ReplyStatus.PUBLISHED or thread.status not in VISIBLE_STATUSES:
                # reported, deleted or hidden with its secret while it was being sent: show that too
                await outbox.add(ReplyRefresh(reply_id))
        entry = await ctx.remove_delivered(uow)
        await uow.commit()
    ctx.removed_with(entry)


@delivers(ReplyRefresh, lane=lambda lanes, refresh: lanes.of_reply(refresh.reply_id))
async def refresh_reply(ctx: DeliveryContext, refresh: ReplyRefresh) -> None:
    """A reply edited to its state: a placeholder once removed, deleted or hidden with its secret."""
    async with ctx.db.unit_of_work() as uow:
        reply = await uow.replies.get(refresh.reply_id)
        secret = await uow.secrets.get(reply.secret_id) if reply else None
        community = await uow.communities.get(secret.community_id) if secret else None
    if reply is None or secret is None or community is None or not community.active:
        return
    if reply.message_ref is None or secret.card_ref is None:
        return  # not out: it will go out (or not) as it is then
    chat, target = replies_target(community, secret, await card_copy(ctx, community, secret))
    message = render.reply_message(community.settings.locale, reply, secret.status in VISIBLE_STATUSES)
    later = ctx.next_edit_at(target, reply.message_ref)
    if later is not None:
        raise NotYet(later)
    ctx.edited(target, reply.message_ref)
    await ctx.edit(chat, target, reply.message_ref, message)
