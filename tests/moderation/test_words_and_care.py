"""A community's own word list, self-harm verdicts and care answers, incitement blocked."""

from __future__ import annotations

import pytest

from bot.moderation import Verdict, WordList, WordListError, care_answer, default_filter, helpline


def test_a_word_list_only_makes_verdicts_stricter() -> None:
    words = WordList.parse(["block\tsecret sauce", "review\tcoach*", "# comment", ""])
    text_filter = default_filter()
    assert text_filter.check("the secret   sauce is out", words=words).verdict is Verdict.BLOCK
    assert text_filter.check("Coaching tonight", words=words).verdict is Verdict.REVIEW
    held = text_filter.check("you fucking idiot, coach", words=words)
    assert held.verdict is Verdict.BLOCK
    assert {"insult", "words"} <= set(held.categories)
    assert text_filter.check("the secret sauce is out").verdict is Verdict.ALLOW


@pytest.mark.parametrize(
    ("lines", "problem", "line"),
    [
        (["ban\tword"], "unknown_action", 1),
        (["block\tok", "review\t(open"], "bad_term", 2),
        (["block\t" + "x" * 101], "bad_term", 1),
        ([f"review\tword{i}" for i in range(501)], "too_many", 501),
    ],
)
def test_a_bad_word_list_says_which_line(lines: list[str], problem: str, line: int) -> None:
    with pytest.raises(WordListError) as caught:
        WordList.parse(lines)
    assert (caught.value.problem, caught.value.line) == (problem, line)


@pytest.mark.parametrize(
    "text",
    ["I want to die", "i keep thinking about ending my life", "je veux mourir", "j'ai envie d'en finir"],
)
def test_own_distress_is_cared_for_and_the_community_decides_its_verdict(text: str) -> None:
    text_filter = default_filter()
    assert text_filter.check(text).needs_care
    assert text_filter.check(text).verdict is Verdict.REVIEW
    for verdict in Verdict:
        result = text_filter.check(text, self_harm=verdict)
        assert result.verdict is verdict
        assert result.needs_care


@pytest.mark.parametrize(
    "text",
    [
        "you should kill yourself",
        "do everyone a favour and die",
        "nobody would miss you if you died",
        "tu devrais te suicider",
        "personne ne te regretterait si tu crevais",
        "rends service à tout le monde et crève",
        "ouvre-toi les veines",
        "le monde irait mieux sans toi",
        "fais nous plaisir, suicide-toi",
    ],
)
def test_incitement_of_others_to_self_harm_is_blocked_without_care(text: str) -> None:
    result = default_filter().check(text, self_harm=Verdict.ALLOW)
    assert result.verdict is Verdict.BLOCK
    assert not result.needs_care


@pytest.mark.parametrize(
    "text", ["tu devrais te reposer", "you should sleep more", "le monde irait mieux sans guerres"]
)
def test_advice_is_not_incitement(text: str) -> None:
    assert default_filter().check(text).verdict is Verdict.ALLOW


def test_helplines_follow_country_then_language_and_can_be_replaced() -> None:
    assert "3114" in helpline("fr", "FR")
    assert "116 123" in helpline("en", "GB")
    assert "988" in helpline("en", "US")
    assert "143" in helpline("fr", "ch")
    assert "3114" in helpline("fr")
    assert "116 123" in helpline(None)
    assert helpline("fr", "FR", {"FR": "SOS Amitié 09 72 39 40 50"}) == "SOS Amitié 09 72 39 40 50"
    assert helpline("en", None, {"en": "our nurse: 555"}) == "our nurse: 555"
    assert "3114" in care_answer("fr", "FR") and care_answer("fr").startswith("On dirait")
    assert care_answer("de").startswith("It sounds like")
