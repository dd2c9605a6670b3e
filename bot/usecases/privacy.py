"""``/privacy``: what Murmure keeps about a member, for how long, and who can see what."""

from __future__ import annotations

from bot import delays
from bot.messages import Response
from bot.usecases.communities import DRAFT_LIFETIME, REMOVED_TEXT_WINDOW
from bot.usecases.context import Context, say
from bot.usecases.posting import RETURN_ADDRESS_LIFETIME


async def notice(ctx: Context) -> list[Response]:
    low, high = (bound // 60 for bound in delays.window(delays.DEFAULT_DELAY_SECONDS))
    return say(
        "privacy.notice",
        draft_hours=int(DRAFT_LIFETIME.total_seconds() // 3600),
        address_days=RETURN_ADDRESS_LIFETIME.days,
        removed_days=REMOVED_TEXT_WINDOW.days,
        low=low,
        high=high,
    )
