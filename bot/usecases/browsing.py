"""Browsing in DM: pages of latest and top secrets, followed topics, the opt-in to the daily DM digest."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot import digests, ranking, render
from bot.actions import DailyDigest, Page, ToggleSubscription
from bot.actor import Actor
from bot.anonymity import Sealer
from bot.i18n import t
from bot.messages import EditPressed, Response, Say
from bot.model import COLLECTIONS, FeedKind, ReactionCounts
from bot.records import DigestAddress, FeedQuery
from bot.refusals import Refused, RefusedBriefly
from bot.usecases import membership
from bot.usecases.context import REMEMBERED_PEOPLE, Context, message, say

MAX_FEED_PAGE = 1000
TOP_WINDOW = timedelta(days=7)
TOP_POOL = 200
ADDRESS_LIFETIME = timedelta(days=7)  # after the member's last activity


async def feed(ctx: Context, action: Page, *, edit: bool = True) -> list[Response]:
    """Latest or top secrets of the member's communities and subscribed collections."""
    if action.page > MAX_FEED_PAGE:
        raise RefusedBriefly("error.stale")
    mine = await membership.communities_of(ctx)
    uow, kind, page = ctx.uow, action.kind, action.page
    subscribed = await uow.preferences.subscriptions(ctx.keys.preference())
    public = await uow.communities.public_since(ctx.actor.platform)
    mine_ids = [c.id for c in mine]
    size = render.FEED_PAGE
    now = ctx.now()
    if kind is FeedKind.LATEST:
        found = list(
            await uow.feeds.page(
                FeedQuery(
                    community_ids=mine_ids,
                    collections=subscribed,
                    public=public,
                    offset=page * size,
                    limit=size + 1,
                )
            )
        )
    else:
        pool = await uow.feeds.page(
            FeedQuery(
                community_ids=mine_ids,
                collections=subscribed,
                public=public,
                since=now - TOP_WINDOW,
                by_points=True,
                limit=TOP_POOL,
            )
        )
        found = ranking.by_hotness(pool, now)[page * size : page * size + size + 1]
    titles: dict[int, str] = {c.id: c.title for c in mine}
    items = []
    for secret in found[:size]:
        if secret.community_id not in titles:
            other = await uow.communities.get(secret.community_id)
            titles[secret.community_id] = other.title if other else "?"
        items.append((secret, titles[secret.community_id]))
    # the card's buttons on the items of the reader's communities (members only, as in the group)
    acting = [secret.id for secret, _ in items if secret.community_id in mine_ids]
    counts = await uow.reactions.counts_of(acting) if acting else {}
    actionable = {secret_id: counts.get(secret_id, ReactionCounts()) for secret_id in acting}
    message = render.feed_page(ctx.locale, kind, page, items, more=len(found) > size, actionable=actionable)
    return [EditPressed(message) if edit else Say(message)]


async def topics(ctx: Context, *, edit: bool = False) -> list[Response]:
    key = ctx.keys.preference()
    daily = await ctx.uow.digests.address(key, ctx.now())
    message = render.topics(ctx.locale, await ctx.uow.preferences.subscriptions(key), daily)
    return [EditPressed(message) if edit else Say(message)]


async def toggle_dm_digest(ctx: Context, action: DailyDigest) -> list[Response]:
    address = digest_address(ctx.services.sealer, ctx.actor, ctx.locale, ctx.now()) if action.on else None
    await ctx.uow.digests.set_address(ctx.keys.preference(), address)
    return await topics(ctx, edit=True)


MAX_DIGEST_WORDS = 2  # a time and a time zone
OFF_WORDS = frozenset({"off", "stop"})


