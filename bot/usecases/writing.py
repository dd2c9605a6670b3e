"""Writing: a DM becomes a previewed draft (a secret, or a reply to a card), changed by its buttons."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from bot import limits, pictures, render, stats
from bot.actions import Cancel, ChooseCommunity, CycleTopic, PostLink, ReplyLink, ToggleNotices, ToggleWarning
from bot.anonymity import new_token
from bot.i18n import current_locale, t
from bot.messages import EditPressed, OutgoingMessage, Response, RichText, Say
from bot.model import Community, Draft, DraftKind, DraftStatus, PendingInput, Secret
from bot.moderation.care import care_answer
from bot.moderation.duplicates import is_near_duplicate_normalised
from bot.moderation.normalise import normalise
from bot.moderation.verdict import FilterResult, Verdict
from bot.records import NewDraft, SealedValue, StoredPicture
from bot.refusals import Refused, RefusedBriefly
from bot.stats import StatKind
from bot.text_input import MAX_REPLY_LENGTH, MAX_SECRET_LENGTH, clean_text
from bot.usecases import audience, authorship, membership, words
from bot.usecases.context import Context, message, say

PENDING_INPUT_LIFETIME = timedelta(minutes=30)
DUPLICATE_WINDOW = timedelta(hours=24)


async def text(ctx: Context, raw: str) -> list[Response]:
    """A DM: the reply the member was asked for, or a new secret's preview."""
    cleaned = _cleaned(raw)
    pending = await pending_input(ctx)
    if pending is not None and pending.expires_at > ctx.now():
        return await _reply_preview(ctx, await ctx.uow.secrets.get(pending.target_id), cleaned)
    return await _secret_preview(ctx, cleaned)


async def picture(
    ctx: Context, data: bytes | None, caption: str, size: int = 0, link: PostLink | None = None
) -> list[Response]:
    """A photo in DM, or in the form the welcome's button opened (``link``; ``data`` None: the platform said
    it is larger than the limit, so it was not fetched): re-encoded, its caption filtered as a secret's text,
    previewed as a secret."""
    if link is not None:
        await membership.verify_community(ctx, link.community)
    if data is None or size > pictures.MAX_BYTES:
        raise pictures.too_large(size)
    pending = await pending_input(ctx)
    if pending is not None and pending.expires_at > ctx.now():
        raise Refused("picture.not_in_reply")
    cleaned = clean_text(caption)
    if not cleaned:
        raise Refused("picture.needs_caption")
    if len(cleaned) > pictures.MAX_CAPTION:
        raise Refused("error.too_long", length=len(cleaned), limit=pictures.MAX_CAPTION)
    # re-encoded in a worker thread: its CPU would hold the event loop, and with it every other member
    return await _secret_preview(ctx, cleaned, await asyncio.to_thread(pictures.clean, data))


async def pending_input(ctx: Context) -> PendingInput | None:
    """What the member's next DM means: stored under their pending key, its target sealed."""
    key = ctx.keys.pending()
    stored = await ctx.uow.preferences.pending_input(key, ctx.now())
    opened = ctx.services.sealer.open(stored.sealed, f"pending:{key}") if stored else None
    kind, _, target = (opened or "").partition(":")
    if stored is None or kind not in {k.value for k in DraftKind} or not target.isdigit():
        return None
    return PendingInput(DraftKind(kind), int(target), stored.expires_at)


async def set_pending_input(ctx: Context, pending: PendingInput | None) -> None:
    key = ctx.keys.pending()
    sealed = (
        SealedValue(
            ctx.services.sealer.seal(f"{pending.kind.value}:{pending.target_id}", f"pending:{key}"),
            pending.expires_at,
        )
        if pending is not None
        else None
    )
    await ctx.uow.preferences.set_pending_input(key, sealed)


async def text_after_welcome(ctx: Context, link: PostLink, raw: str) -> list[Response]:
    """A secret written in the form the welcome's button opened: its community is verified first."""
    await membership.verify_community(ctx, link.community)
    return await text(ctx, raw)


async def reply_text(ctx: Context, link: ReplyLink, raw: str) -> list[Response]:
    """A reply written in one go (a Discord modal): the preview of it, or why not."""
    return await _reply_preview(ctx, await ctx.uow.secrets.by_token(link.secret), _cleaned(raw))


async def may_reply(ctx: Context, link: ReplyLink) -> list[Response]:
    """Before a form opens for a reply (a Discord modal): nothing when it may, else why not."""
    reach = await membership.secret_in_reach(ctx, link.secret)
    await membership.ensure_not_banned(ctx, reach.community, acting=True)
    return []


