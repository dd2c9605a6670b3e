"""General rules added after the held-out evaluation: masked letters, spelled-out e-mail addresses,
handles given in words, roles at named places, past-tense recovery stories."""

from __future__ import annotations

import pytest

from bot.moderation import Verdict, default_filter
from bot.moderation.lexicon import Matcher, parse
from bot.moderation.normalise import normalise, tokenise
from bot.moderation.personal_data import find_personal_data


def _categories(text: str) -> tuple[Verdict, list[str]]:
    result = default_filter().check(text)
    return result.verdict, list(result.categories)


def test_masks_stay_inside_words_and_bang_is_an_i() -> None:
    assert normalise("f*ck p#te b!tch") == "f*ck p#te bitch"
    assert normalise("*really* 2*3") == "really 2 3"
    (token,) = tokenise("f*u*c*k")
    assert token.text == "fuck"
    assert token.spaced


def test_masked_words_resolve_against_the_vocabulary() -> None:
    matcher = Matcher(parse(["insult\tfuck", "insult\tencul*", "sexual\tduck"]))
    assert matcher.unmask(tokenise("f*ck")[0]).text == "fuck"
    assert matcher.unmask(tokenise("d*ck")[0]).text == "duck"
    assert matcher.unmask(tokenise("enc*lé")[0]).text == "encule"
    assert matcher.unmask(tokenise("x*yz")[0]).text == "x*yz"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("fils de p*te", "insult"),
        ("f**k you", "insult"),
        ("she sucks d*ck for money", "sexual"),
        ("what a pathetic little worm", "insult"),
        ("immigrants are basically animals", "hate"),
        ("les femmes ne devraient pas avoir le droit de voter", "hate"),
        ("si tu parles je te casse les dents", "threat"),
        ("somebody should beat the shit out of him", "threat"),
        ("montre-moi tes fesses", "sexual"),
        ("nobody would notice if I disappeared", "self_harm"),
        ("personne ne remarquerait si je disparaissais", "self_harm"),
        ("he acted like a complete idiot at the meeting", "insult"),
        ("he has been acting like a total jerk lately", "insult"),
        ("mon collègue est un parfait abruti", "insult"),
    ],
)
def test_general_phrase_rules(text: str, category: str) -> None:
    verdict, categories = _categories(text)
    assert verdict is not Verdict.ALLOW
    assert category in categories


@pytest.mark.parametrize(
    "text",
    [
        "je te casse les pieds avec mes histoires",
        "I bought a hoe for the garden",
        "a weasel is a small animal",
        "try to not wake up the baby",
        "combien de doliprane par jour pour une migraine ?",
        "I was suicidal in high school and therapy helped",
        "je me suis scarifiée pendant trois ans au lycée, c'est fini",
        "my insta is dead these days",
        "I acted like a complete idiot at the meeting, sorry",
        "I've been acting like a total jerk lately",
        "he acted like a complete professional",
        "je suis un vrai idiot parfois",
    ],
)
def test_general_rules_leave_ordinary_text_alone(text: str) -> None:
    assert _categories(text) == (Verdict.ALLOW, [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("write to mike dot jones at outlook dot com", ("email", "mike dot jones at outlook dot com")),
        (
            "julien point dupont arobase gmail point com",
            ("email", "julien point dupont arobase gmail point com"),
        ),
        ("jo [at] mail [dot] fr", ("email", "jo [at] mail [dot] fr")),
        ("his snap is tommy_k99", ("handle", "snap is tommy_k99")),
        ("son insta c'est lea.mrtn_", ("handle", "insta c'est lea.mrtn_")),
        ("join t.me/cryptogains", ("url", "t.me/cryptogains")),
    ],
)
def test_personal_data_in_words(text: str, expected: tuple[str, str]) -> None:
    assert expected in [(r.category, r.match) for r in find_personal_data(text)]


@pytest.mark.parametrize(
    "text",
    [
        "The manager at the Tesco on Elm Road sells drugs",
        "Le gérant du Casino vend de la drogue",
        "Karen Smith cheated on her husband",
        "Camille de la compta a une MST",
    ],
)
def test_identifiable_people_near_accusations_go_to_review(text: str) -> None:
    assert "defamation" in _categories(text)[1]


def test_a_role_without_a_named_place_is_not_a_person() -> None:
    assert _categories("The manager at work sells drugs") == (Verdict.ALLOW, [])
