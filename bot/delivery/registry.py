"""One delivery function per outbox message type, looked up by the message's type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from bot.delivery.context import DeliveryContext
from bot.outbox import OutboxMessage

M = TypeVar("M", bound=OutboxMessage)
Delivery = Callable[[DeliveryContext, M], Awaitable[None]]

_DELIVERIES: dict[type[Any], Delivery[Any]] = {}


def delivers(message_type: type[M]) -> Callable[[Delivery[M]], Delivery[M]]:
    """Registers the decorated function as the delivery of ``message_type``."""

    def register(delivery: Delivery[M]) -> Delivery[M]:
        if message_type in _DELIVERIES:
            raise ValueError(f"{message_type.__name__} already has a delivery")
        _DELIVERIES[message_type] = delivery
        return delivery

    return register


def delivery_of(message: OutboxMessage) -> Delivery[OutboxMessage] | None:
    return _DELIVERIES.get(type(message))
