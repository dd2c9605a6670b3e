"""Train the learned scorers shipped in ``bot/moderation/data/scorer_<head>.tsv.gz``.

Run from the repository root: ``python scripts/train_moderation_scorer.py [--head abuse|spam|hate]``.
Deterministic (fixed order and seed, no third-party code): the same data gives the same file.

Data: only the tuning parts of ``benchmarks/moderation_sets.py`` (never the held-out parts) and the
project's tuning corpora ``tests/moderation/corpus_<lang>.tsv``. Of that, a fixed fifth (by a hash of
the template group or text) is kept out of training to choose the threshold; the rest trains.

- ``abuse``: Davidson (hate and offensive vs neither), FTR, and the corpora's insult, hate, threat,
  sexual and defamation lines vs their clean lines.
- ``spam``: SMS Spam Collection, and the corpora's spam lines vs their clean lines; every tweet and
  HateCheck case as a clean line.
- ``hate`` (``bot/moderation/hate_scorer.py``, its own features): HateCheck EN and FR tuning
  templates, Davidson's "hate" and "neither" tuning tweets and the corpora's lines, those that
  name a group or a slur or that the group rules flag.
  Its three thresholds (keep the group rules' finding; hold a text they let through when a hostile
  word or slur is there; hold it on the score alone) are chosen by 5-fold cross-validation by
  template group inside the tuning part: the best mean HateCheck accuracy that adds no false
  positive to the rules' on the corpora. Then trained on all of it.
MLMA is left out on purpose: it stays a corpus the scorers have never seen.

Model: logistic regression on the features of ``bot/moderation/scorer.py``, AdaGrad, a few epochs;
each source weighs the same and, inside a source, harmful and clean lines weigh the same. Features
whose weight stays small are dropped so the file stays small.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import math
import random
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.moderation_sets import TUNE, Case, load  # noqa: E402
from bot.moderation.groups import LAYER as GROUP_LAYER  # noqa: E402
from bot.moderation.hate_scorer import HateScorer, may_add, names_a_group, read_classes  # noqa: E402
from bot.moderation.hate_scorer import features as hate_features  # noqa: E402
from bot.moderation.learned import HEADS, scoring_words  # noqa: E402
from bot.moderation.normalise import tokenise  # noqa: E402
from bot.moderation.pipeline import TextFilter, Verdict, rule_keys  # noqa: E402
from bot.moderation.scorer import Scorer, features  # noqa: E402

OUT = ROOT / "bot" / "moderation" / "data"
CALIBRATION = 0.2
FOLDS = 5
SEED = 20261201
EPOCHS = 5
LEARNING_RATE = 0.02
L2 = 1e-4
KEEP = 60_000  # features kept, by absolute weight
MIN_WEIGHT = 0.02

HEAD_SOURCES = {
    "abuse": ("davidson", "ftr"),
    "spam": ("smsspam",),
}
# Other sources whose lines are clean examples for a head (all of them, or only their clean ones):
# tweets and hate speech are not spam.
HEAD_NEGATIVES: dict[str, tuple[tuple[str, bool], ...]] = {
    "abuse": (),
    "spam": (("davidson", False), ("hatecheck_en", False), ("hatecheck_fr", False), ("ftr", False)),
}
OWN_HARMFUL = {
    "abuse": {"insult", "hate", "threat", "sexual", "defamation"},
    "spam": {"spam"},
}
OWN_CLEAN = {"clean", "trap", "identity"}


@dataclass(frozen=True)
class Example:
    source: str
    label: int
    words: tuple[str, ...]
    calibration: bool
    features: tuple[str, ...] = ()  # the hate head's features (the other heads read ``words``)
    fold: int = 0  # the cross-validation fold, by template group (HateCheck) or text
    others: bool = False  # the hate head: whether rules other than the group rules flag it
    group: bool = False  # the hate head: whether the group rules flag it


def _calibration(key: str) -> bool:
    return hashlib.sha256(("calibration:" + key).encode("utf-8")).digest()[0] < CALIBRATION * 256


def fold_of(key: str) -> int:
    """The cross-validation fold of a template group or text."""
    return hashlib.sha256(("fold:" + key).encode("utf-8")).digest()[0] % FOLDS


def _words(text: str) -> tuple[str, ...]:
    return tuple(scoring_words([token.text for token in tokenise(text)]))


def examples(head: str) -> list[Example]:
    found = []
    for source in HEAD_SOURCES[head]:
        for case in load(source):
            if case.part == TUNE:
                found.append(
                    Example(
                        source,
                        case.label,
                        _words(case.text),
                        _calibration(case.group),
                        fold=fold_of(case.group),
                    )
                )
    for source, only_clean in HEAD_NEGATIVES[head]:
        for case in load(source):
            if case.part == TUNE and not (only_clean and case.label):
                found.append(
                    Example(source, 0, _words(case.text), _calibration(case.group), fold=fold_of(case.group))
                )
    for lang in ("en", "fr"):
        path = ROOT / "tests" / "moderation" / f"corpus_{lang}.tsv"
        for raw in path.read_text(encoding="utf-8").splitlines():
            if not raw.strip():
                continue
            label, category, text = raw.split("\t")
            if category in OWN_HARMFUL[head] or category in OWN_CLEAN:
                found.append(
                    Example(f"own_{lang}", int(label == "harmful"), _words(text), _calibration(text))
                )
    return found


def _sample_weights(train: list[Example]) -> list[float]:
    counts: dict[tuple[str, int], int] = defaultdict(int)
    for example in train:
        counts[example.source, example.label] += 1
    sources = {source for source, _ in counts}
    share = len(train) / (2 * len(sources))
    return [share / counts[example.source, example.label] for example in train]


def train(examples_: list[Example], *, everything: bool = False) -> tuple[dict[str, float], float]:
    train_set = [example for example in examples_ if everything or not example.calibration]
    index: dict[str, int] = {}
    rows: list[list[int]] = []
    for example in train_set:
        read = example.features or features(example.words)
        row = [index.setdefault(feature, len(index)) for feature in read]
        rows.append(row)
    weights = [0.0] * len(index)
    squares = [1e-8] * len(index)
    bias, bias_square = 0.0, 1e-8
    sample_weights = _sample_weights(train_set)
    order = list(range(len(train_set)))
    rng = random.Random(SEED)
    for epoch in range(EPOCHS):
        rng.shuffle(order)
        loss = 0.0
        for i in order:
            row = rows[i]
            margin = bias + sum(weights[f] for f in row)
            margin = max(-30.0, min(30.0, margin))
            probability = 1.0 / (1.0 + math.exp(-margin))
            label = train_set[i].label
            loss -= sample_weights[i] * math.log(probability if label else 1.0 - probability)
            gradient = (probability - label) * sample_weights[i]
            bias_square += gradient * gradient
            bias -= LEARNING_RATE * gradient / math.sqrt(bias_square)
            for f in row:
                g = gradient + L2 * weights[f]
                squares[f] += g * g
                weights[f] -= LEARNING_RATE * g / math.sqrt(squares[f])
        print(f"  epoch {epoch + 1}: loss {loss / len(order):.4f}", file=sys.stderr)
    names = list(index)
    ranked = sorted(range(len(names)), key=lambda f: (-abs(weights[f]), names[f]))
    kept = {names[f]: round(weights[f], 3) for f in ranked[:KEEP] if abs(weights[f]) >= MIN_WEIGHT}
    return kept, round(bias, 4)


GRID = [round(0.30 + 0.01 * step, 2) for step in range(70)]
# Threshold rules, applied to the calibration fifth only:
# - abuse: the lowest threshold whose false positives stay at or under 2 % on Davidson's "neither"
#   tweets and on the corpora's clean lines (FTR's labels are too noisy to constrain it);
# - spam: the lowest threshold with at most 0.5 % false positives on SMS ham, 0.2 % on the tweets and
#   HateCheck, and none on the corpora.
FP_LIMITS = {
    "abuse": {"davidson": 0.02, "own_en": 0.02, "own_fr": 0.02},
    "spam": {
        "smsspam": 0.006,
        "davidson": 0.002,
        "hatecheck_en": 0.002,
        "hatecheck_fr": 0.002,
        "own_en": 0.0,
        "own_fr": 0.0,
    },
}


def _rates(scored: list[tuple[int, float]], threshold: float) -> tuple[float, float]:
    harmful = [p for label, p in scored if label]
    clean = [p for label, p in scored if not label]
    recall = sum(p >= threshold for p in harmful) / max(1, len(harmful))
    return recall, sum(p >= threshold for p in clean) / max(1, len(clean))


def choose_threshold(head: str, scorer: Scorer, calibration: list[Example]) -> float:
    min_words = next(h.min_words for h in HEADS if h.name == head)
    by_source: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for example in calibration:
        scored = len(example.words) >= min_words
        by_source[example.source].append(
            (example.label, scorer.probability(example.words) if scored else 0.0)
        )
    print("threshold " + " ".join(f"{s:>20}" for s in sorted(by_source)), file=sys.stderr)
    for threshold in GRID:
        rates = {source: _rates(scored, threshold) for source, scored in by_source.items()}
        if threshold in (0.3, 0.5, 0.7, 0.8, 0.9, 0.95):
            cells = [f"{r:.3f}/{f:.3f}".rjust(20) for r, f in (rates[s] for s in sorted(rates))]
            print(f"{threshold:>9.2f} " + " ".join(cells), file=sys.stderr)
    for threshold in GRID:
        rates = {source: _rates(scored, threshold) for source, scored in by_source.items()}
        if all(rates[source][1] <= limit for source, limit in FP_LIMITS[head].items() if source in rates):
            return threshold
    return GRID[-1]


HATE_SOURCES = ("hatecheck_en", "hatecheck_fr")
# The project's tuning corpora (``own_<lang>``) teach it what else names a group. Davidson's tweets
# too, its "hate" against its "neither" (its "offensive" is left out: it calls every slur offensive,
# HateCheck calls reclaimed ones clean, they pull apart): tweets that name a group without hating it
# (news and chatter about a group) were held by the group rules. FTR's noisy labels made the
# cross-validated HateCheck accuracy worse (0.881 / 0.857 against 0.886 / 0.868): left out.
HATE_OTHER_SOURCES: tuple[str, ...] = ("davidson",)
HATE_LEFT_OUT = {"davidson": ("offensive",)}
# False positives the hate head may add, in cross-validation, to what the rules flag: none on the
# project's clean lines.
HATE_FP_ADDED: dict[str, float] = {}
# What the thresholds maximise: the mean accuracy over these sources in cross-validation (Davidson's
# tweets that name a group keep the thresholds from holding news and chatter about a group).
HATE_OBJECTIVE: tuple[str, ...] = (*HATE_SOURCES, "davidson")
HATE_GRID = [round(0.20 + 0.02 * step, 2) for step in range(36)]
# The score that holds a text naming a group with no hostile word or slur in it: chosen after the other two.
STRONG_GRID = [round(0.50 + 0.01 * step, 2) for step in range(50)]


def hate_examples() -> list[Example]:
    """HateCheck's tuning templates that the hate head reads (a group or slur named, or the group
    rules fired), with what the other rules say (the head cannot clear those)."""
    rules = TextFilter()
    found = []
    cases = [
        case
        for source in HATE_SOURCES + HATE_OTHER_SOURCES
        for case in load(source)
        if case.category not in HATE_LEFT_OUT.get(source, ())
    ]
    for lang in ("en", "fr"):
        path = ROOT / "tests" / "moderation" / f"corpus_{lang}.tsv"
        for raw in path.read_text(encoding="utf-8").splitlines():
            if raw.strip():
                label, category, text = raw.split("\t")
                cases.append(Case(f"own_{lang}", lang, category, int(label == "harmful"), text, TUNE, text))
    for case in cases:
        if case.part == TUNE:
            tokens = tokenise(case.text)
            reasons, read = rules.rules(case.text, tokens)
            others = any(reason.layer != GROUP_LAYER for reason, _ in reasons)
            group = any(reason.layer == GROUP_LAYER for reason, _ in reasons)
            fold = fold_of(case.group)
            read_features: tuple[str, ...] = ()
            if group or names_a_group(read_classes(read)[1]):
                read_features = tuple(hate_features(case.text, read, rule_keys([r for r, _ in reasons])))
            verdicts = [verdict for _, verdict in reasons if verdict is not Verdict.ALLOW]
            found.append(
                Example(
                    case.source,
                    case.label,
                    tuple(read),
                    False,
                    read_features,
                    fold,
                    others and bool(verdicts),
                    group,
                )
            )
    return found


def hate_threshold(data: list[Example]) -> tuple[float, float, float]:
    """The thresholds (to keep what the group rules found; to add what they did not, with a hostile
    word or slur and without) with the best HateCheck accuracy (mean of EN and FR) in
    cross-validation by template group inside the tuning part, each fold scored by a head trained on
    the other four, adding no false positive to what the rules flag on the project's corpora."""
    scored: list[tuple[Example, float]] = []
    for fold in range(FOLDS):
        weights, bias = train([e for e in data if e.fold != fold and e.features], everything=True)
        scorer = HateScorer(weights, bias, 0.5, 0.5)
        scored.extend(
            (e, scorer.probability(e.features) if e.features else 0.0) for e in data if e.fold == fold
        )
    by_source: dict[str, list[tuple[Example, float]]] = defaultdict(list)
    for example, probability in scored:
        by_source[example.source].append((example, probability))

    def rates(source: str, keep: float, add: float, strong: float = 2.0) -> tuple[float, float]:
        flagged = [
            (
                e.label,
                e.others
                or (e.group and p >= keep)
                or (bool(e.features) and may_add(e.features, p, add, strong)),
            )
            for e, p in by_source[source]
        ]
        accuracy = sum(f == bool(label) for label, f in flagged) / len(flagged)
        clean = [f for label, f in flagged if not label]
        return accuracy, sum(clean) / max(1, len(clean))

    def allowed(keep: float, add: float, strong: float) -> bool:
        extra = {s: rates(s, keep, add, strong)[1] - base[s] for s in by_source if s not in HATE_SOURCES}
        return all(v <= HATE_FP_ADDED.get(s, 0.0) for s, v in extra.items())

    def mean_accuracy(keep: float, add: float, strong: float) -> float:
        return sum(rates(source, keep, add, strong)[0] for source in HATE_OBJECTIVE) / len(HATE_OBJECTIVE)

    # the rules alone, the group rules included
    base = {source: rates(source, 0.0, 2.0)[1] for source in by_source}
    best, best_accuracy = (HATE_GRID[-1], 2.0), -1.0
    for keep in HATE_GRID:
        for add in [*HATE_GRID[HATE_GRID.index(keep) :], 2.0]:
            accuracy = mean_accuracy(keep, add, 2.0)
            if allowed(keep, add, 2.0) and accuracy > best_accuracy:
                best, best_accuracy = (keep, add), accuracy
                print(
                    f"  keep {keep:.2f} add {add:.2f}: "
                    + " ".join(f"{s} {rates(s, keep, add)[0]:.3f}" for s in HATE_SOURCES),
                    file=sys.stderr,
                )
    keep, add = best
    strong = 2.0
    for candidate in STRONG_GRID:
        accuracy = mean_accuracy(keep, add, candidate)
        if candidate >= add and allowed(keep, add, candidate) and accuracy > best_accuracy:
            strong, best_accuracy = candidate, accuracy
            print(
                f"  keep {keep:.2f} add {add:.2f} strong {strong:.2f}: "
                + " ".join(f"{s} {rates(s, keep, add, strong)[0]:.3f}" for s in HATE_SOURCES),
                file=sys.stderr,
            )
    return keep, add, strong


