"""``/privacy``: what Murmure keeps about a member, for how long, and who can see what."""

from __future__ import annotations

from bot import delays
from bot.i18n import t
from bot.messages import Response
from bot.reply_notices import NOTICE_LIFETIME, NOTICE_WINDOW_SECONDS
from bot.usecases.communities import DRAFT_LIFETIME, REMOVED_TEXT_WINDOW
from bot.usecases.context import Context, say
from bot.usecases.posting import RETURN_ADDRESS_LIFETIME


async def notice(ctx: Context) -> list[Response]:
    low, high = (bound // 60 for bound in delays.window(delays.DEFAULT_DELAY_SECONDS))
    notice_low, notice_high = (bound // 60 for bound in delays.window(NOTICE_WINDOW_SECONDS))
    place = "privacy.photos_in_folder" if ctx.services.pictures_in_folder else "privacy.photos_in_database"
    return say(
        "privacy.notice",
        draft_hours=int(DRAFT_LIFETIME.total_seconds() // 3600),
        address_days=RETURN_ADDRESS_LIFETIME.days,
        removed_days=REMOVED_TEXT_WINDOW.days,
        low=low,
        high=high,
        photo_place=t(place),
        notice_days=NOTICE_LIFETIME.days,
        notice_low=notice_low,
        notice_high=notice_high,
    )
