"""Bulk-messaging signs: a keyword to text to a short code, a cash prize."""

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
    ],
)
def test_bulk_messaging_is_held_as_spam(text: str) -> None:
    result = default_filter().check(text)
    assert result.verdict is Verdict.REVIEW
    assert "spam" in result.categories


@pytest.mark.parametrize(
    "text", ["I won 3 games in a row", "send it to me by 5 pm", "my rent went up to 900 this year"]
)
def test_ordinary_numbers_are_not_spam(text: str) -> None:
    assert "spam" not in default_filter().check(text).categories
