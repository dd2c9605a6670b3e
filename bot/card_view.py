"""A card as it shows now, rendered from the database: by the delivery that posts or edits it, and by the
answer to a press on the card that edits it in place (the same render, so that the two compare)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot import render
from bot.messages import OutgoingMessage
from bot.model import Community, ReactionCounts, Secret, SecretStatus
from bot.ports import UnitOfWork


@dataclass(frozen=True)
class CardFigures:
    """What a card without a photo shows, as read in a transaction: rendered after its commit (``message``),
    so that the transaction holds the database's writer no longer than its reads and writes take."""

    locale: str
    secret: Secret
    counts: ReactionCounts
    replies: int

    def message(self) -> OutgoingMessage:
        return render.card(self.locale, _shown(self.secret), self.counts, self.replies)


async def card_message(
    uow: UnitOfWork, secret: Secret, community: Community, *, picture: bool = True
) -> OutgoingMessage:
    """The card with its reaction and reply counts; ``picture``: its photo read too (False: a card whose
    photo is not wanted, as when comparing two renders, which leave photos aside)."""
    counts = await uow.reactions.counts(secret.id)
    replies = await uow.replies.count(secret.id)
    stored = await uow.pictures.of_secret(secret.id) if picture else None
    return render.card(community.settings.locale, _shown(secret), counts, replies, stored)


def _shown(secret: Secret) -> Secret:
    """A secret queued for its card shows as published on it."""
    return replace(secret, status=SecretStatus.PUBLISHED) if secret.status is SecretStatus.QUEUED else secret


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
