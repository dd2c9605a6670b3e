"""Reactions on cards, and reports: weighted, past the community's threshold they hide the card at once."""

from __future__ import annotations

from datetime import timedelta

from bot import card_checks, ranking, render
from bot.actions import React, Report, ReportLink
from bot.card_view import CardFigures
from bot.messages import CardAnswer, EditPressed, Response, Say
from bot.model import Community
from bot.outbox import CardRefresh, Outbox
from bot.records import NewReport
from bot.usecases import authorship, membership, reporting
from bot.usecases.context import Context, alert, message

NEW_MEMBER_AGE = timedelta(days=7)
# How long the refresh of a card answered in place waits before the outbox edits the card anyway (the process
# died before it knew whether its answer showed): past Discord's 3 s for an answer, and the check after it.
CARD_ANSWER_HELD = timedelta(seconds=6)


def reporter_weight(new_member: bool, upheld: int, rejected: int) -> float:
    """How much one report counts toward a community's threshold.

    1 for an established member, 0.25 for one who joined less than a week ago (a few fresh accounts can't
    hide a secret); +0.25 for each past report moderators upheld (up to 4), -0.5 for each they rejected (up
    to 4); never below 0.1 nor above 2.
    """
    base = 0.25 if new_member else 1.0
    return max(0.1, min(2.0, base + 0.25 * min(upheld, 4) - 0.5 * min(rejected, 4)))


async def react(ctx: Context, action: React, pressed: str | None = None) -> list[Response]:
    """A reaction toggled. ``pressed``: the message whose button was pressed, from a platform that can edit
    it in the press's answer (Discord): when it is the card itself (without a photo), the answer is the card
    with its new counts, and the outbox's refresh of it is held back in case that answer doesn't show
    (``Murmure.card_answered`` calls it off, or refreshes the card if another change came in between)."""
    reach = await membership.acting_in_reach(ctx, action.secret, briefly=True)
    secret = reach.secret
    in_place = pressed is not None and pressed == secret.card_ref and not secret.picture
    # read before the first write, which makes the transaction the database's one writer (SQLite) until its
    # commit; a reply written meanwhile is seen by the check once the answer is in (Murmure.card_answered)
    replies = await ctx.uow.replies.count(secret.id) if in_place else 0
    # the reaction toggled and the secret's points moved with it (one statement on PostgreSQL)
    key, points = ctx.keys.reaction(secret.id), ranking.REACTION_POINTS
    added = await ctx.uow.reactions.toggle(secret.id, key, action.reaction, points)
    # a toggle lost in a crash of the database's host breaks no promise: its commit need not wait for the disk
    ctx.uow.loss_tolerated()
    if in_place:
        counts = await ctx.uow.reactions.counts(secret.id)
        entry = await ctx.uow.outbox.hold(CardRefresh(secret.id), ctx.clock.now() + CARD_ANSWER_HELD)
        figures = CardFigures(reach.community.settings.locale, secret, counts, replies)
        # rendered once the transaction is over (the answer is sent after the commit anyway)
        ctx.after_commit.append(
            lambda: EditPressed(figures.message(), card=CardAnswer(secret.id, entry, card_checks.mark()))
        )
        return []
    await Outbox(ctx.uow, ctx.clock).add(CardRefresh(secret.id))
    return alert("react.added" if added else "react.removed", emoji=action.reaction.emoji)


async def begin_report(ctx: Context, link: ReportLink) -> list[Response]:
    """A card's Report link: the reasons, privately."""
    reach = await membership.secret_in_reach(ctx, link.secret)
    await membership.ensure_not_banned(ctx, reach.community, acting=True)
    return [Say(render.report_reasons(ctx.locale, reach.secret))]


async def report(ctx: Context, action: Report) -> list[Response]:
    reach = await membership.secret_in_reach(ctx, action.secret)
    await membership.ensure_not_banned(ctx, reach.community, acting=True)
    # a moderator's report is a request for a decision, not one vote among others
    by_moderator = await membership.is_admin(ctx, reach.community)
    weight = 0.0 if by_moderator else await weight_of(ctx, reach.community)
    reporter_key = ctx.keys.report(reach.secret.id)
    sealed = authorship.sealed_member_key(
        ctx, reach.community.id, authorship.reporter_key_context(reporter_key), authorship.REPORTER_KEY_WINDOW
    )
    report = NewReport(reach.secret.id, reporter_key, action.reason, weight, ctx.now(), sealed)
    if not await ctx.uow.reports.add(report):
        return [EditPressed(message("report.already"))]
    await ctx.uow.secrets.add_points(reach.secret.id, ranking.REPORT_POINTS * weight)
    key = await reporting.after_report(
        ctx, reach.community, reach.secret, action.reason, by_moderator=by_moderator
    )
    return [EditPressed(message(key, community=reach.community.title))]


async def weight_of(ctx: Context, community: Community) -> float:
    directory = ctx.directory(community.platform)
    joined = await directory.joined_at(community.chat_ref, ctx.actor.user_id) if directory else None
    key = ctx.keys.member(community.id)
    joined = joined or await ctx.uow.members.joined_at(key, community.id)
    # Unknown means there before the bot (or never seen joining): established.
    new_member = joined is not None and ctx.now() - joined < NEW_MEMBER_AGE
    record = await ctx.uow.reports.record_of(key, community.id)
    return reporter_weight(new_member, record.upheld, record.rejected)


async def judge_reports(ctx: Context, community: Community, secret_id: int, upheld: bool) -> None:
    """A moderator judged a secret that reports brought to them: each reporter's record (in this community)
    counts it, through the community key sealed on their report, which is erased then."""
    for reporter in await ctx.uow.reports.sealed_reporters(secret_id, ctx.now()):
        key = ctx.services.sealer.open(
            reporter.sealed, authorship.reporter_key_context(reporter.reporter_key)
        )
        if key is not None:
            await ctx.uow.reports.record_judgement(key, community.id, upheld)
    await ctx.uow.reports.erase_seals(secret_id)
