from __future__ import annotations

import pytest

from bot.moderation.normalise import normalise, tokenise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Éloïse", "eloise"),
        ("ＦＵＣＫ", "fuck"),
        ("con\u200bnard", "connard"),
        ("cœur", "coeur"),
        ("Straße", "strasse"),
        ("c o n n a r d", "connard"),
        ("C.O.N.N.A.R.D", "connard"),
        ("c0nn4rd", "connard"),
        ("$alope", "salope"),
        ("b1tch", "bitch"),
        ("h@ter", "hater"),
        ("7ruc", "truc"),
        ("connnnnard", "connard"),
        ("me foutre en l'air", "me foutre en l air"),
        ("fils-de-pute", "fils de pute"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_phone_numbers_and_plain_numbers_are_not_leetspeak() -> None:
    assert normalise("appelle le 06 12 34 56 78") == "appelle le 06 12 34 56 78"
    assert normalise("born in 1998, 3.5 stars") == "born in 1998 3 5 stars"


def test_stretched_letters_keep_a_single_letter_form() -> None:
    (token,) = tokenise("fuuuuuck")
    assert token.text == "fuuck"
    assert token.alt == "fuck"


def test_two_or_one_letters_and_apostrophes_are_not_joined() -> None:
    assert normalise("il n'y a pas") == "il n y a pas"
    assert normalise("plan a b") == "plan a b"


def test_tokens_point_back_to_the_original_text() -> None:
    text = "Tu es un c.o.n.n.a.r.d, Éloïse"
    tokens = tokenise(text)
    assert [text[t.start : t.end] for t in tokens] == ["Tu", "es", "un", "c.o.n.n.a.r.d", "Éloïse"]
    assert tokens[3].spaced
    assert not tokens[4].spaced
