"""Each outbox message type has one stable code and one delivery function."""

from __future__ import annotations

from typing import get_args

from bot.delivery import delivery_of
from bot.outbox import MESSAGE_TYPES, OutboxMessage


def test_every_message_type_has_a_unique_code_and_a_delivery() -> None:
    types = get_args(OutboxMessage)
    assert len(MESSAGE_TYPES) == len(types)
    for message_type in types:
        assert MESSAGE_TYPES[message_type.kind] is message_type
        assert delivery_of(message_type.__new__(message_type)) is not None, message_type.__name__
