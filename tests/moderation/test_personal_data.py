from __future__ import annotations

import re
import string
import sys

import pytest

from bot.moderation.personal_data import find_handles, find_personal_data, folded, is_valid_iban


def _found(text: str) -> list[tuple[str, str]]:
    return [(reason.category, reason.match) for reason in find_personal_data(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call me at 06 12 34 56 78", ("phone", "06 12 34 56 78")),
        ("mon num: +33 6 12 34 56 78", ("phone", "+33 6 12 34 56 78")),
        ("text 212-555-0187 anytime", ("phone", "212-555-0187")),
        ("ring +44 7911 123456", ("phone", "+44 7911 123456")),
        ("appelle le +32 470 12 34 56", ("phone", "+32 470 12 34 56")),
        ("my email is john.doe@gmail.com.", ("email", "john.doe@gmail.com")),
        ("follow @julie_m99 now", ("handle", "@julie_m99")),
        ("son insta : lucie.parker.22", ("handle", "insta : lucie.parker.22")),
        # the platform's name in capitals, or with the dotless "ı" that matches "i" without folding to it
        ("add my SNAPCHAT -> tommy_k99", ("handle", "SNAPCHAT -> tommy_k99")),
        ("her TikTok is lea.mrtn_", ("handle", "TikTok is lea.mrtn_")),
        ("ınsta: bob_99", ("handle", "ınsta: bob_99")),
        ("see https://t.me/abc", ("url", "https://t.me/abc")),
        ("go to www.site.fr/x", ("url", "www.site.fr/x")),
        ("GO TO WWW.SITE.FR/x", ("url", "WWW.SITE.FR/x")),  # "www" in any case
        ("join t.me/abc now", ("url", "t.me/abc")),
        ("answers on examleaks.net go", ("url", "examleaks.net")),
        ("IBAN FR76 3000 6000 0112 3456 7890 189 merci", ("iban", "FR76 3000 6000 0112 3456 7890 189")),
        ("pay GB82 WEST 1234 5698 7654 32", ("iban", "GB82 WEST 1234 5698 7654 32")),
        ("il habite 12 rue de la Paix", ("address", "12 rue de la Paix")),
        ("221B Baker Street", ("address", "221B Baker Street")),
        ("au 5 avenue Foch", ("address", "5 avenue Foch")),
        ("10 Downing St", ("address", "10 Downing St")),
        ("5 place Bellecour", ("address", "5 place Bellecour")),
    ],
)
def test_finds_personal_data(text: str, expected: tuple[str, str]) -> None:
    assert expected in _found(text)


@pytest.mark.parametrize(
    "text",
    [
        "I was born in 1998 and I have 2 kids",
        "I paid 3.50 for a coffee, e.g. a latte, etc.",
        "I hated.It was bad",
        "j'ai fait 20 cours de piano",
        "I walked 2 blocks down the road",
        "il reste 3 places",
        "the score was 12-34-56",
        "FR76 3000 6000 0112 3456 7890 188",
        "an email like someone@ without domain",
    ],
)
def test_finds_nothing_in_ordinary_text(text: str) -> None:
    assert _found(text) == []


def test_iban_checksum() -> None:
    assert is_valid_iban("FR7630006000011234567890189")
    assert not is_valid_iban("FR7630006000011234567890188")
    assert not is_valid_iban("FR76300060000112345678901")  # wrong length for France


def test_email_is_not_also_a_handle() -> None:
    assert _found("write to kevin.brown@outlook.com") == [("email", "kevin.brown@outlook.com")]


def test_a_platform_handle_written_with_a_turkish_dotted_capital_i_is_found() -> None:
    # "İ" matches "i" case-insensitively, as the handle patterns read it; the quick look before them must too
    for text in ("İnsta: lea.mrtn_99", "TİKTOK is tommy_k99", "ınsta: lea.mrtn_99"):
        assert find_handles(text), text


def test_every_letter_matching_an_ascii_letter_case_insensitively_folds_to_it() -> None:
    ascii_letter = re.compile("[a-z]", re.IGNORECASE)
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if ascii_letter.fullmatch(char):
            (letter,) = [x for x in string.ascii_lowercase if re.fullmatch(x, char, re.IGNORECASE)]
            assert folded(char) == letter, hex(code)
