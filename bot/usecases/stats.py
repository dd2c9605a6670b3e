"""``/stats`` for a community's admins: the figures of the last 7 and 30 days as a chart (PNG) and as text
(for screen readers), answered privately."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.i18n import t
from bot.messages import Document, OutgoingMessage, Response, RichText, Say
from bot.stats import KINDS, MONTH, WEEK, ChartLabels, Figures, figures, local_day
from bot.usecases import sanctions
from bot.usecases.context import Context

CHART_NAME = "murmure-stats.png"


def text_of(stats: Figures) -> str:
    lines = [t("stats.title", community=stats.community)]
    for kind in KINDS:
        lines.append(
            t(
                "stats.line",
                kind=t(f"stats.kind.{kind.value}"),
                week=stats.total(kind, WEEK),
                month=stats.total(kind, MONTH),
            )
        )
    lines.append(t("stats.by_day"))
    for day in stats.days[-WEEK:]:
        counts = " · ".join(f"{t(f'stats.kind.{kind.value}')} {day.of(kind)}" for kind in KINDS)
        lines.append(f"{day.day.isoformat()}: {counts}")
    return "\n".join(lines)


def labels() -> ChartLabels:
    return ChartLabels(
        t("stats.chart_title"),
        t("stats.week"),
        t("stats.month"),
        tuple(t(f"stats.kind.{kind.value}") for kind in KINDS),
    )


async def figures_of(ctx: Context, community_id: int) -> Figures | None:
    community = await ctx.uow.communities.get(community_id)
    if community is None:
        return None
    today = local_day(community, ctx.now())
    first = (today - timedelta(days=MONTH - 1)).isoformat()
    return figures(community, await ctx.uow.stats.since(community.id, first), today)


async def show(ctx: Context, chat_ref: str) -> list[Response]:
    community = await sanctions.community_here(ctx, chat_ref)
    stats = await figures_of(ctx, community.id)
    assert stats is not None
    text = RichText.plain(text_of(stats))
    charts = ctx.services.charts
    if charts is None:
        return [Say(OutgoingMessage(text))]
    # drawn in a worker thread: a chart takes a fifth of a second (a second the first time), which the
    # event loop must not wait for while other members' events and the platforms' deadlines run
    png = await asyncio.to_thread(charts.render, stats, labels())
    chart = Document(CHART_NAME, png, "image/png")
    return [
        Say(OutgoingMessage(RichText.plain("📊 " + t("stats.chart_title")), document=chart)),
        Say(OutgoingMessage(text)),
    ]
