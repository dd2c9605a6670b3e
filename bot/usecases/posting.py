"""Posting: a confirmed draft becomes a secret (published, delayed or held for moderators) or a reply."""

from __future__ import annotations

import itertools
import secrets
from dataclasses import replace
from datetime import timedelta

from bot import delays, limits, render, stats
from bot.actions import Post, PostWithoutCrown
from bot.anonymity import new_token, return_context
from bot.i18n import t
from bot.messages import EditPressed, Response, Told
from bot.model import (
    Community,
    Draft,
    DraftKind,
    ModerationMode,
    PicturePolicy,
    QueueCause,
    SecretStatus,
)
from bot.moderation.normalise import normalise
from bot.moderation.verdict import Verdict
from bot.outbox import (
    AcceptedNotice,
    CardDue,
    Outbox,
    OutboxMessage,
    QueueItemDue,
    ReplyDue,
    accepted_key,
)
from bot.records import NewReply, NewSecret, SealedAddress
from bot.refusals import Refused, RefusedBriefly
from bot.stats import StatKind
from bot.usecases import audience, authorship, membership, notices, replies, words
from bot.usecases.context import Context, message
from bot.usecases.writing import own_open_draft

RETURN_ADDRESS_LIFETIME = timedelta(days=7)
PSEUDONYM_ATTEMPTS = 64
# The press's answer (the preview edited to "Sent!") has this long to show before the outbox tells the author
# instead: longer than an edit takes while the platform fails (its retries, then a message in its place).
ACCEPTED_NOTICE_AFTER = timedelta(seconds=30)


