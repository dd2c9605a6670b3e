"""The labelled corpora of anonymous secrets: ``label<TAB>category<TAB>text`` a line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.moderation import Verdict, default_filter

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


def load_set(name: str, lang: str) -> list[Line]:
    """``<name>_<lang>.tsv``: one ``label<TAB>category<TAB>text`` a line."""
    path = HERE / f"{name}_{lang}.tsv"
    lines = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        label, category, text = raw.split("\t")
        expected = HARMFUL_CATEGORIES if label == "harmful" else CLEAN_CATEGORIES
        if label not in ("harmful", "clean") or category not in expected:
            raise ValueError(f"{path.name}:{number}: bad label/category {label!r}/{category!r}")
        lines.append(Line(label, category, text))
    return lines


def load_corpus(lang: str) -> list[Line]:
    return load_set("corpus", lang)


@dataclass(frozen=True)
class Measure:
    recall: float
    false_positive_rate: float
    missed: list[str]
    false_positives: list[str]
    identity_flagged: list[str]

    def report(self, title: str) -> str:
        return "\n".join(
            [
                f"[{title}] recall {self.recall:.3f}, false positives {self.false_positive_rate:.3f}, "
                f"identity lines flagged {len(self.identity_flagged)}",
                "  missed:",
                *(f"    {line}" for line in self.missed),
                "  false positives:",
                *(f"    {line}" for line in self.false_positives),
            ]
        )


def flagged(line: Line) -> bool:
    """Caught by the default filter: anything but allow."""
    return default_filter().check(line.text).verdict is not Verdict.ALLOW


def measure(lines: list[Line], flagged: Callable[[Line], bool]) -> Measure:
    """Recall on harmful lines (review or block) and false positives on clean ones (anything but allow)."""
    harmful = [line for line in lines if line.label == "harmful"]
    clean = [line for line in lines if line.label == "clean"]
    missed = [f"{line.category}: {line.text}" for line in harmful if not flagged(line)]
    false_positives = [f"{line.category}: {line.text}" for line in clean if flagged(line)]
    identity = [line.text for line in clean if line.category == "identity" and flagged(line)]
    return Measure(
        1 - len(missed) / len(harmful), len(false_positives) / len(clean), missed, false_positives, identity
    )
