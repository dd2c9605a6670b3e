"""The honest measure: recall and false positives on held-out corpora written without looking at the
lexicons or the tuning corpora (``holdout_en.tsv``, ``holdout_fr.tsv``, same format as the corpora).

The floors are lower than on the tuning corpora on purpose. First blind run, before any rule was
changed: EN recall 0.746, false positives 0.024; FR recall 0.687, false positives 0.012; no
identity line flagged. A rule added because of a miss here must be general (a lexicon entry, a
normalisation, a phrase rule a moderator would add for any community), never this set's wording.
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
MIN_RECALL = 0.80
MAX_FALSE_POSITIVES = 0.08
MIN_LINES = 150


def load_holdout(lang: str) -> list[Line]:
    return load_set("holdout", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_holdout_shape(lang: str) -> None:
    lines = load_holdout(lang)
    clean = [line for line in lines if line.label == "clean"]
    assert len(lines) >= MIN_LINES
    assert 0.50 <= len(clean) / len(lines) <= 0.60
    assert {line.category for line in lines if line.label == "harmful"} == HARMFUL_CATEGORIES
    assert {line.category for line in clean} == CLEAN_CATEGORIES
    assert len({line.text for line in lines}) == len(lines), "duplicate lines"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_holdout_recall_and_false_positives(lang: str) -> None:
    result = measure(load_holdout(lang), flagged)
    print("\n" + result.report(f"{lang} held-out"))
    assert result.recall >= MIN_RECALL
    assert result.false_positive_rate <= MAX_FALSE_POSITIVES


@pytest.mark.parametrize("lang", LANGUAGES)
def test_holdout_identity_lines_are_not_flagged(lang: str) -> None:
    caught = [line.text for line in load_holdout(lang) if line.category == "identity" and flagged(line)]
    assert caught == []
