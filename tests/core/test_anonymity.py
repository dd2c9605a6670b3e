from __future__ import annotations

from itertools import pairwise

import pytest

from bot.actions import (
    CODES,
    ChooseCommunity,
    ChooseLanguage,
    Moderate,
    Page,
    PostLink,
    React,
    RemoveFor,
    ReplyLink,
    Report,
    ReportLink,
    ReportReplyLink,
    SetMode,
    SetPublic,
    ToggleSubscription,
    actions,
    decode_action,
    decode_link,
)
from bot.anonymity import ANIMALS, COLOURS, TOKEN_ALPHABET, TOKEN_LENGTH, Anonymizer, Sealer, new_token
from bot.model import FeedKind, ModerationMode, ModOperation, Reaction, ReportReason, Token


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


TOKEN = Token("k3x9q0z7m2p8w4r6t1y5")


def test_buttons_round_trip_with_stable_codes_and_reject_forgeries() -> None:
    for action in (
        React(TOKEN, Reaction.SAD),
        Report(new_token(), ReportReason.PERSONAL_INFO),
        Moderate(3, ModOperation.BAN_FOREVER),
        RemoveFor(3, ReportReason.SPAM),
        Page(FeedKind.TOP, 2),
        SetMode(4, ModerationMode.REVIEW),
        SetPublic(4, True),
        ChooseLanguage("fr"),
        ToggleSubscription("love"),
        ChooseCommunity(2**31 - 1, 0),
    ):
        assert decode_action(action.encode()) == action
        assert len(action.encode().encode()) <= 64  # Telegram's callback data limit
    # the codes on live buttons: reordering or renaming an enum changes none of them
    assert React(TOKEN, Reaction.SAD).encode() == f"2:react:{TOKEN}:s"
    assert Moderate(3, ModOperation.BAN_FOREVER).encode() == "2:mod:3:bf"
    assert Page(FeedKind.LATEST, 0).encode() == "2:feed:new:0"
    forged = (
        "",
        "1:react:12:3",
        f"2:react:{TOKEN}",
        "2:react:12:s",  # a database id: never read from a button
        f"2:react:{TOKEN[:-1]}:s",
        f"2:react:{TOKEN.upper()}:s",
        f"2:react:{TOKEN}:z",
        "2",
        "2:nope:1",
    )
    for data in (
        *forged,
        f"2:react:{TOKEN}9:s",
        f"2:react:{TOKEN}:s:1",
        "2:setpublic:1:2",
    ):
        assert decode_action(data) is None


def test_every_enum_value_on_a_button_has_its_own_code() -> None:
    for enum, codes in CODES.items():
        assert set(codes) == set(enum)
        assert len(set(codes.values())) == len(codes)
    assert len(actions()) == 22  # every type registered, each under its own code (a duplicate can't import)


def test_deep_links_round_trip_and_reject_forgeries() -> None:
    for link in (ReplyLink(TOKEN), ReportLink(new_token()), ReportReplyLink(42), PostLink(7)):
        assert decode_link(link.encode()) == link
    assert ReplyLink(TOKEN).encode() == f"reply_{TOKEN}"
    for payload in (
        "",
        "reply",
        "reply_",
        "reply_x",
        "reply_42",
        f"reply_{TOKEN}_2",
        f"unknown_{TOKEN}",
        "post_x",
    ):
        assert decode_link(payload) is None


def test_tokens_are_random_and_order_nothing() -> None:
    tokens = [new_token() for _ in range(2000)]
    assert len(set(tokens)) == len(tokens)
    assert all(len(token) == TOKEN_LENGTH and set(token) <= set(TOKEN_ALPHABET) for token in tokens)
    ascending = sum(a < b for a, b in pairwise(tokens))
    assert 900 < ascending < 1100  # about half: no order to read (a counter would give 1999)
