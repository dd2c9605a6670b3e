"""Bulk-messaging signs: a keyword to text to a short code, a cash prize, premium-rate small print."""

from __future__ import annotations

import pytest

from bot.moderation import Verdict, default_filter


@pytest.mark.parametrize(
    "text",
    [
        "Quiz! txt D E or F to 84025 NOW for a chance",
        "Claim your £100 voucher today",
        "Tapez GAGNE au 81212 maintenant",
        "Vous avez gagné 500 euros",
        "New tones every week, 150p/msg",
        "Great offers inside. T&Cs apply",
        "Your weekly update is here. Reply STOP to end",
        "Write to PO Box 4217 for details",
        "FreeMsg: your bonus is awaiting collection",
        "You have been awarded a cash prize, valid 12hrs",
    ],
)
def test_bulk_messaging_is_held_as_spam(text: str) -> None:
    result = default_filter().check(text)
    assert result.verdict is Verdict.REVIEW
    assert "spam" in result.categories


@pytest.mark.parametrize(
    "text",
    [
        "I won 3 games in a row",
        "send it to me by 5 pm",
        "my rent went up to 900 this year",
        "the bus fare went up to 50p",
        "I had to stop to think about it",
        "I was awarded a prize at school and it felt great",
        "my phone costs 10 pounds a month",
    ],
)
def test_ordinary_numbers_are_not_spam(text: str) -> None:
    assert "spam" not in default_filter().check(text).categories
