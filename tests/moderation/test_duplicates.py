from __future__ import annotations

from bot.moderation import is_near_duplicate, normalised_fingerprint


def test_fingerprint_ignores_case_accents_spacing_and_leetspeak() -> None:
    assert normalised_fingerprint("Gagnez de l'ARGENT!!") == normalised_fingerprint("gagnez de l argent")
    assert normalised_fingerprint("Élodie") == normalised_fingerprint("elodie")
    assert normalised_fingerprint("h3ll0 w0rld") == normalised_fingerprint("hello world")
    assert normalised_fingerprint("hello") != normalised_fingerprint("hello there")
    assert len(normalised_fingerprint("x")) == 64


def test_near_duplicates() -> None:
    previous = ["I cheated on my exam and nobody knows", "j'ai menti à ma mère"]
    assert is_near_duplicate("I cheated on my exam and nobody knows!!!", previous)
    assert is_near_duplicate("I cheated on my exam and nobody knew", previous)
    assert not is_near_duplicate("I love my exam results", previous)
    assert not is_near_duplicate("anything", [])
    assert is_near_duplicate("I cheated on my exam", previous, threshold=60.0)


def test_the_filter_gives_the_normalised_form_the_duplicate_check_compares() -> None:
    from bot.moderation.normalise import normalise
    from bot.moderation.pipeline import default_filter

    checker = default_filter()
    for text in (
        "Gagnez de l'ARGENT!!",
        "h3ll0 w0rld, Élodie",
        "f*u*c*k this and s p a c e d letters",
        "I cheated on my exam and nobody knows",
        "",
    ):
        assert checker.check(text).normalised == normalise(text), text
