"""Verdicts, reasons, traps and identity statements of the default filter."""

from __future__ import annotations

import pytest

from bot.moderation import CATEGORIES, Verdict, default_filter


def _check(text: str) -> tuple[Verdict, list[str]]:
    result = default_filter().check(text)
    return result.verdict, list(result.categories)


@pytest.mark.parametrize(
    "text",
    [
        "Scunthorpe",
        "Condom (Gers)",
        "la chatte de ma voisine a eu des chatons",
        "Moby Dick",
        "conseil",
        "hooker (rugby)",
        "I never told anyone I'm gay",
        "J'ai du retard dans mes devoirs",
        "I need a bite to eat",
        "You're dead to me",
        "je suis morte de rire",
        "This song kills me",
        "It won't kill you to say sorry",
        "I'd kill for a pizza",
        "I took a shower, douche in French",
        "She graduated magna cum laude",
        "Victor Hugo a écrit Les Misérables",
        "Life is a bitch",
        "mon grand-père fumait la pipe",
        "une tapette à mouches",
        "I'm so stupid, I forgot my keys",
        "I hurt myself at the gym",
        "I can't go on vacation this year",
        "you won't believe it",
        "gagner de l'argent pour aider mes parents",
        "I have an onlyfans and my parents don't know",
    ],
)
def test_traps_pass_clean(text: str) -> None:
    assert _check(text) == (Verdict.ALLOW, [])


@pytest.mark.parametrize(
    "text",
    [
        "je suis noir",
        "je suis juif",
        "je suis musulmane",
        "je suis arabe",
        "I'm a lesbian",
        "I'm gay",
        "I'm trans",
        "I'm black",
        "I'm a Jew",
        "I'm Muslim",
        "je suis gay",
        "je suis trans",
        "Gay people should be allowed to marry",
        "les juifs et les musulmans de mon quartier s'entraident",
    ],
)
def test_identity_statements_are_not_offensive(text: str) -> None:
    assert _check(text) == (Verdict.ALLOW, [])


@pytest.mark.parametrize(
    ("text", "verdict", "category"),
    [
        ("sale arabe", Verdict.BLOCK, "hate"),
        ("bande d'immigrés", Verdict.BLOCK, "hate"),  # "de" elided before a vowel
        ("putain d'handicapés", Verdict.BLOCK, "hate"),
        ("dirty jew", Verdict.BLOCK, "hate"),
        ("gays should die", Verdict.BLOCK, "hate"),
        ("mort aux juifs", Verdict.BLOCK, "hate"),
        ("i will kill you", Verdict.BLOCK, "threat"),
        ("je vais te tuer", Verdict.BLOCK, "threat"),
        ("je vais te retrouver", Verdict.BLOCK, "threat"),
        ("I know where you live", Verdict.BLOCK, "threat"),
        ("t'es qu'un c0nn4rd", Verdict.BLOCK, "insult"),
        ("c o n n a r d", Verdict.BLOCK, "insult"),
        ("fuuuuck you", Verdict.BLOCK, "insult"),
        ("what a d1ckhead", Verdict.BLOCK, "insult"),
        ("click here", Verdict.BLOCK, "spam"),
        ("free money", Verdict.BLOCK, "spam"),
        ("gagnez de l'argent", Verdict.BLOCK, "spam"),
        ("send nudes", Verdict.REVIEW, "sexual"),
        ("i want to die", Verdict.REVIEW, "self_harm"),
        ("je veux mourir", Verdict.REVIEW, "self_harm"),
        ("j'ai envie de me foutre en l'air", Verdict.REVIEW, "self_harm"),
        ("call me at 06 12 34 56 78", Verdict.REVIEW, "phone"),
        ("mon chef Marc Dupont vole dans la caisse", Verdict.REVIEW, "defamation"),
        ("my boss Kevin steals from the register", Verdict.REVIEW, "defamation"),
        ("I saw Mr Smith snort cocaine", Verdict.REVIEW, "defamation"),
        ("Kevin from accounting is a thief", Verdict.REVIEW, "defamation"),
    ],
)
def test_harmful_texts(text: str, verdict: Verdict, category: str) -> None:
    found_verdict, categories = _check(text)
    assert found_verdict is verdict
    assert category in categories


def test_both_lexicons_run_whatever_the_language_hint() -> None:
    for lang in (None, "en", "fr"):
        assert default_filter().check("connard", lang).verdict is Verdict.BLOCK
        assert default_filter().check("motherfucker", lang).verdict is Verdict.BLOCK


def test_most_severe_verdict_wins_and_every_reason_is_listed() -> None:
    result = default_filter().check("Marc Dupont est un connard, appelez-le au 06 12 34 56 78")
    assert result.verdict is Verdict.BLOCK
    assert set(result.categories) == {"insult", "phone", "defamation"}
    assert all(reason.category in CATEGORIES for reason in result.reasons)


def test_reasons_quote_the_original_text() -> None:
    result = default_filter().check("Franchement, t'es une S4L0PE!")
    assert [(r.category, r.match) for r in result.reasons] == [("insult", "t'es une S4L0PE")]


def test_a_longer_match_covers_a_shorter_one() -> None:
    result = default_filter().check("fils de pute")
    assert [(r.category, r.match) for r in result.reasons] == [("insult", "fils de pute")]


@pytest.mark.parametrize(
    "text",
    [
        "Victor Hugo vole la vedette dans ce livre",
        "Yesterday Kevin and I stole a traffic cone",
        "Monday Morning, nobody steals my coffee",
    ],
)
def test_public_names_and_sentence_starts_are_not_people(text: str) -> None:
    assert "defamation" not in default_filter().check(text).categories


def test_empty_text_is_allowed() -> None:
    assert _check("") == (Verdict.ALLOW, [])


def test_an_insult_quoted_and_condemned_is_not_said_but_one_quoted_back_is() -> None:
    text_filter = default_filter()
    condemned = 'Obvious hate like "those people aren\'t worth shit" will thankfully get you banned.'
    assert text_filter.check(condemned).verdict is Verdict.ALLOW
    # quoting it back at someone, or a line all in quotation marks, condemns nothing
    assert text_filter.check('"you are a worthless piece of shit" lol so true').verdict is not Verdict.ALLOW


def test_a_suicide_bombing_in_the_news_is_no_one_s_distress() -> None:
    text_filter = default_filter()
    assert text_filter.check("A suicide bombing hit the camp this morning.").verdict is Verdict.ALLOW
    assert text_filter.check("Un attentat suicide a frappé la ville.").verdict is Verdict.ALLOW
    assert "self_harm" in text_filter.check("I think about suicide every night.").categories
