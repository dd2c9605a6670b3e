"""Swearing that abuses no one passes; swearing at someone does not."""

from __future__ import annotations

import pytest

from bot.moderation import Verdict, default_filter


@pytest.mark.parametrize(
    "text",
    [
        "I told my alarm clock to f*** off",
        "We got to fuck off earlier than usual tonight",
        "fuck this printer, fuck mondays, fuck everything about this office",
        "Why do babies on airplanes never shut the fuck up?",
        "She got the fuck out just before it got really busy",
    ],
)
def test_profanity_that_abuses_no_one_passes(text: str) -> None:
    assert default_filter().check(text).verdict is Verdict.ALLOW


@pytest.mark.parametrize(
    "text",
    ["fuck you", "fuck off", "you should fuck off", "shut the fuck up", "fuck you and your shitty band"],
)
def test_profanity_at_someone_is_still_held(text: str) -> None:
    assert default_filter().check(text).verdict is not Verdict.ALLOW
