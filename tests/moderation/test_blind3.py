"""Third blind round: ``blind3_en.tsv`` and ``blind3_fr.tsv`` were written before looking at the
lexicons or the other corpora, in the way people write in anonymous group chats (slang, typos,
insults without an insult word, metaphors, veiled threats, self-harm without keywords).

First run, before any change: EN recall 0.583, false positives 0.033; FR recall 0.600, false
positives 0.067; no identity line flagged. The fixes are general mechanisms (``implied_*.txt``:
insult constructions, dehumanising metaphors aimed at groups, implied threats, self-harm intent,
harassment phrasing, all held for review), never this set's wording.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.moderation.corpus import (
    CLEAN_CATEGORIES,
    HARMFUL_CATEGORIES,
    LANGUAGES,
    Line,
    flagged,
    load_set,
    measure,
)

HERE = Path(__file__).parent
MIN_RECALL = 0.75
MAX_FALSE_POSITIVES = 0.08
LINES = 120


def load_blind3(lang: str) -> list[Line]:
    return load_set("blind3", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_blind3_shape(lang: str) -> None:
    lines = load_blind3(lang)
    clean = [line for line in lines if line.label == "clean"]
    assert len(lines) == LINES
    assert 0.45 <= len(clean) / len(lines) <= 0.55
    assert {line.category for line in lines if line.label == "harmful"} == HARMFUL_CATEGORIES
    assert {line.category for line in clean} == CLEAN_CATEGORIES
    assert len({line.text for line in lines}) == len(lines), "duplicate lines"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_blind3_recall_and_false_positives(lang: str) -> None:
    result = measure(load_blind3(lang), flagged)
    print("\n" + result.report(f"{lang} blind3"))
    assert result.recall >= MIN_RECALL
    assert result.false_positive_rate <= MAX_FALSE_POSITIVES


@pytest.mark.parametrize("lang", LANGUAGES)
def test_blind3_identity_lines_are_not_flagged(lang: str) -> None:
    caught = [line.text for line in load_blind3(lang) if line.category == "identity" and flagged(line)]
    assert caught == []
