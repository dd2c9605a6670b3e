"""One delivery function per outbox message type, looked up by the message's type, with the chat it
writes to when that chat sets the order (``lane``); without one, each message goes out on its own."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from bot.delivery.context import Chat, DeliveryContext
from bot.delivery.lanes import Lanes
from bot.outbox import OutboxMessage

M = TypeVar("M", bound=OutboxMessage)
Deliver = Callable[[DeliveryContext, M], Awaitable[None]]
FindLane = Callable[[Lanes, M], Awaitable[Chat | None]]


@dataclass(frozen=True)
class Delivery(Generic[M]):
    deliver: Deliver[M]
    lane: FindLane[M] | None


_DELIVERIES: dict[type[Any], Delivery[Any]] = {}


def delivers(message_type: type[M], lane: FindLane[M] | None = None) -> Callable[[Deliver[M]], Deliver[M]]:
    """Registers the decorated function as the delivery of ``message_type``."""

    def register(deliver: Deliver[M]) -> Deliver[M]:
        if message_type in _DELIVERIES:
            raise ValueError(f"{message_type.__name__} already has a delivery")
        _DELIVERIES[message_type] = Delivery(deliver, lane)
        return deliver

    return register


def delivery_of(message: OutboxMessage) -> Delivery[Any] | None:
    return _DELIVERIES.get(type(message))
