"""Who belongs where, as the platform says: checked when the last check is older than a few minutes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from bot import limits
from bot.logsafe import where
from bot.model import Ban, Community, Secret, SecretStatus, Token
from bot.records import Counter, Standing
from bot.refusals import Refused, RefusedBriefly
from bot.usecases.context import Context

log = logging.getLogger(__name__)

MEMBERSHIP_FRESHNESS = timedelta(minutes=10)
MAX_COMMUNITIES_PROBED = 50
MAX_COMMUNITIES_KNOWN = 10_000  # a platform's communities whose community keys are looked up at each DM
MAX_REMEMBERED_NOES = 100_000
PROBES_AT_ONCE = MAX_COMMUNITIES_PROBED  # asked of the platform together: one round trip, not fifty


@dataclass(frozen=True)
class SecretInReach:
    """A visible secret of a community the member belongs to."""

    secret: Secret
    community: Community


async def is_member(ctx: Context, community: Community) -> bool:
    """Verified against the platform when the last check is older than a few minutes."""
    if community.platform != ctx.actor.platform or not community.active:
        return False
    answered = ctx.pending.memberships.get(community.id)
    if answered is not None:
        return answered  # asked already in this event
    key = ctx.keys.member(community.id)
    if community.id in await ctx.uow.members.verified_since([key], ctx.now() - MEMBERSHIP_FRESHNESS):
        return True
    directory = ctx.directory(community.platform)
    answer = directory is not None and await directory.is_member(community.chat_ref, ctx.actor.user_id)
    return await _record(ctx, community, answer)


async def _record(ctx: Context, community: Community, answer: bool, *, known: bool = True) -> bool:
    """The platform's answer kept: verified now, or forgotten (``known``: there may be a row to forget);
    written once the use case's slow work is over (``PendingWrites``), not while it waits for more."""
    key, members, now, place = ctx.keys.member(community.id), ctx.uow.members, ctx.now(), community.id
    ctx.pending.memberships[place] = answer
    if not answer:
        if known:
            ctx.pending.add(("membership", place), lambda: members.forget_membership(key, place))
        return False
    ctx.pending.add(("membership", place), lambda: members.mark_verified(key, place, now))
    return True


async def _ask_platform(
    ctx: Context, communities: list[Community], fresh: set[int]
) -> tuple[set[int], dict[int, bool | Exception]]:
    """The communities verified lately (``fresh``: of those verified lately), and the platform's answers for
    the others, asked together (a member in fifty communities must not wait for fifty round trips)."""
    fresh = {community.id for community in communities if community.id in fresh}
    answered: dict[int, bool | Exception] = {}
    for community in communities:  # asked already in this event: not asked again
        said = ctx.pending.memberships.get(community.id)
        if said is not None:
            fresh.discard(community.id)
            answered[community.id] = said
    directory = ctx.directory(ctx.actor.platform)
    asked = [
        c
        for c in communities
        if c.id not in fresh and c.id not in answered and c.active and c.platform == ctx.actor.platform
    ]
    if directory is None or not asked:
        return fresh, answered
    limit = asyncio.Semaphore(PROBES_AT_ONCE)

    async def ask(community: Community) -> bool:
        async with limit:
            return await directory.is_member(community.chat_ref, ctx.actor.user_id)

    answers = await asyncio.gather(*(ask(c) for c in asked), return_exceptions=True)
    return fresh, answered | {
        c.id: answer if isinstance(answer, bool | Exception) else False
        for c, answer in zip(asked, answers, strict=True)
    }


async def member_community(ctx: Context, community_id: int | None, *, briefly: bool = False) -> Community:
    """The community, if the member belongs to it; otherwise refused ("not a member")."""
    community = await ctx.uow.communities.get(community_id) if community_id is not None else None
    if community is None or not await is_member(ctx, community):
        raise (RefusedBriefly if briefly else Refused)("error.not_member")
    return community


