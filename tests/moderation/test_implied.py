"""Implied harm without a listed word (``implied_en.txt``, ``implied_fr.txt``): held for review,
never blocked on its own; the end-of-text anchor of the lexicon syntax."""

from __future__ import annotations

import pytest

from bot.moderation import Verdict, default_filter
from bot.moderation.lexicon import Matcher, compile_term, parse
from bot.moderation.normalise import tokenise


def test_end_of_text_anchor() -> None:
    matcher = Matcher(parse(["self_harm\ti m ending it $"]))
    assert matcher.find(tokenise("there's no point, I'm ending it."))
    assert not matcher.find(tokenise("I'm ending it with him tomorrow"))


@pytest.mark.parametrize("term", ["a (b|$)", "a $ b"])
def test_end_of_text_anchor_only_ends_a_term(term: str) -> None:
    with pytest.raises(ValueError, match="may only end a term"):
        compile_term(term, "insult")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("ur the dumbest person in this group, just leave", "insult"),
        ("go cry about it you spineless coward", "insult"),
        ("t'es clairement le mec le plus chiant du groupe", "insult"),
        ("they're all leeches", "hate"),
        ("ces gens-là sont des parasites", "hate"),
        ("I'm coming to your house tonight, you better hide", "threat"),
        ("tu vas voir ce soir ce qui va t'arriver", "threat"),
        ("I just want everything to stop", "self_harm"),
        ("j'avale toute la boîte de somnifères", "self_harm"),
        ("je veux disparaître pour de bon", "self_harm"),
        ("envie de la prendre contre un mur", "sexual"),
    ],
)
def test_implied_harm_goes_to_review(text: str, category: str) -> None:
    result = default_filter().check(text)
    assert result.verdict is Verdict.REVIEW
    assert category in result.categories


def test_an_implied_hit_does_not_soften_a_listed_one() -> None:
    result = default_filter().check("you spineless coward, I will kill you")
    assert result.verdict is Verdict.BLOCK
    assert {"insult", "threat"} <= set(result.categories)


@pytest.mark.parametrize(
    "text",
    [
        "I'm ending it with him, we're done",
        "I won't be around for the party sorry",
        "next week I take all my pills in the morning",
        "I'd destroy him at chess",
        "je serai pas là lundi",
        "j'en finis avec ce dossier ce soir",
        "je suis sur le pont toute la semaine au boulot",
        "profite bien de ta dernière semaine de vacances",
        "enjoy your last week of holidays!",
        "you're the best person in this group",
        "tu es la personne la plus gentille du groupe",
        "one more time and I'll scream lol",
        "trans women are women",
        "I'm gay and my parents are muslims",
        "when I was 15 I thought about suicide a lot, I'm fine now",
        "à 16 ans je pensais au suicide, aujourd'hui ça va",
        "quelle conne je suis, j'ai raté le bus",
        "my dog is a little shit and I love him",
    ],
)
def test_ordinary_text_stays_clean(text: str) -> None:
    assert default_filter().check(text).verdict is Verdict.ALLOW


def test_a_role_on_a_named_street_is_identifiable() -> None:
    result = default_filter().check("the owner of the bakery on Elm Street sells drugs")
    assert "defamation" in result.categories
    assert default_filter().check("the owner of the bakery on Elm Street is so kind").verdict is Verdict.ALLOW
