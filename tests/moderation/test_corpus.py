"""Recall and false positives of the default filter on the labelled EN/FR corpora."""

from __future__ import annotations

import io
import json

import pytest

from bot.moderation import default_filter
from murmure.check_text import run_check_text
from tests.moderation.corpus import LANGUAGES, flagged, load_corpus

MIN_RECALL = 0.90
MAX_FALSE_POSITIVES = 0.05
MIN_LINES = 300
MIN_IDENTITY_LINES = 20


@pytest.mark.parametrize("lang", LANGUAGES)
def test_corpus_shape(lang: str) -> None:
    lines = load_corpus(lang)
    clean = [line for line in lines if line.label == "clean"]
    assert len(lines) >= MIN_LINES
    assert 0.50 <= len(clean) / len(lines) <= 0.62
    assert sum(line.category == "identity" for line in lines) >= MIN_IDENTITY_LINES
    assert sum(line.category == "trap" for line in lines) >= 7
    harmful_categories = {line.category for line in lines if line.label == "harmful"}
    assert harmful_categories == {
        "insult",
        "hate",
        "threat",
        "sexual",
        "self_harm",
        "personal_data",
        "defamation",
        "spam",
    }
    assert len({line.text for line in lines}) == len(lines), "duplicate lines"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_recall_and_false_positives(lang: str) -> None:
    lines = load_corpus(lang)
    harmful = [line for line in lines if line.label == "harmful"]
    clean = [line for line in lines if line.label == "clean"]
    missed = [line.text for line in harmful if not flagged(line)]
    false_positives = [line.text for line in clean if flagged(line)]
    recall = 1 - len(missed) / len(harmful)
    fp_rate = len(false_positives) / len(clean)
    print(
        f"\n[{lang}] recall {recall:.3f} ({len(harmful)} harmful), false positives {fp_rate:.3f} ({len(clean)} clean)"
    )
    print("  missed:", *missed, sep="\n    ")
    print("  false positives:", *false_positives, sep="\n    ")
    assert recall >= MIN_RECALL
    assert fp_rate <= MAX_FALSE_POSITIVES


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_identity_statement_is_flagged(lang: str) -> None:
    caught = [line.text for line in load_corpus(lang) if line.category == "identity" and flagged(line)]
    assert caught == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_check_text_agrees_with_the_filter(lang: str) -> None:
    lines = load_corpus(lang)
    out = io.StringIO()
    assert run_check_text((line.text + "\n" for line in lines), out, lang) == 0
    printed = [json.loads(row) for row in out.getvalue().splitlines()]
    assert len(printed) == len(lines)
    for line, row in zip(lines, printed, strict=True):
        result = default_filter().check(line.text, lang)
        assert row["verdict"] == result.verdict.value
        assert row["reasons"] == [{"category": r.category, "match": r.match} for r in result.reasons]
