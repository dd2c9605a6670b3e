from __future__ import annotations

from itertools import pairwise

import pytest

from bot import own_list
from bot.actions import (
    CODES,
    ChooseCommunity,
    ChooseLanguage,
    ChooseSetting,
    Moderate,
    OpenSetting,
    Page,
    PostLink,
    React,
    RemoveFor,
    ReplyLink,
    Report,
    ReportLink,
    ReportReplyLink,
    SettingsHome,
    ToggleSubscription,
    actions,
    decode_action,
    decode_link,
)
from bot.anonymity import (
    ANIMALS,
    COLOURS,
    TOKEN_ALPHABET,
    TOKEN_LENGTH,
    Anonymizer,
    Sealer,
    new_salt,
    new_token,
)
from bot.model import FeedKind, ModOperation, Reaction, ReportReason, Token


def _hex_key(key: str) -> bool:
    return len(key) == 64 and set(key) <= set("0123456789abcdef")


def test_scoped_keys_depend_on_the_pepper_the_platform_and_the_scope() -> None:
    one, two = Anonymizer(b"1" * 32), Anonymizer(b"2" * 32)
    keys = one.keys("telegram", "42")
    every = [
        keys.member(1), keys.member(2), keys.moderator(1), keys.thread(1), keys.thread(2), keys.reaction(1),
        keys.report(1), keys.period("secrets", 1, "2026-12-01T00"), keys.period("secrets", 1, "2026-12-02T00"),
        keys.period("replies", 1, "2026-12-01T00"), keys.preference(), keys.pending(),
        keys.author_tag(b"s" * 16), keys.author_tag(b"t" * 16), keys.draft_tag(b"s" * 16),
    ]  # fmt: skip
    assert all(_hex_key(key) for key in every)
    assert len(set(every)) == len(every)  # a label and a scope of its own each: nothing shared
    assert keys.member(1) == one.keys("telegram", "42").member(1)  # stable
    assert keys.member(1) != two.keys("telegram", "42").member(1)
    assert keys.member(1) != one.keys("discord", "42").member(1)
    assert keys.member(1) != one.keys("telegram", "43").member(1)
    with pytest.raises(ValueError, match="pepper"):
        Anonymizer(b"short")


def test_is_it_mine_is_recomputed_from_the_salt() -> None:
    anonymizer = Anonymizer(b"p" * 32)
    mine, theirs = anonymizer.keys("console", "1"), anonymizer.keys("console", "2")
    salt = new_salt()
    tag = mine.author_tag(salt)
    assert mine.wrote(salt, tag) and not theirs.wrote(salt, tag)
    assert not mine.wrote(new_salt(), tag)
    assert mine.author_tag(new_salt()) != tag  # two secrets of one author share no tag


def test_own_lists_open_only_for_their_person_and_hide_their_size() -> None:
    anonymizer = Anonymizer(b"p" * 32)
    locator, key = anonymizer.keys("console", "1").own_list()
    other_locator, other_key = anonymizer.keys("console", "2").own_list()
    assert _hex_key(locator) and locator != other_locator
    assert Anonymizer(b"q" * 32).keys("console", "1").own_list()[0] != locator
    short, long = own_list.seal([7], key, locator), own_list.seal(list(range(1, 1000)), key, locator)
    assert len(short) == len(long) == own_list.SEALED_SIZE
    assert own_list.open_list(short, key, locator) == [7]
    assert own_list.open_list(long, key, locator) == list(range(1000 - own_list.CAPACITY, 1000))
    assert own_list.open_list(short, other_key, locator) is None
    assert own_list.open_list(short, key, other_locator) is None  # bound to its row
    assert own_list.seal([7], key, locator) != short  # fresh nonce each time


def test_pseudonyms_are_stable_in_a_thread_and_spread_across_threads() -> None:
    anonymizer = Anonymizer(b"p" * 32)
    keys = anonymizer.keys("console", "7")
    assert anonymizer.pseudonym(keys.thread(1)) == anonymizer.pseudonym(keys.thread(1))
    names = {anonymizer.pseudonym(keys.thread(thread)) for thread in range(200)}
    assert len(names) > 100
    animal, colour = anonymizer.pseudonym(keys.thread(1))
    assert animal in ANIMALS and colour in COLOURS


def test_sealed_values_open_only_with_the_key_and_the_context_and_hide_their_length() -> None:
    sealer = Sealer(b"k" * 32)
    sealed = sealer.seal("chat-123", "telegram:return")
    assert b"chat-123" not in sealed
    assert sealer.open(sealed, "telegram:return") == "chat-123"
    assert sealer.open(sealed, "discord:return") is None
    assert Sealer(b"x" * 32).open(sealed, "telegram:return") is None
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    assert sealer.open(tampered, "telegram:return") is None
    assert sealer.seal("chat-123", "c") != sealer.seal("chat-123", "c")  # fresh nonce each time
    assert len(sealer.seal("1", "c")) == len(sealer.seal("-1001234567890123", "c")) == len(sealed)
    assert len(sealer.seal("f" * 64, "c")) == len(sealed)  # a community key seals to the same length


TOKEN = Token("k3x9q0z7m2p8w4r6t1y5")


def test_buttons_round_trip_with_stable_codes_and_reject_forgeries() -> None:
    for action in (
        React(TOKEN, Reaction.SAD),
        Report(new_token(), ReportReason.PERSONAL_INFO),
        Moderate(TOKEN, ModOperation.BAN_FOREVER),
        RemoveFor(TOKEN, ReportReason.SPAM),
        Page(FeedKind.TOP, 2),
        ChooseSetting(4, "report_threshold", 20),
        OpenSetting(4, "hold_new_authors"),
        SettingsHome(2**31 - 1),
        ChooseLanguage("fr"),
        ToggleSubscription("love"),
        ChooseCommunity(2**31 - 1, 0),
    ):
        assert decode_action(action.encode()) == action
        assert len(action.encode().encode()) <= 64  # Telegram's callback data limit
    # the codes on live buttons: reordering or renaming an enum changes none of them
    assert React(TOKEN, Reaction.SAD).encode() == f"2:react:{TOKEN}:s"
    assert Moderate(TOKEN, ModOperation.BAN_FOREVER).encode() == f"2:mod:{TOKEN}:bf"
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
    assert len(actions()) == 29  # every type registered, each under its own code (a duplicate can't import)


def test_deep_links_round_trip_and_reject_forgeries() -> None:
    for link in (ReplyLink(TOKEN), ReportLink(new_token()), ReportReplyLink(new_token()), PostLink(7)):
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
