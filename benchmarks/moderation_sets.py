"""The public labelled sets in ``benchmarks/moderation_data/`` and their fixed tuning / held-out split.

Every file is ``lang<TAB>category<TAB>label<TAB>text`` (label 1 = harmful, 0 = clean), gzip; see
``benchmarks/moderation_data/SOURCES.md`` for sources and licences. The split is computed here, from
the files alone, the same way every time (no randomness, no dependence on the filter):

- HateCheck (EN, FR): by template. Each functionality's cases come as one template filled with each
  target group or slur; the words that fill those slots are found from the data (a word sequence of at
  most three words that differs between neighbouring cases of one functionality, five times or more),
  replaced by ``_`` (with a following "people", "person" or "personne(s)"), and cases whose remaining
  letters are 85 % similar or more (rapidfuzz ratio) and at most 8 rows apart in one functionality
  form one template group (this keeps the spelling-trick variants of a template together).
  A group is held out when the first byte of SHA-256 of
  ``"<source>:<functionality>:<key of its first case>"`` is below 30 % of 256.
- Every other set: by the text, lower-cased with blanks collapsed (retweets and copies stay on one
  side). Held out when the first byte of SHA-256 of ``"<source>:<text>"`` is below 30 % of 256 for the
  small sets, 25 % for Davidson.

The tuning part is the only one rules, thresholds or the learned scorer may look at; the held-out part
is only measured (``benchmarks/moderation_eval.py``).
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

DATA = Path(__file__).resolve().parent / "moderation_data"
SOURCES = {
    "hatecheck_en": ("hatecheck_en_dev.tsv.gz", 0.30),
    "hatecheck_fr": ("hatecheck_fr_dev.tsv.gz", 0.30),
    "davidson": ("davidson_dev.tsv.gz", 0.25),
    "smsspam": ("smsspam_dev.tsv.gz", 0.30),
    "ftr": ("ftr_dev.tsv.gz", 0.30),
    "mlma_en": ("mlma_en_dev.tsv.gz", 0.30),
    "mlma_fr": ("mlma_fr_dev.tsv.gz", 0.30),
}
TUNE = "tune"
HELDOUT = "heldout"
_FILLER_MIN_COUNT = 5
_FILLER_MAX_WORDS = 3
_TEMPLATE_SIMILARITY = 85.0
_TEMPLATE_WINDOW = 8
_WORD = re.compile(r"\w+")
# "gay people" and "Muslims" fill one slot: the noun after a filled adjective belongs to the slot.
_SLOT_NOUN = re.compile(r"_ (?:people|person|persons|personnes|personne)\b")


@dataclass(frozen=True)
class Case:
    source: str
    lang: str
    category: str
    label: int
    text: str
    part: str  # TUNE or HELDOUT
    group: str  # the template group (HateCheck) or the normalised text


def _rows(name: str) -> list[tuple[str, str, int, str]]:
    with gzip.open(DATA / name, "rt", encoding="utf-8") as handle:
        next(handle)
        rows = []
        for line in handle:
            lang, category, label, text = line.rstrip("\n").split("\t", 3)
            rows.append((lang, category, int(label), text))
        return rows


def _part(key: str, fraction: float) -> str:
    return HELDOUT if hashlib.sha256(key.encode("utf-8")).digest()[0] < fraction * 256 else TUNE


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _differing(first: list[str], second: list[str]) -> tuple[str, str]:
    prefix = 0
    while prefix < min(len(first), len(second)) and first[prefix] == second[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(first), len(second)) - prefix and first[-1 - suffix] == second[-1 - suffix]:
        suffix += 1
    return " ".join(first[prefix : len(first) - suffix]), " ".join(second[prefix : len(second) - suffix])


def _fillers(rows: list[tuple[str, str, int, str]]) -> list[str]:
    counts: Counter[str] = Counter()
    for before, after in itertools.pairwise(rows):
        if before[1] != after[1]:
            continue
        for middle in _differing(_words(before[3]), _words(after[3])):
            if 0 < len(middle.split()) <= _FILLER_MAX_WORDS:
                counts[middle] += 1
    fillers = [middle for middle, count in counts.items() if count >= _FILLER_MIN_COUNT]
    return sorted(fillers, key=lambda middle: (-len(middle.split()), -len(middle), middle))


def _template_key(text: str, fillers: list[str]) -> str:
    padded = " " + " ".join(_words(text)) + " "
    for filler in fillers:
        padded = padded.replace(" " + filler + " ", " _ ")
    return _SLOT_NOUN.sub("_", padded).strip()


def template_groups(rows: list[tuple[str, str, int, str]]) -> list[str]:
    """The template group of each HateCheck row (the key of the group's first case)."""
    fillers = _fillers(rows)
    keys = [_template_key(row[3], fillers) for row in rows]
    parent = list(range(len(rows)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for i in range(len(rows)):
        for j in range(i + 1, min(i + 1 + _TEMPLATE_WINDOW, len(rows))):
            if rows[i][1] != rows[j][1]:
                break
            if keys[i] == keys[j] or fuzz.ratio(keys[i], keys[j]) >= _TEMPLATE_SIMILARITY:
                parent[max(root(i), root(j))] = min(root(i), root(j))
    return [f"{rows[i][1]}:{keys[root(i)]}" for i in range(len(rows))]


def unquote(text: str) -> str:
    """The text as written when the file holds it as a quoted CSV field (``"He said ""X"", …"``
    for ``He said "X", …``: the source CSVs' quoting survived their conversion); otherwise as is."""
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        return text
    inner = text[1:-1]
    if '"' in inner.replace('""', ""):
        return text
    return inner.replace('""', '"')


def load(source: str) -> list[Case]:
    """The cases of one source. The split is computed from the file's rows as they are; the text
    each case gives the filter is unquoted (``unquote``), which moves no case across the split."""
    name, fraction = SOURCES[source]
    rows = _rows(name)
    if source.startswith("hatecheck"):
        groups = template_groups(rows)
    else:
        groups = [" ".join(row[3].lower().split()) for row in rows]
    return [
        Case(source, lang, category, label, unquote(text), _part(f"{source}:{group}", fraction), group)
        for (lang, category, label, text), group in zip(rows, groups, strict=True)
    ]


def cases(part: str, sources: tuple[str, ...] = tuple(SOURCES)) -> Iterator[Case]:
    for source in sources:
        yield from (case for case in load(source) if case.part == part)
