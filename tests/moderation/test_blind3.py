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

from bot.moderation import Verdict, default_filter
from tests.moderation.corpus import CLEAN_CATEGORIES, HARMFUL_CATEGORIES, LANGUAGES, Line

HERE = Path(__file__).parent
MIN_RECALL = 0.75
MAX_FALSE_POSITIVES = 0.08
LINES = 120


def load_blind3(lang: str) -> list[Line]:
    lines = []
    path = HERE / f"blind3_{lang}.tsv"
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        label, category, text = raw.split("\t")
        expected = HARMFUL_CATEGORIES if label == "harmful" else CLEAN_CATEGORIES
        if label not in ("harmful", "clean") or category not in expected:
            raise ValueError(f"{path.name}:{number}: bad label/category {label!r}/{category!r}")
        lines.append(Line(label, category, text))
    return lines


def _flagged(line: Line) -> bool:
    return default_filter().check(line.text).verdict is not Verdict.ALLOW


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
    lines = load_blind3(lang)
    harmful = [line for line in lines if line.label == "harmful"]
    clean = [line for line in lines if line.label == "clean"]
    missed = [f"{line.category}: {line.text}" for line in harmful if not _flagged(line)]
    false_positives = [f"{line.category}: {line.text}" for line in clean if _flagged(line)]
    recall = 1 - len(missed) / len(harmful)
    fp_rate = len(false_positives) / len(clean)
    identity = [line.text for line in clean if line.category == "identity" and _flagged(line)]
    print(
        f"\n[{lang} blind3] recall {recall:.3f} ({len(harmful)} harmful), "
        f"false positives {fp_rate:.3f} ({len(clean)} clean), identity lines flagged {len(identity)}"
    )
    print("  missed:", *missed, sep="\n    ")
    print("  false positives:", *false_positives, sep="\n    ")
    assert recall >= MIN_RECALL
    assert fp_rate <= MAX_FALSE_POSITIVES


@pytest.mark.parametrize("lang", LANGUAGES)
def test_blind3_identity_lines_are_not_flagged(lang: str) -> None:
    flagged = [line.text for line in load_blind3(lang) if line.category == "identity" and _flagged(line)]
    assert flagged == []
