"""The labelled corpora of anonymous secrets: ``label<TAB>category<TAB>text`` a line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
LANGUAGES = ("en", "fr")
HARMFUL_CATEGORIES = {
    "insult",
    "hate",
    "threat",
    "sexual",
    "self_harm",
    "personal_data",
    "defamation",
    "spam",
}
CLEAN_CATEGORIES = {"clean", "trap", "identity"}


@dataclass(frozen=True)
class Line:
    label: str
    category: str
    text: str


def corpus_path(lang: str) -> Path:
    return HERE / f"corpus_{lang}.tsv"


def load_corpus(lang: str) -> list[Line]:
    lines = []
    for number, raw in enumerate(corpus_path(lang).read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        label, category, text = raw.split("\t")
        expected = HARMFUL_CATEGORIES if label == "harmful" else CLEAN_CATEGORIES
        if label not in ("harmful", "clean") or category not in expected:
            raise ValueError(f"corpus_{lang}.tsv:{number}: bad label/category {label!r}/{category!r}")
        lines.append(Line(label, category, text))
    return lines