def train_hate() -> None:
    data = hate_examples()
    print(f"hate: {len(data)} examples, {sum(bool(e.features) for e in data)} read", file=sys.stderr)
    keep, add, strong = hate_threshold(data)
    weights, bias = train([e for e in data if e.features], everything=True)
    _write("hate", weights, bias, keep, {"add": add, "strong": strong})


def weight_lines(
    weights: dict[str, float], bias: float, threshold: float, more: dict[str, float] | None = None
) -> list[str]:
    """A weights file's lines, as ``bot/moderation/scorer.py`` reads them."""
    lines = [f"#bias\t{bias}", f"#threshold\t{threshold}"]
    lines.extend(f"#{key}\t{value}" for key, value in (more or {}).items())
    lines.extend(f"{feature}\t{weight}" for feature, weight in sorted(weights.items()))
    return lines


def _write(
    head: str, weights: dict[str, float], bias: float, threshold: float, more: dict[str, float] | None = None
) -> None:
    print(f"{head}: threshold {threshold} {more or ''}", file=sys.stderr)
    payload = ("\n".join(weight_lines(weights, bias, threshold, more)) + "\n").encode("utf-8")
    path = OUT / f"scorer_{head}.tsv.gz"
    path.write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))
    print(f"{head}: {len(weights)} features, {path.stat().st_size:,} bytes -> {path}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--head", choices=[head.name for head in HEADS] + ["hate"], action="append")
    args = parser.parse_args()
    for head in args.head or [head.name for head in HEADS] + ["hate"]:
        if head == "hate":
            train_hate()
            continue
        data = examples(head)
        print(f"{head}: {len(data)} examples", file=sys.stderr)
        weights, bias = train(data)
        calibration = [e for e in data if e.calibration]
        threshold = choose_threshold(head, Scorer(weights, bias, 0.5), calibration)
        _write(head, weights, bias, threshold)


if __name__ == "__main__":
    main()
