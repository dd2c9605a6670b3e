"""Communities come and go: registered when the bot is added, moved with their chat, made inactive when the
bot leaves; members' join days (for reporter weight) and the erasure of expired sealed addresses."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

from bot import digests, pictures
from bot.delivery import admin_notice
from bot.delivery.inactive import KEPT
from bot.model import Community, CommunitySettings
from bot.outbox import Outbox, Welcome
from bot.ports import UnitOfWork
from bot.usecases import authorship
from bot.usecases.context import Context, Services

# a preview nobody posted or cancelled is purged after a day
DRAFT_LIFETIME = timedelta(days=1)
# How long a secret or reply that moderators removed keeps its text: moderation needs it while an item
# about it is open (an appeal, a second look) and a little after; then the sweep erases it. Counted from
# when it was written and from the last decision on it, whichever is later.
REMOVED_TEXT_WINDOW = timedelta(days=7)
SWEEP_BATCH = 500  # removed texts erased per unit of work by the sweep (``erase_removed``)

log = logging.getLogger(__name__)


async def register(
    uow: UnitOfWork,
    services: Services,
    platform: str,
    chat_ref: str,
    title: str,
    settings: CommunitySettings | None = None,
) -> Community:
    """The bot was added to a group (or an admin made a channel a community): register and welcome it."""
    community = await uow.communities.by_chat(platform, chat_ref)
    if community is not None and community.active and community.title == title:
        return community
    if community is None:
        community = await uow.communities.add(
            platform, chat_ref, title, settings or services.default_settings, services.clock.now()
        )
        welcome = True
    else:
        welcome = not community.active
        await uow.communities.set_active(community.id, True, title)
        community = replace(community, active=True, title=title)
    if welcome:
        await Outbox(uow, services.clock).add(Welcome(community.id))
    return community


async def chat_moved(uow: UnitOfWork, platform: str, old_chat_ref: str, new_chat_ref: str) -> None:
    """A Telegram group became a supergroup: the community (or moderators' chat) follows its new id."""
    if await uow.communities.by_chat(platform, new_chat_ref) is None:
        await uow.communities.move(platform, old_chat_ref, new_chat_ref)


async def deactivate(uow: UnitOfWork, platform: str, chat_ref: str) -> None:
    community = await uow.communities.by_chat(platform, chat_ref)
    if community is not None:
        await uow.communities.set_active(community.id, False)
        log.warning("the bot left a community: its cards wait for its return (%s days at most)", KEPT.days)


async def link_moderation_chat(
    uow: UnitOfWork, platform: str, community_chat_ref: str, chat_ref: str
) -> bool:
    """Set up by the platform's own admin check (Discord's setup command)."""
    community = await uow.communities.by_chat(platform, community_chat_ref)
    if community is None:
        return False
    await uow.communities.set_moderation_chat(community.id, chat_ref)
    return True


async def member_joined(ctx: Context, chat_ref: str) -> None:
    """Someone joined a community's chat: their reports weigh little for a week (anti-brigading)."""
    community = await ctx.uow.communities.by_chat(ctx.actor.platform, chat_ref)
    if community is not None:
        # the day only: the exact time, matched with the group's "X joined" line, would name them
        day = ctx.now().replace(hour=0, minute=0, second=0, microsecond=0)
        await ctx.uow.members.record_join(ctx.keys.member(community.id), community.id, day)


async def sweep(uow: UnitOfWork, services: Services) -> int:
    """Erase what has outlived its window: sealed return and digest addresses, sealed community keys of
    authors, repliers and reporters, counters of past periods, stale drafts; returns how many. (The texts of
    removed secrets and replies go by ``erase_removed``, a batch per unit of work.)"""
    now = services.clock.now()
    await reseal(uow, services)
    erased = await uow.secrets.erase_expired_return_addresses(now)
    erased += await uow.secrets.erase_expired_ban_keys(now)
    erased += await uow.replies.erase_expired_ban_keys(now)
    erased += await uow.reports.erase_expired_seals(now)
    erased += await uow.members.erase_expired_counters(now)
    erased += await uow.drafts.delete_stale(now - DRAFT_LIFETIME)
    erased += await uow.notices.erase_expired(now)
    erased += await uow.pictures.erase_orphans(now - pictures.ORPHAN_AGE)
    erased += await uow.digests.erase_member_claims(now - digests.CLAIMS_KEPT)
    erased += await uow.communities.erase_admin_notice_claims(now - admin_notice.CLAIMS_KEPT)
    return erased + await uow.digests.erase_expired(now)


async def erase_removed(uow: UnitOfWork, services: Services) -> int:
    """One batch of the sweep's erasure of removed secrets' and replies' texts (and photos), the oldest
    ``SWEEP_BATCH`` of each: the caller commits it and asks again until it returns 0, so that no unit of work
    holds the database's write lock for a backlog (a week of removals after a long stop)."""
    before = services.clock.now() - REMOVED_TEXT_WINDOW
    erased = await uow.secrets.erase_removed_texts(before, SWEEP_BATCH)
    return erased + await uow.replies.erase_removed_texts(before, SWEEP_BATCH)


async def reseal(uow: UnitOfWork, services: Services) -> int:
    """During a sealing key's overlap, the ban keys that opened only with the previous key are sealed again
    with the new one: a secret waiting for moderators keeps its key past the overlap. (Return addresses,
    reporters' keys, digest addresses and pending replies live at most the overlap's 7 days.)"""
    if not services.sealer.rotating:
        return 0
    resealed = 0
    for held in await uow.secrets.held_ban_keys():
        fresh = services.sealer.reseal(held.sealed, authorship.ban_key_context(held.author_salt))
        if fresh is not None:
            await uow.secrets.replace_ban_key(held.secret_id, fresh)
            resealed += 1
    return resealed
