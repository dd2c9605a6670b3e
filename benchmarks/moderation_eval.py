"""Quality and speed of the default text filter on data it was not tuned on.

Run from the repository root: ``python benchmarks/moderation_eval.py`` (``--part tune`` measures the
tuning parts instead, ``--errors N`` prints N misses and false positives per source, only ever use it
on the tuning part). Flagged = ``review`` or ``block``; recall on harmful lines, false positives on
clean ones. For the SMS Spam Collection only spam and contact-data reasons count (its "ham" is "not
spam", and holds sexual and abusive texts the filter rightly holds for other reasons). The held-out
parts are fixed by ``benchmarks/moderation_sets.py``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from moderation_sets import HELDOUT, SOURCES, TUNE, Case, load  # noqa: E402

from bot.moderation import Verdict, default_filter  # noqa: E402

PROJECT_SETS = ("corpus", "holdout", "blind3", "identity")
COUNTED = {"smsspam": frozenset({"spam", "phone", "email", "url", "handle", "iban"})}
SPEED_SECONDS = 3.0


def _rate(hits: int, total: int) -> str:
    return f"{hits / total:.3f}" if total else "  -  "


class Tally:
    def __init__(self) -> None:
        self.harmful = 0
        self.caught = 0
        self.clean = 0
        self.flagged_clean = 0

    def add(self, label: int, flagged: bool) -> None:
        if label:
            self.harmful += 1
            self.caught += flagged
        else:
            self.clean += 1
            self.flagged_clean += flagged

    @property
    def accuracy(self) -> float:
        right = self.caught + (self.clean - self.flagged_clean)
        return right / max(1, self.harmful + self.clean)

    def row(self, name: str) -> str:
        return (
            f"{name:<42} {self.harmful:>6} {_rate(self.caught, self.harmful):>7} "
            f"{self.clean:>6} {_rate(self.flagged_clean, self.clean):>7} {self.accuracy:>7.3f}"
        )


HEADER = f"{'set':<42} {'harm':>6} {'recall':>7} {'clean':>6} {'FP':>7} {'acc':>7}"


def project_cases() -> list[Case]:
    """The project's own labelled lines (``tests/moderation/<set>_<lang>.tsv``)."""
    found = []
    for name in PROJECT_SETS:
        for lang in ("en", "fr"):
            path = ROOT / "tests" / "moderation" / f"{name}_{lang}.tsv"
            if not path.exists():
                continue
            for raw in path.read_text(encoding="utf-8").splitlines():
                if raw.strip():
                    label, category, text = raw.split("\t")
                    found.append(Case(f"own_{name}", lang, category, int(label == "harmful"), text, "", ""))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--part", choices=[HELDOUT, TUNE], default=HELDOUT)
    parser.add_argument("--errors", type=int, default=0, help="print errors (tuning only)")
    parser.add_argument("--source", action="append", help="only these sources")
    args = parser.parse_args()
    if args.errors and args.part != TUNE:
        parser.error("--errors only on --part tune: never look at held-out errors")
    text_filter = default_filter()
    sources = tuple(args.source or SOURCES)
    per_source: dict[str, Tally] = defaultdict(Tally)
    per_category: dict[str, Tally] = defaultdict(Tally)
    per_lang: dict[str, Tally] = defaultdict(Tally)
    errors: dict[str, list[str]] = defaultdict(list)
    texts: list[tuple[str, str]] = []
    for source in sources:
        for case in load(source):
            if case.part != args.part:
                continue
            result = text_filter.check(case.text, case.lang)
            flagged = result.verdict is not Verdict.ALLOW
            if source in COUNTED:
                flagged = flagged and not COUNTED[source].isdisjoint(result.categories)
            per_source[source].add(case.label, flagged)
            per_category[f"{source}/{case.category}"].add(case.label, flagged)
            if not source.startswith("mlma"):  # MLMA's clean tweets are not clean: recall only
                per_lang[case.lang].add(case.label, flagged)
            texts.append((case.text, case.lang))
            if args.errors and flagged != bool(case.label):
                errors[source].append(f"{'MISS' if case.label else 'FP  '} {case.category}: {case.text}")
    own: dict[str, Tally] = defaultdict(Tally)
    if not args.source:
        for case in project_cases():
            flagged = text_filter.check(case.text, case.lang).verdict is not Verdict.ALLOW
            own[f"{case.source}_{case.lang}"].add(case.label, flagged)
    print(f"Public sets, {args.part} part (flagged = review or block)\n{HEADER}")
    for name, tally in per_source.items():
        print(tally.row(name))
    print(f"\nPer language (public sets, MLMA left out){chr(10)}{HEADER}")
    for name, tally in sorted(per_lang.items()):
        print(tally.row(name))
    if own:
        print(f"\nThe project's own sets (tests/moderation){chr(10)}{HEADER}")
        for name, tally in sorted(own.items()):
            print(tally.row(name))
    print(f"\nPer category{chr(10)}{HEADER}")
    for name, tally in sorted(per_category.items()):
        print(tally.row(name))
    for source, lines in errors.items():
        print(f"\n{source}: {len(lines)} errors")
        for line in lines[: args.errors]:
            print("  " + line)
    _speed(texts)


def _speed(texts: list[tuple[str, str]]) -> None:
    """Messages per second of CPU time of this process (one core; other processes on the machine
    do not count), and per second of wall-clock time."""
    text_filter = default_filter()
    sample = texts[:: max(1, len(texts) // 2000)]
    checked = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    elapsed = 0.0
    while elapsed < SPEED_SECONDS:
        for text, lang in sample:
            text_filter.check(text, lang)
        checked += len(sample)
        elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    print(
        f"\nSpeed, whole pipeline: {checked} messages, {checked / cpu:,.0f} per CPU-second on one core "
        f"({checked / elapsed:,.0f} per wall-clock second)"
    )


if __name__ == "__main__":
    main()