async def postable_community(
    ctx: Context, community_id: int | None, counter_key: str | None = None
) -> tuple[Community, Standing | None]:
    """``member_community`` then ``ensure_not_banned``, the membership verified lately and the ban in force
    read in one query (at every Post), with the member's counter ``counter_key`` if given; that standing, or
    None where it was not read (the membership asked already in this event)."""
    community = await ctx.uow.communities.get(community_id) if community_id is not None else None
    if community is None or community.platform != ctx.actor.platform or not community.active:
        raise Refused("error.not_member")
    if ctx.pending.memberships.get(community.id) is not None:  # asked already in this event
        if not await is_member(ctx, community):
            raise Refused("error.not_member")
        await ensure_not_banned(ctx, community)
        return community, None
    standing = await _standing(ctx, community, counter_key)
    if standing is None:
        raise Refused("error.not_member")
    _refuse_ban(community, standing.ban, acting=False, briefly=False)
    return community, standing


async def _standing(ctx: Context, community: Community, counter_key: str | None = None) -> Standing | None:
    """The member's standing in the community, read in one query: their membership verified lately (else asked
    of the platform now) and the ban in force; None if they don't belong to it."""
    now, key = ctx.now(), ctx.keys.member(community.id)
    standing = await ctx.uow.members.standing(key, community.id, now - MEMBERSHIP_FRESHNESS, now, counter_key)
    if standing.verified:
        return standing
    directory = ctx.directory(community.platform)
    answer = directory is not None and await directory.is_member(community.chat_ref, ctx.actor.user_id)
    return standing if await _record(ctx, community, answer) else None


async def verify_community(ctx: Context, community_id: int) -> None:
    """The welcome's button: verify this community now, so a member of any community finds it."""
    community = await ctx.uow.communities.get(community_id)
    if community is not None and community.platform == ctx.actor.platform:
        await is_member(ctx, community)


async def communities_of(ctx: Context) -> list[Community]:
    """The member's communities: those they were ever verified in, and a bounded probe of the others, so that
    a member new to the bot finds theirs without a deep link. Memberships are stored under a key per
    community: the member's key of each active community is computed and looked up."""
    return (await communities_and_bans(ctx)).communities


@dataclass(frozen=True)
class Places:
    """A member's communities (``communities_of``), the ban in force in each community of the platform where
    there is one, and their strikes of the day (``limits.strikes_counter``'s) in the first
    ``MAX_COMMUNITIES_PROBED`` communities, by key (None: none), all read in one query."""

    communities: list[Community]
    bans: Mapping[int, Ban]
    strikes: Mapping[str, Counter | None]


async def communities_and_bans(ctx: Context) -> Places:
    """``communities_of``, with the bans in force and strikes read in the same query as the memberships (a
    preview's communities, bans and cooldowns in one round trip)."""
    uow, platform, noes = ctx.uow, ctx.actor.platform, ctx.services.recent_noes
    active = await uow.communities.active_on(platform, MAX_COMMUNITIES_KNOWN)
    keys = {community.id: ctx.keys.member(community.id) for community in active}
    now = ctx.now()
    strikes = [limits.strikes_counter(ctx.keys, c.id, now) for c in active[:MAX_COMMUNITIES_PROBED]]
    standings = await uow.members.standings(list(keys.values()), now, strikes)  # one query
    verified = standings.verified  # ever, and when last
    known = set(verified)
    candidates: dict[int, Community] = {c.id: c for c in active if c.id in known}
    lately = {place for place, at in verified.items() if at >= now - MEMBERSHIP_FRESHNESS}
    for community in active[:MAX_COMMUNITIES_PROBED]:
        checked = noes.get(keys[community.id])
        if checked is None or now - checked > MEMBERSHIP_FRESHNESS:  # a recent "no" is not re-asked
            candidates.setdefault(community.id, community)
    found: list[Community] = []
    fresh, answers = await _ask_platform(ctx, list(candidates.values()), lately)
    for community in candidates.values():
        answer = answers.get(community.id)
        if community.id in fresh:
            member = community.active
        elif isinstance(answer, Exception):  # one unreachable chat must not stop the member's other ones
            log.warning("membership check failed in community %s: %s", community.id, where(answer))
            member = False
        elif answer is None:  # not asked: inactive, of another platform, or no directory to ask
            member = False
        else:  # a community never verified has no row to forget: a first DM writes only what it finds
            member = await _record(ctx, community, answer, known=community.id in known)
        if member:
            found.append(community)
            noes.pop(keys[community.id], None)
        elif community.id not in known:
            if len(noes) > MAX_REMEMBERED_NOES:
                noes.clear()
            noes[keys[community.id]] = now
    read = {key: standings.counters.get(key) for key in strikes}
    return Places(sorted(found, key=lambda c: c.id), standings.bans, read)


