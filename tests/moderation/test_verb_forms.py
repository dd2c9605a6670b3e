"""A verb named once in the hostile vocabulary stands for its forms, in French and English; violence a
group suffered, reported, is no hostility towards it."""

from __future__ import annotations

import pytest

from bot.moderation import Verdict, default_filter
from bot.moderation.verb_forms import english_forms, french_forms, verb_forms


def test_french_forms_cover_the_tenses_and_participles() -> None:
    forms = french_forms("tuer")
    assert {"tuerais", "tuaient", "tuera", "tuons", "tuee", "tuees"} <= forms
    assert "tuant" not in forms and "volant" not in french_forms("voler")  # participles: often adjectives
    assert "tue" not in forms  # shorter than four letters: too often another word
    assert {"punissent", "punirait", "punie"} <= french_forms("punir")
    assert {"pendrait", "pendus", "pendons"} <= french_forms("pendre")
    assert "pendant" not in french_forms("pendre")
    assert {"abat", "abattrait", "abattu"} <= french_forms("abattre")
    assert {"degageons", "degageait"} <= french_forms("degager")
    assert "gaza" not in french_forms("gazer")


def test_english_forms() -> None:
    assert english_forms("kill") == {"kill", "kills", "killed", "killing"}
    assert english_forms("gas") >= {"gassed", "gassing", "gases"}
    assert english_forms("cage") == {"cage", "cages", "caged", "caging"}
    assert english_forms("murder") == {"murder", "murders", "murdered", "murdering"}
    with pytest.raises(ValueError):
        verb_forms("tuer")


@pytest.mark.parametrize(
    "text",
    [
        "Je tuerais tous les immigrés si je pouvais.",
        "Si ça ne tenait qu'à moi, on gazerait les handicapés.",
        "Ces arabes, on les dégagera tous.",
        "Les juifs, on les haïssait et on les haïra toujours.",
        "Black people belong in cages.",
        "I will hunt down every gay person I find.",
    ],
)
def test_a_verb_form_about_a_group_is_held(text: str) -> None:
    assert default_filter().check(text).verdict is not Verdict.ALLOW


@pytest.mark.parametrize(
    "text",
    [
        "Je tuerais pour une part de pizza.",
        "En tant que femme noire, je suis souvent la seule en réunion.",  # "tuant" less its "u"
        "I hang out with my gay friends every weekend.",
        "Les femmes descendent du train.",
        "Ma cousine a appris à conduire : les femmes au volant, c'est elle la meilleure de la famille.",
        "Un nombre frappant de femmes ingénieures dans cette promo.",
        "Our students talk trash about the Catholic school's football team.",
    ],
)
def test_no_form_nor_idiom_makes_a_clean_text_hostile(text: str) -> None:
    assert default_filter().check(text).verdict is Verdict.ALLOW


@pytest.mark.parametrize(
    "text",
    [
        "Les immigrés ont été tués lors de l'attaque, c'est une tragédie.",
        "Many Muslims were killed in the bombing last night.",
        "A Pakistani Christian couple was burned alive by a mob.",
        "C'est faux de dire que les femmes sont inférieures.",
        "I can't believe he said trans people should be shot, that's horrible.",
    ],
)
def test_violence_a_group_suffered_and_hate_condemned_are_not_hostile(text: str) -> None:
    assert default_filter().check(text).verdict is Verdict.ALLOW


@pytest.mark.parametrize(
    "text",
    [
        "I'm glad those Muslims were killed.",
        "We would be better off if those immigrants were eradicated.",
        "Tant mieux si des immigrés ont été tués.",
        "Les musulmans méritaient d'être tués.",
        "The immigrants I met were disgusting.",
        "I h8 immigrants.",
        "Je ne peux pas blairer les musulmans.",
    ],
)
def test_violence_wished_or_approved_stays_hostile(text: str) -> None:
    assert default_filter().check(text).verdict is not Verdict.ALLOW


@pytest.mark.parametrize(
    "text",
    [
        "Les imigrés sont des parasites.",  # a doubled letter written once in a group's name
        "Muzlims are disgusting.",
        "Black people are sub human.",
        "Women are stooopid.",
    ],
)
def test_more_spellings_are_read(text: str) -> None:
    assert default_filter().check(text).verdict is not Verdict.ALLOW


def test_a_sub_and_a_human_are_not_subhuman() -> None:
    assert (
        default_filter().check("The submarine had a human crew, the sub was late.").verdict is Verdict.ALLOW
    )


@pytest.mark.parametrize(
    "text",
    [
        "Les femmes ont peur de rentrer seules la nuit.",  # "peur" is "puer" with two letters swapped
        "Près de la moitié des immigrés travaillent dans le bâtiment.",
        "On est allés à la plage avec des amis musulmans.",  # "plage" is "plague" less its "u"
        "The refuge for women opens on Monday.",  # "refuge" is "refugee" less an "e"
        "Good morning to all the women in my team.",  # "morn…" is "moron…" less an "o"
        "My Muslim neighbour signed the petition.",
        "Les immigrés peuvent profiter du soleil.",
        "Je vais traiter les demandes des réfugiés demain.",
    ],
)
def test_real_words_are_not_read_as_spelling_tricks(text: str) -> None:
    assert default_filter().check(text).verdict is Verdict.ALLOW
