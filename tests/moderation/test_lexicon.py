from __future__ import annotations

import pytest

from bot.moderation.lexicon import Matcher, compile_term, expand, parse
from bot.moderation.normalise import tokenise
from bot.moderation.pipeline import LEXICON_CATEGORIES, load_patterns


def _categories(lines: list[str], text: str) -> list[str]:
    return [hit.category for hit in Matcher(parse(lines)).find(tokenise(text))]


def test_expand_alternatives_and_optional_groups() -> None:
    assert sorted(expand("a (b|c (d|e)|) f")) == ["a  f", "a b f", "a c d f", "a c e f"]


def test_groups_prefixes_and_wildcards() -> None:
    lines = [
        "@group\tWHO\tyou|u",
        "insult\tencul*",
        "threat\ti (will|'ll) kill {WHO}",
        "sexual\tsuck my ~ s dick",
    ]
    assert _categories(lines, "ENCULÉS") == ["insult"]
    assert _categories(lines, "I'll kill u") == ["threat"]
    assert _categories(lines, "suck my teacher's dick") == ["sexual"]
    assert _categories(lines, "I will kill time") == []


def test_words_match_on_boundaries_only() -> None:
    assert _categories(["insult\tcunt"], "Scunthorpe") == []
    assert _categories(["insult\tcon"], "conseil") == []


def test_spaced_letters_hide_a_word() -> None:
    assert _categories(["insult\tasshole"], "you f u c k i n g a s s h o l e") == ["insult"]


@pytest.mark.parametrize(
    "line",
    ["insult", "insult\t(a|b", "insult\tword(s|)", "insult\t~ word", "insult\t{MISSING} word"],
)
def test_bad_lines_are_rejected(line: str) -> None:
    with pytest.raises(ValueError):
        parse([line])


def test_a_term_naming_an_unknown_group_is_refused_not_a_crash() -> None:
    """A community's word list may hold any text: ``{number}`` named no group and raised KeyError."""
    with pytest.raises(ValueError, match="unknown group"):
        compile_term("{number} word", "insult")


def test_shipped_lexicons_cover_every_category_richly() -> None:
    patterns = load_patterns()
    for category in LEXICON_CATEGORIES:
        count = sum(p.category == category for p in patterns)
        assert count >= 25, category
