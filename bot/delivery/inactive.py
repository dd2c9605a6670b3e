"""What waits for a community the bot can't write to (removed from the group, channel access lost).

An accepted secret is never dropped because its community is away for a while: its card, and the replies
under it, wait for the community to come back (the bot added again, the channel set up again), looked at
again soon at first and less often as it stays away. After ``KEPT`` the card is given up: its author is told
at the sealed return address (which lives 7 days, longer than this) and the secret is erased. The log says
so, with no id of any kind.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.anonymity import return_context
from bot.delivery.context import DeliveryContext, MemberChat, NotYet
from bot.i18n import resolve_locale, t_in
from bot.messages import ChatTarget, OutgoingMessage, RichText
from bot.model import Community, Secret
from bot.ports import UnitOfWork

log = logging.getLogger(__name__)

KEPT = timedelta(days=3)  # how long a card waits for its community; below the return address's 7 days
FIRST_RECHECK = timedelta(seconds=5)  # a bot removed and added back soon loses no time either
LAST_RECHECK = timedelta(minutes=10)


def wait_for(community: Community, since: datetime, now: datetime) -> NotYet | None:
    """While the community is away and ``since`` (when the message was written) is recent: when to look
    again; None once it is back, or once it has been away too long."""
    if community.active:
        return None
    age = now - since
    if age >= KEPT:
        return None
    return NotYet(now + min(max(age / 20, FIRST_RECHECK), LAST_RECHECK))


async def give_up_card(
    ctx: DeliveryContext, secret: Secret, community: Community, key: str = "notice.not_published"
) -> None:
    """The community stayed away (or kept refusing the card, ``key`` says which) past ``KEPT``: the author
    is told, then the secret is erased."""
    sealed = await _address(ctx, secret.id)
    context = return_context(community.platform, secret.author_salt)
    address = ctx.sealer.open(sealed, context) if sealed else None
    if address is not None:
        locale = resolve_locale(None, secret.author_locale)
        text = RichText.plain(t_in(locale, key, community=community.title, days=KEPT.days))

        async def record(uow: UnitOfWork, _: str, __: int | None) -> bool:
            await uow.secrets.erase(secret.id)  # told: erased with the telling, never told twice
            return False

        await ctx.send(MemberChat(), ChatTarget(community.platform, address), OutgoingMessage(text), record)
    else:
        async with ctx.db.unit_of_work() as uow:
            await uow.secrets.erase(secret.id)
            await uow.commit()
    log.warning("a card was given up after %s days without being posted; its author was told", KEPT.days)


async def _address(ctx: DeliveryContext, secret_id: int) -> bytes | None:
    async with ctx.db.unit_of_work() as uow:
        return await uow.secrets.return_address(secret_id, ctx.clock.now())