async def begin_reply(ctx: Context, link: ReplyLink) -> list[Response]:
    """A card's Reply link: the next DM is the reply."""
    reach = await membership.secret_in_reach(ctx, link.secret)
    await membership.ensure_not_banned(ctx, reach.community, acting=True)
    expires = ctx.now() + PENDING_INPUT_LIFETIME
    await set_pending_input(ctx, PendingInput(DraftKind.REPLY, reach.secret.id, expires))
    return say("reply.prompt", number=reach.secret.shown_number)


async def cancel_pending(ctx: Context) -> list[Response]:
    await set_pending_input(ctx, None)
    return say("cancel.done")


def _cleaned(raw: str) -> str:
    cleaned = clean_text(raw)
    if not cleaned:
        raise Refused("error.empty")
    return cleaned


async def _secret_preview(
    ctx: Context, cleaned: str, photo: pictures.CleanPicture | None = None
) -> list[Response]:
    if len(cleaned) > MAX_SECRET_LENGTH:
        raise Refused("error.too_long", length=len(cleaned), limit=MAX_SECRET_LENGTH)
    places = await membership.communities_and_bans(ctx)  # with the strikes, for the cooldown
    communities, bans = places.communities, places.bans
    if not communities:
        raise Refused("error.no_community")
    now = ctx.now()
    allowed = [c for c in communities if c.id not in bans]
    if not allowed:
        membership.refuse_ban(communities[0], bans[communities[0].id])
    await limits.check_cooldown(ctx.uow, ctx.keys, allowed, now, places.strikes)
    # the list of the one community it can go to; with several, Post applies the chosen one's list
    result = await words.check(ctx, allowed[0] if len(allowed) == 1 else None, cleaned)
    if result.verdict is Verdict.BLOCK:
        await limits.add_strike(ctx.uow, ctx.keys, allowed, now)
        for community in allowed:  # refused for each community it could have gone to
            await stats.count(ctx.uow.stats, community, StatKind.BLOCKED, now)
        return [*care(result), *_rethought(result.categories, blocked=True)]
    # each recent secret's text as stored normalised with it (normalised here if written before that was kept)
    recent = [
        s.normalised if s.normalised is not None else normalise(s.text)
        for s in await authorship.own_secrets(ctx, since=now - DUPLICATE_WINDOW)
    ]
    mine = result.normalised if result.normalised is not None else normalise(cleaned)
    if is_near_duplicate_normalised(mine, recent):
        raise Refused("error.duplicate")
    community_id = allowed[0].id if len(allowed) == 1 else None
    # asked of the platform before the first write (a write holds the database's writer until the commit)
    readers = await audience.shown_readers(ctx, allowed)
    owner_salt, owner_tag = authorship.new_owner(ctx)
    draft = await ctx.uow.drafts.add(
        NewDraft(
            owner_salt=owner_salt,
            owner_tag=owner_tag,
            kind=DraftKind.SECRET,
            community_id=community_id,
            text=cleaned,
            verdict=result.verdict,
            reason_categories=result.categories,
            created_at=now,
        )
    )
    ctx.uow.loss_tolerated()  # a preview: lost in a crash of the database's host, the member writes again
    shown: list[Response] = []
    if photo is not None:
        stored = StoredPicture(new_token(), photo.data, photo.width, photo.height)
        await ctx.uow.pictures.add(draft.id, stored, now)
        shown.append(Say(render.preview_picture(ctx.locale, stored)))  # the photo itself, as it will go out
    return [
        *care(result),
        *shown,
        Say(render.preview(ctx.locale, draft, allowed, None, readers, picture=photo is not None)),
    ]


async def _reply_preview(ctx: Context, secret: Secret | None, cleaned: str) -> list[Response]:
    if len(cleaned) > MAX_REPLY_LENGTH:
        raise Refused("error.too_long", length=len(cleaned), limit=MAX_REPLY_LENGTH)
    try:
        reach = await membership.in_reach(ctx, secret)
    except Refused:
        # the thread is gone: stop waiting for a reply
        await set_pending_input(ctx, None)
        raise
    await membership.ensure_not_banned(ctx, reach.community, acting=True)
    now = ctx.now()
    await limits.check_cooldown(ctx.uow, ctx.keys, [reach.community], now)
    result = await words.check(ctx, reach.community, cleaned)
    if result.verdict is Verdict.BLOCK:
        await limits.add_strike(ctx.uow, ctx.keys, [reach.community], now)
        await stats.count(ctx.uow.stats, reach.community, StatKind.BLOCKED, now)
    if result.verdict is not Verdict.ALLOW:
        # A reply is published at once or not at all: held replies would lose their context.
        return [*care(result), *_rethought(result.categories, blocked=result.verdict is Verdict.BLOCK)]
    owner_salt, owner_tag = authorship.new_owner(ctx)
    draft = await ctx.uow.drafts.add(
        NewDraft(
            owner_salt=owner_salt,
            owner_tag=owner_tag,
            kind=DraftKind.REPLY,
            secret_id=reach.secret.id,
            text=cleaned,
            verdict=result.verdict,
            reason_categories=result.categories,
            created_at=now,
        )
    )
    ctx.uow.loss_tolerated()  # a preview: lost in a crash of the database's host, the member writes again
    await set_pending_input(ctx, None)
    author = authorship.wrote(ctx, reach.secret)
    return [
        *care(result),
        Say(render.preview(ctx.locale, draft, (), reach.secret.shown_number, author=author)),
    ]


