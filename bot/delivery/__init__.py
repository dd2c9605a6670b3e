"""Delivering outbox messages: one function per message type, registered by type in its module."""

from bot.delivery import cards, community, members, moderators  # noqa: F401  (importing them registers their deliveries)
from bot.delivery.registry import delivery_of

__all__ = ["delivery_of"]