async def secret_in_reach(ctx: Context, token: Token, *, briefly: bool = False) -> SecretInReach:
    """The secret a button or a link names, if in reach (``in_reach``)."""
    return await in_reach(ctx, await ctx.uow.secrets.by_token(token), briefly=briefly)


async def in_reach(ctx: Context, secret: Secret | None, *, briefly: bool = False) -> SecretInReach:
    """A secret whose card is out, in one of the member's communities. Otherwise one answer, the same
    whether it doesn't exist, isn't out yet or is elsewhere: none of them may be told from the others
    (a deep link tried at every DM would give away when each secret was written, and where)."""
    refused = RefusedBriefly if briefly else Refused
    if secret is None or secret.status is not SecretStatus.PUBLISHED:
        raise refused("error.secret_unavailable")
    community = await ctx.uow.communities.get(secret.community_id)
    if community is None or not await is_member(ctx, community):
        raise refused("error.secret_unavailable")
    return SecretInReach(secret, community)


async def acting_in_reach(ctx: Context, token: Token, *, briefly: bool = False) -> SecretInReach:
    """``secret_in_reach`` then ``ensure_not_banned(acting=True)``, the membership verified lately and the
    ban in force read in one query (a tap on a card's reaction: at every tap)."""
    refused = RefusedBriefly if briefly else Refused
    secret = await ctx.uow.secrets.by_token(token)
    if secret is None or secret.status is not SecretStatus.PUBLISHED:
        raise refused("error.secret_unavailable")
    community = await ctx.uow.communities.get(secret.community_id)
    if community is None or community.platform != ctx.actor.platform or not community.active:
        raise refused("error.secret_unavailable")
    if ctx.pending.memberships.get(community.id) is not None:  # asked already in this event
        await in_reach(ctx, secret, briefly=briefly)
        await ensure_not_banned(ctx, community, acting=True, briefly=briefly)
        return SecretInReach(secret, community)
    standing = await _standing(ctx, community)
    if standing is None:
        raise refused("error.secret_unavailable")
    _refuse_ban(community, standing.ban, acting=True, briefly=briefly)
    return SecretInReach(secret, community)


async def ensure_not_banned(
    ctx: Context, community: Community, *, acting: bool = False, briefly: bool = False
) -> None:
    """Refused while banned in the community: from posting, or (``acting``) replying, reacting, reporting."""
    ban = await ctx.uow.members.active_ban(ctx.keys.member(community.id), community.id, ctx.now())
    _refuse_ban(community, ban, acting=acting, briefly=briefly)


def refuse_ban(community: Community, ban: Ban | None) -> None:
    """Refused from posting in the community while ``ban`` is in force (as ``ensure_not_banned``)."""
    _refuse_ban(community, ban, acting=False, briefly=False)


def _refuse_ban(community: Community, ban: Ban | None, *, acting: bool, briefly: bool) -> None:
    if ban is None:
        return
    refused = RefusedBriefly if briefly else Refused
    kind = "banned_act" if acting else "banned"
    if ban.until is None:
        raise refused(f"error.{kind}_forever", community=community.title)
    until = ban.until.strftime("%Y-%m-%d %H:%M UTC")
    raise refused(f"error.{kind}_until", community=community.title, until=until)


async def is_admin(ctx: Context, community: Community, chat_ref: str | None = None) -> bool:
    """Asked of the platform at every use: an admin removed an hour ago is no moderator now."""
    directory = ctx.directory(community.platform)
    return directory is not None and await directory.is_admin(
        chat_ref or community.chat_ref, ctx.actor.user_id
    )