def _rethought(categories: Sequence[str], *, blocked: bool) -> list[Response]:
    reasons = ", ".join(t(f"reason.{category}") for category in categories)
    return say("filter.blocked" if blocked else "filter.reply_review", reasons=reasons)


def care(result: FilterResult) -> list[Response]:
    """A member writing about their own distress is answered with care and a helpline in their language,
    before anything else (whatever the verdict: the community decides that, not the answer)."""
    if not result.needs_care:
        return []
    return [Say(OutgoingMessage(RichText.plain(care_answer(current_locale.get()))))]


# ----------------------------------------------------------------- the preview's buttons


async def own_open_draft(ctx: Context, draft_id: int) -> Draft:
    draft = await ctx.uow.drafts.get(draft_id)
    if draft is None:  # posted, cancelled or left too long: purged
        raise RefusedBriefly("error.preview_closed")
    if not ctx.keys.drafted(draft.owner_salt, draft.owner_tag):
        raise RefusedBriefly("error.stale")
    if draft.status is DraftStatus.SUBMITTED:
        raise RefusedBriefly("error.already_posted")
    if draft.status is DraftStatus.CANCELLED:
        raise RefusedBriefly("error.already_cancelled")
    return draft


@dataclass(frozen=True)
class _Choices:
    """What the preview offers: the member's communities and their readers, asked of the platform."""

    communities: list[Community]
    readers: Mapping[int, int | None]


async def _choices(ctx: Context) -> _Choices:
    """Asked before the press writes anything: a write holds the database's writer until the commit."""
    communities = await membership.communities_of(ctx)
    return _Choices(communities, await audience.shown_readers(ctx, communities))


async def _edited_preview(ctx: Context, draft_id: int, choices: _Choices) -> list[Response]:
    draft = await ctx.uow.drafts.get(draft_id)
    if draft is None:
        raise RefusedBriefly("error.stale")
    photo = await ctx.uow.pictures.of_draft(draft.id) is not None
    preview = render.preview(ctx.locale, draft, choices.communities, None, choices.readers, picture=photo)
    return [EditPressed(preview)]


async def choose_community(ctx: Context, action: ChooseCommunity) -> list[Response]:
    draft = await own_open_draft(ctx, action.draft)
    community = await membership.member_community(ctx, action.community, briefly=True)
    choices = await _choices(ctx)
    await ctx.uow.drafts.save(replace(draft, community_id=community.id, collection=None))
    # a topic chosen for another community may not exist here: the preview shows none then
    return await _edited_preview(ctx, draft.id, choices)


async def toggle_warning(ctx: Context, action: ToggleWarning) -> list[Response]:
    draft = await own_open_draft(ctx, action.draft)
    choices = await _choices(ctx)
    await ctx.uow.drafts.save(replace(draft, content_warning=not draft.content_warning))
    return await _edited_preview(ctx, draft.id, choices)


async def toggle_notices(ctx: Context, action: ToggleNotices) -> list[Response]:
    draft = await own_open_draft(ctx, action.draft)
    choices = await _choices(ctx)
    await ctx.uow.drafts.save(replace(draft, notify_replies=not draft.notify_replies))
    return await _edited_preview(ctx, draft.id, choices)


async def cycle_topic(ctx: Context, action: CycleTopic) -> list[Response]:
    """The topic button goes through the community's collections, then back to none."""
    draft = await own_open_draft(ctx, action.draft)
    community = await ctx.uow.communities.get(draft.community_id) if draft.community_id else None
    allowed = community.settings.collections if community else ()
    if not allowed:
        raise RefusedBriefly("error.stale")
    options: list[str | None] = [None, *allowed]
    current = options.index(draft.collection) if draft.collection in options else 0
    choices = await _choices(ctx)
    await ctx.uow.drafts.save(replace(draft, collection=options[(current + 1) % len(options)]))
    return await _edited_preview(ctx, draft.id, choices)


async def cancel(ctx: Context, action: Cancel) -> list[Response]:
    draft = await own_open_draft(ctx, action.draft)
    await ctx.uow.drafts.take(draft.id)  # already taken by another press: nothing left to cancel
    return [EditPressed(message("preview.cancelled"))]
