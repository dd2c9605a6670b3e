"""The minimum audience: a secret goes only where enough people, bots not counted, can read it."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from bot.model import Community
from bot.refusals import Refused
from bot.usecases.context import Context

SHOWN_COUNT_LIFETIME = timedelta(minutes=10)  # counts shown in the chooser; Post always asks afresh
COUNTS_KEPT = 10_000  # communities whose last count is kept in memory, at most (then they start again)


def remember(
    counts: dict[int, tuple[datetime, int | None]], community_id: int, when: datetime, readers: int | None
) -> None:
    """Notes a community's reader count as the platform gave it ``when`` (None: it could not say)."""
    if len(counts) >= COUNTS_KEPT and community_id not in counts:
        counts.clear()
    counts[community_id] = (when, readers)


async def ensure_readers(ctx: Context, community: Community) -> None:
    """Refuses when the community has fewer readers than its minimum, or when they can't be counted. Always
    asks the platform; the count is kept (``Services.reader_counts``), so that the card going out right after
    Post is not counted again (``bot.delivery.cards.READERS_FRESH``)."""
    readers = await ctx.services.directories[community.platform].reader_count(community.chat_ref)
    remember(ctx.services.reader_counts, community.id, ctx.now(), readers)
    if readers is None:
        raise Refused("error.readers_unknown", community=community.title)
    if readers < community.settings.min_members:
        raise Refused(
            "error.too_few_members", community=community.title, minimum=community.settings.min_members
        )


async def shown_readers(ctx: Context, communities: Sequence[Community]) -> Mapping[int, int | None]:
    """Readers of each community, for the chooser to tell same-titled groups apart (a trap group with
    the title of a real one shows its few readers); asked together, kept a few minutes in memory."""
    now = ctx.now()
    cache = ctx.services.reader_counts
    stale = [c for c in communities if c.id not in cache or now - cache[c.id][0] > SHOWN_COUNT_LIFETIME]

    async def count(community: Community) -> int | None:
        directory = ctx.directory(community.platform)
        return await directory.reader_count(community.chat_ref) if directory else None

    for community, readers in zip(stale, await asyncio.gather(*map(count, stale)), strict=True):
        remember(cache, community.id, now, readers)
    return {c.id: cache[c.id][1] for c in communities}
