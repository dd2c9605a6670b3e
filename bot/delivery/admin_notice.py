"""A notice to a community's admins sent once per period by all the bot's processes together: claimed in
the database before it goes (the first to claim it sends it), so that restarts and other processes don't
repeat it. A notice whose send then fails is not tried again within its period: one missing is the lesser
harm than one repeated at every restart."""

from __future__ import annotations

from datetime import timedelta

from bot.delivery.context import DeliveryContext

CLAIMS_KEPT = timedelta(days=7)  # longer than any notice's period


async def claim(ctx: DeliveryContext, community_id: int, kind: str, period: str) -> bool:
    """Whether this process sends the community's notice ``kind`` for ``period`` (committed at once)."""
    async with ctx.db.unit_of_work() as uow:
        claimed = await uow.communities.claim_admin_notice(community_id, kind, period, ctx.clock.now())
        await uow.commit()
    return claimed