async def post(ctx: Context, action: Post | PostWithoutCrown) -> list[Response]:
    await authorship.ready(ctx)  # the sealed list's keys, before anything is written
    draft = await own_open_draft(ctx, action.draft)
    if draft.kind is DraftKind.REPLY:
        return await _post_reply(ctx, draft, crowned=isinstance(action, Post))
    if draft.community_id is None:
        raise RefusedBriefly("preview.choose")
    now = ctx.now()
    # the member's count of the day read with their standing (one query)
    counter = limits.secrets_counter(ctx.keys, draft.community_id, now)
    community, standing = await membership.postable_community(ctx, draft.community_id, counter)
    if standing is not None:
        limits.refuse_over_secret_limit(community, standing.counted)
    else:
        await limits.check_secret_limit(ctx.uow, ctx.keys, community, now)
    await audience.ensure_readers(ctx, community)
    # the chosen community's own word list (a member of several saw a preview made without it)
    listed = await words.check_with_list(ctx, community, draft.text)
    if listed is not None and listed.verdict is Verdict.BLOCK:
        await limits.add_strike(ctx.uow, ctx.keys, [community], now)
        await stats.count(ctx.uow.stats, community, StatKind.BLOCKED, now)
        reasons = ", ".join(t(f"reason.{category}") for category in listed.categories)
        raise Refused("filter.blocked", reasons=reasons)
    if listed is not None and listed.verdict is Verdict.REVIEW and draft.verdict is Verdict.ALLOW:
        draft = replace(draft, verdict=Verdict.REVIEW, reason_categories=listed.categories)
    picture = await ctx.uow.pictures.of_draft(draft.id)
    if picture is not None and community.settings.pictures is PicturePolicy.OFF:
        raise Refused("picture.off", community=community.title)
    cause = await _hold_cause(ctx, community, draft, picture is not None)
    delay = community.settings.publication_delay_seconds
    # With a random publication delay, the number is given when the card goes out: numbers given at the DM
    # would tell the order in which people wrote. Until then (without a delay: until the end of this unit of
    # work) a unique placeholder below zero.
    placeholder = -1 - secrets.randbelow(2**31 - 2)
    salt, tag = authorship.new_author(ctx)
    locator, _ = ctx.keys.own_list()  # (derived: ``authorship.ready`` above)
    # the draft taken (the secret holds the text now: the draft is purged) and the secret added, with the
    # author's list, in one statement on PostgreSQL (one round trip where there were three)
    made = await ctx.uow.secrets.add_from_draft(
        draft.id,
        NewSecret(
            community_id=community.id,
            number=placeholder,
            author_salt=salt,
            author_tag=tag,
            text=draft.text,
            normalised=normalise(draft.text),  # what later duplicate checks compare (not the text again)
            content_warning=draft.content_warning,
            status=SecretStatus.QUEUED if cause is None else SecretStatus.HELD,
            created_at=now,
            author_locale=ctx.locale,
            token=new_token(),
            return_address=SealedAddress(
                ctx.services.sealer.seal(ctx.actor.dm_ref, return_context(ctx.actor.platform, salt)),
                now + RETURN_ADDRESS_LIFETIME,
            ),
            ban_key=authorship.sealed_member_key(
                ctx, community.id, authorship.ban_key_context(salt), authorship.BAN_KEY_WINDOW
            ),
            collection=draft.collection if draft.collection in community.settings.collections else None,
        ),
        locator,
    )
    if made is None:  # another press took the draft
        raise RefusedBriefly("error.already_posted")
    secret, own_list = made
    if picture is not None:  # the draft's photo went with the draft: the secret holds it now, newly named
        await ctx.uow.pictures.add_to_secret(secret.id, replace(picture, token=new_token()), now)
    if draft.notify_replies:
        await notices.subscribe(ctx, secret)
    await authorship.remember(ctx, secret.id, (own_list,))
    outbox = Outbox(ctx.uow, ctx.clock)
    if cause is not None:
        item = await ctx.uow.moderation.add_item(
            community.id, secret.id, cause, ",".join(draft.reason_categories), now
        )
        # moderators' queue items wait too: an item that follows the DM closely would time the author
        due: OutboxMessage = QueueItemDue(item.id)
        key = "post.held"
    else:
        due = CardDue(secret.id)
        key = "post.accepted_later" if delay else "post.accepted"
    low, high = (max(1, bound // 60) for bound in delays.window(delay))
    params = {"community": community.title, "earliest": str(low), "minutes": str(high)}
    # the author is told even if this answer never shows (a stop before the edit, the platform refusing it):
    # the outbox tells them later (the secret's number read then: it is given below), unless the adapter
    # says the answer showed; queued with the card (or the moderators' item), in one statement on PostgreSQL
    notice = AcceptedNotice(secret.id, key, params)
    await outbox.add_all([(due, delays.random_wait(delay)), (notice, ACCEPTED_NOTICE_AFTER)])
    # Last, the two rows each post of the community updates (its count of secrets, the day's statistics): a
    # transaction holds their locks until its commit (PostgreSQL), and the community's other posts wait as
    # long, so no more than the commit and the statement between
    counted = limits.secret_counted(ctx.keys, community, now)  # (the member's limit of the day)
    if delay:
        number = placeholder
        await ctx.uow.members.bump_counter(counted.key, counted.at, counted.expires_at)
        await stats.count(ctx.uow.stats, community, StatKind.POSTED, now)
    else:  # numbered and counted in one statement
        day = stats.local_day(community, now).isoformat()
        number = await ctx.uow.secrets.take_number(secret.id, community.id, posted_day=day, counted=counted)
    if cause is not None:
        await stats.count(ctx.uow.stats, community, StatKind.HELD, now)
    told = Told(accepted_key(secret.id))
    return [EditPressed(message(key, **params, number=str(number)), told=told)]


async def _hold_cause(
    ctx: Context, community: Community, draft: Draft, with_picture: bool
) -> QueueCause | None:
    """Why this secret must wait for a moderator before publication, if it must."""
    if draft.verdict is Verdict.REVIEW:
        return QueueCause.FILTER
    if with_picture and community.settings.pictures is PicturePolicy.REVIEW:
        return QueueCause.PICTURE
    if community.settings.mode is ModerationMode.REVIEW:
        return QueueCause.REVIEW_MODE
    if community.settings.hold_new_authors and not any(
        secret.community_id == community.id for secret in await authorship.own_secrets(ctx)
    ):
        return QueueCause.NEW_AUTHOR
    return None


async def _post_reply(ctx: Context, draft: Draft, crowned: bool) -> list[Response]:
    if draft.secret_id is None:
        raise RefusedBriefly("error.stale")
    reach = await membership.in_reach(ctx, await ctx.uow.secrets.get(draft.secret_id))
    await membership.ensure_not_banned(ctx, reach.community)
    now = ctx.now()
    await limits.check_reply_limit(ctx.uow, ctx.keys, reach.community, now)
    if not await ctx.uow.drafts.take(draft.id):
        raise RefusedBriefly("error.already_posted")
    by_author = authorship.wrote(ctx, reach.secret)
    thread_key = ctx.keys.thread(draft.secret_id)
    if by_author and not crowned:
        # the author's choice: no 👑, under a pseudonym of its own that nothing ties to their crowned replies
        by_author, thread_key = False, ctx.keys.uncrowned_thread(draft.secret_id)
    pseudonym = await _pseudonym_in(ctx, draft.secret_id, thread_key)
    reply = await ctx.uow.replies.add(
        NewReply(
            secret_id=draft.secret_id,
            thread_key=thread_key,
            text=draft.text,
            pseudonym=pseudonym,
            by_author=by_author,
            created_at=now,
            ban_key=authorship.sealed_member_key(
                ctx,
                reach.community.id,
                authorship.reply_ban_key_context(thread_key, now),
                authorship.BAN_KEY_WINDOW,
            ),
            token=new_token(),
        )
    )
    await limits.count_reply(ctx.uow, ctx.keys, reach.community, now)
    await authorship.remember_thread(ctx, draft.secret_id)
    delay = reach.community.settings.publication_delay_seconds
    # the reply waits like a card; its count on the card and its points follow once it is out
    await Outbox(ctx.uow, ctx.clock).add(ReplyDue(reply.id), delay=delays.random_wait(delay))
    label = render.pseudonym_label(ctx.locale, reply.pseudonym, by_author)
    key = "reply.posted_later" if delay else "reply.posted"
    low, high = (max(1, bound // 60) for bound in delays.window(delay))
    posted = message(key, number=reach.secret.shown_number, pseudonym=label, earliest=low, minutes=high)
    return [EditPressed(replace(posted, buttons=((replies.delete_button(reply),),)))]


async def _pseudonym_in(ctx: Context, thread_id: int, thread_key: str) -> str:
    """The member's name in this thread: the one they have, or a new one no one else there has (claimed
    under a unique constraint, so two members replying at once can't get the same)."""
    existing = await ctx.uow.replies.pseudonym_of(thread_id, thread_key)
    if existing is not None:
        return existing
    for attempt in range(PSEUDONYM_ATTEMPTS):
        animal, colour = ctx.services.anonymizer.pseudonym(thread_key, attempt)
        if await ctx.uow.replies.claim_pseudonym(thread_id, thread_key, f"{animal}:{colour}"):
            return f"{animal}:{colour}"
    for number in itertools.count(2):  # a crowded thread: numbered names ("Amber fox 2")
        name = f"{animal}:{colour}:{number}"
        if await ctx.uow.replies.claim_pseudonym(thread_id, thread_key, name):
            return name
    raise AssertionError("unreachable")