async def digest_time(ctx: Context, argument: str) -> list[Response]:
    """``/digest``: when the member's daily DM digest comes (a local time and an IANA time zone), ``/digest
    08:30 Europe/Paris`` to choose them (and turn it on), ``/digest off`` to stop it."""
    key, now = ctx.keys.preference(), ctx.now()
    current = await ctx.uow.digests.address(key, now)
    words = argument.split()
    if not words:
        if current is None:
            return say("digest.time_off")
        return say("digest.time_now", time=current.at, zone=current.zone) + say("digest.time_usage")
    if len(words) == 1 and words[0].lower() in OFF_WORDS:
        return await stop_dm_digest(ctx)
    if len(words) > MAX_DIGEST_WORDS:
        raise Refused("digest.time_usage")
    at: str | None = None
    zone: str | None = None
    for word in words:
        clock = digests.parse_clock(word) if at is None else None
        known = digests.known_zone(word) if zone is None and clock is None else None
        if clock is not None:
            at = clock
        elif known is not None:
            zone = known
        elif any(c.isdigit() for c in word):
            raise Refused("digest.bad_time", given=word[:20])
        else:
            raise Refused("digest.bad_zone", given=word[:40])
    base = current or digest_address(ctx.services.sealer, ctx.actor, ctx.locale, now)
    chosen = replace(base, at=at or base.at, zone=zone or base.zone)
    await ctx.uow.digests.set_address(key, chosen)
    # The digest comes at the chosen time from now on: the one whose time has just passed is not sent now
    # (a member choosing 08:30 at ten gets the next one tomorrow at 08:30, not one at once).
    passed = digests.due_at(chosen.at, chosen.zone, now, digests.DIGEST_WINDOW)
    if passed is not None:
        await ctx.uow.digests.claim_member(key, passed.key, now)
    following = await ctx.uow.preferences.subscriptions(key)
    answer = say("digest.time_set", time=chosen.at, zone=chosen.zone, day=_next_day(chosen, now))
    return answer if following else answer + say("digest.time_no_topics")


def _next_day(address: DigestAddress, now: datetime) -> str:
    """When the next digest comes, said as "today" or "tomorrow" in the member's time zone."""
    at = digests.next_at(address.at, address.zone, now)
    zone = digests.zone(address.zone)
    today = at is not None and at.astimezone(zone).date() == now.astimezone(zone).date()
    return t("digest.today" if today else "digest.tomorrow")


async def stop_dm_digest(ctx: Context) -> list[Response]:
    """The off switch in the digest itself: the sealed address goes, nothing more is sent."""
    await ctx.uow.digests.set_address(ctx.keys.preference(), None)
    return [Say(message("digest.member_stopped"))]


async def keep_dm_digest(ctx: Context) -> list[Response]:
    """The last digest's "Keep sending" button: the last digest before it stops: another week from today, at
    the time the member chose."""
    key, now = ctx.keys.preference(), ctx.now()
    address = digest_address(ctx.services.sealer, ctx.actor, ctx.locale, now)
    current = await ctx.uow.digests.address(key, now)
    if current is not None:
        address = replace(address, at=current.at, zone=current.zone)
    await ctx.uow.digests.set_address(key, address)
    return [Say(message("digest.member_renewed"))]


async def toggle_subscription(ctx: Context, action: ToggleSubscription) -> list[Response]:
    if action.topic not in COLLECTIONS:
        raise RefusedBriefly("error.stale")
    key = ctx.keys.preference()
    subscribed = action.topic in await ctx.uow.preferences.subscriptions(key)
    await ctx.uow.preferences.set_subscription(key, action.topic, not subscribed)
    return await topics(ctx, edit=True)


async def refresh_digest_address(ctx: Context) -> None:
    """A member who opted in to the DM digest keeps getting it for 7 days after their last activity. Kept
    to the day, and rewritten once a day at most: an exact time would tie their key to an event."""
    now = ctx.now()
    key = ctx.keys.preference()
    checked = ctx.services.digest_checked
    if checked.get(key) == now.date():
        return  # looked at today already: rewritten today or not due
    current = await ctx.uow.digests.address(key, now)
    if len(checked) >= REMEMBERED_PEOPLE:
        checked.clear()
    checked[key] = now.date()
    if current is None or current.expires_at >= _expiry(now):
        return
    renewed = digest_address(ctx.services.sealer, ctx.actor, ctx.locale, now)
    await ctx.uow.digests.set_address(key, replace(renewed, at=current.at, zone=current.zone))


def _expiry(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0) + ADDRESS_LIFETIME


def digest_address(sealer: Sealer, actor: Actor, locale: str, now: datetime) -> DigestAddress:
    sealed = sealer.seal(actor.dm_ref, f"{actor.platform}:digest")
    return DigestAddress(actor.platform, sealed, locale, _expiry(now))
