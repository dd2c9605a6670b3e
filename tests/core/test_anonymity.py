from __future__ import annotations

import pytest

from bot.anonymity import ANIMALS, COLOURS, Anonymizer, Sealer
from bot.messages import Action


def test_author_keys_depend_on_the_pepper_and_the_platform() -> None:
    one, two = Anonymizer(b"1" * 32), Anonymizer(b"2" * 32)
    key = one.author_key("telegram", "42")
    assert len(key) == 64 and set(key) <= set("0123456789abcdef")
    assert key == one.author_key("telegram", "42")
    assert key != two.author_key("telegram", "42")
    assert key != one.author_key("discord", "42")
    with pytest.raises(ValueError, match="pepper"):
        Anonymizer(b"short")


def test_pseudonyms_are_stable_in_a_thread_and_spread_across_threads() -> None:
    anonymizer = Anonymizer(b"p" * 32)
    key = anonymizer.author_key("console", "7")
    assert anonymizer.pseudonym(1, key) == anonymizer.pseudonym(1, key)
    names = {anonymizer.pseudonym(thread, key) for thread in range(200)}
    assert len(names) > 100
    animal, colour = anonymizer.pseudonym(1, key)
    assert animal in ANIMALS and colour in COLOURS


def test_sealed_addresses_open_only_with_the_key_and_the_context() -> None:
    sealer = Sealer(b"k" * 32)
    sealed = sealer.seal("chat-123", "telegram:return")
    assert b"chat-123" not in sealed
    assert sealer.open(sealed, "telegram:return") == "chat-123"
    assert sealer.open(sealed, "discord:return") is None
    assert Sealer(b"x" * 32).open(sealed, "telegram:return") is None
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    assert sealer.open(tampered, "telegram:return") is None
    assert sealer.seal("chat-123", "c") != sealer.seal("chat-123", "c")  # fresh nonce each time


def test_button_data_round_trips_and_rejects_forgeries() -> None:
    action = Action("react", (12, 3))
    assert Action.decode(action.encode()) == action
    assert len(action.encode().encode()) < 64
    for forged in ("", "2:react:1:2", "1:re act:1", "1:react:x", "1:react:-5", "1", "1:react:" + "9" * 30):
        assert Action.decode(forged) is None
