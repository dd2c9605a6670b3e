"""Davidson's tweets as a scorer never trained on them reads them: cross-validation inside the tuning part.

Run from the repository root: ``python benchmarks/moderation_davidson_cv.py [--abuse-threshold T ...]``.
Reads the tuning part only (never the held-out part). ``moderation_eval.py --part tune`` scores
Davidson's tuning tweets with scorers trained on them (the insult scorer on four fifths of them, the
hate scorer on all those that name a group), so its false positives there (0.038 on 1 December) said
little of the held-out part's (0.064). Here each of 5 folds of the tuning tweets (by text, as
``scripts/train_moderation_scorer.py`` makes them) is read by the whole pipeline with an insult scorer
and a hate scorer trained without that fold's tweets (the shipped thresholds, or the insult scorer's
given ones). Prints recall on "hate" and "offensive", false positives on "neither", and which layers
held the "neither" tweets. The rules themselves were still written looking at these tweets (the
allowlisted homonyms of slurs): the estimate stays a little optimistic.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "scripts"))

import train_moderation_scorer as training  # noqa: E402
from moderation_sets import TUNE, load  # noqa: E402

from bot.moderation import Verdict  # noqa: E402
from bot.moderation.hate_scorer import HateScorer, load_hate_scorer  # noqa: E402
from bot.moderation.learned import LearnedLayer  # noqa: E402
from bot.moderation.pipeline import TextFilter  # noqa: E402
from bot.moderation.scorer import read_weights, shipped_lines  # noqa: E402

SOURCE = "davidson"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--abuse-threshold", type=float, action="append", help="default: the shipped one")
    parser.add_argument("--errors", type=int, default=0, help="print N 'neither' tweets held, per layer")
    args = parser.parse_args()
    shipped_abuse = read_weights(shipped_lines("abuse"))[0]["threshold"]
    thresholds = args.abuse_threshold or [shipped_abuse]
    hate = load_hate_scorer()
    spam = list(shipped_lines("spam"))
    cases = [case for case in load(SOURCE) if case.part == TUNE]
    with contextlib.redirect_stderr(io.StringIO()):  # the training's epoch lines
        abuse_data = training.examples("abuse")
        hate_data = training.hate_examples()
    caught: dict[float, Counter[str]] = defaultdict(Counter)
    layers: dict[float, Counter[str]] = defaultdict(Counter)
    held: dict[tuple[float, str], list[str]] = defaultdict(list)
    totals: Counter[str] = Counter()
    for fold in range(training.FOLDS):
        with contextlib.redirect_stderr(io.StringIO()):
            abuse_weights, abuse_bias = training.train(
                [e for e in abuse_data if not (e.source == SOURCE and e.fold == fold)]
            )
            hate_weights, hate_bias = training.train(
                [e for e in hate_data if e.features and not (e.source == SOURCE and e.fold == fold)],
                everything=True,
            )
        hate_scorer = HateScorer(hate_weights, hate_bias, hate.threshold, hate.add, hate.strong)
        scored = [case for case in cases if training.fold_of(case.group) == fold]
        for case in scored:
            totals[case.category] += 1
        for threshold in thresholds:
            lines = {"abuse": training.weight_lines(abuse_weights, abuse_bias, threshold), "spam": spam}
            text_filter = TextFilter(learned=LearnedLayer(lines.__getitem__), hate=hate_scorer)
            for case in scored:
                result = text_filter.check(case.text, case.lang)
                if result.verdict is Verdict.ALLOW:
                    continue
                caught[threshold][case.category] += 1
                if not case.label:
                    layer = " + ".join(sorted({f"{r.layer}:{r.category}" for r in result.reasons}))
                    layers[threshold][layer] += 1
                    held[threshold, layer].append(case.text)
    harmful = [category for category in totals if category != "neither"]
    for threshold in thresholds:
        recall = sum(caught[threshold][c] for c in harmful) / sum(totals[c] for c in harmful)
        per_category = ", ".join(f"{c} {caught[threshold][c] / totals[c]:.3f}" for c in sorted(harmful))
        false_positives = caught[threshold]["neither"] / totals["neither"]
        print(
            f"insult scorer threshold {threshold:.2f}: recall {recall:.3f} ({per_category}), "
            f"false positives {false_positives:.3f} of {totals['neither']} 'neither'"
        )
        for layer, count in layers[threshold].most_common(8):
            print(f"  {count:>4}  {layer}")
            for text in held[threshold, layer][: args.errors]:
                print(f"          {text}")


if __name__ == "__main__":
    main()
