"""A card as it shows now, rendered from the database: by the delivery that posts or edits it, and by the
answer to a press on the card that edits it in place (the same render, so that the two compare)."""

from __future__ import annotations

from dataclasses import replace

from bot import render
from bot.messages import OutgoingMessage
from bot.model import Community, Secret, SecretStatus
from bot.ports import UnitOfWork


async def card_message(
    uow: UnitOfWork, secret: Secret, community: Community, *, picture: bool = True
) -> OutgoingMessage:
    """The card with its reaction and reply counts; ``picture``: its photo read too (False: a card whose
    photo is not wanted, as when comparing two renders, which leave photos aside)."""
    counts = await uow.reactions.counts(secret.id)
    replies = await uow.replies.count(secret.id)
    stored = await uow.pictures.of_secret(secret.id) if picture else None
    shown = replace(secret, status=SecretStatus.PUBLISHED) if secret.status is SecretStatus.QUEUED else secret
    return render.card(community.settings.locale, shown, counts, replies, stored)


async def current_card(uow: UnitOfWork, secret_id: int) -> OutgoingMessage | None:
    """The card of that secret as it would show now, photo aside; None if there is nothing to show (the
    secret gone, its community gone or off)."""
    secret = await uow.secrets.get(secret_id)
    community = await uow.communities.get(secret.community_id) if secret else None
    if secret is None or community is None or not community.active:
        return None
    return await card_message(uow, secret, community, picture=False)


def same_card(one: OutgoingMessage, other: OutgoingMessage) -> bool:
    """Whether two renders of a card show the same, photos aside (one is uploaded only when it changes)."""
    return replace(one, picture=None) == replace(other, picture=None)
