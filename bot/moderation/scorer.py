"""A small learned scorer: logistic regression over word and character n-grams of the normalised text.

Trained by ``scripts/train_moderation_scorer.py`` on the tuning parts of public labelled sets and the
project's tuning corpora; its weights ship in ``bot/moderation/data/scorer_<head>.tsv.gz``
(``feature<TAB>weight`` a line, after a ``#bias``/``#threshold`` header). Pure Python at run time:
features are looked up in a dict, and a word's character n-grams are summed once and cached.

Features of a text, from the normalised tokens (so leetspeak, masks, stretched and spaced letters are
already undone): ``w:<word>``, ``b:<word> <next word>`` and ``c:<3 to 5 characters>`` of each word
framed as ``<word>`` (which also reads words glued together or with a letter dropped or swapped), and
``s:<shape>`` of words holding digits (``0`` a digit, ``a`` a letter).
"""

from __future__ import annotations

import gzip
import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources

from bot.moderation.normalise import Token

CHAR_NGRAMS = (3, 4, 5)
_CACHE_LIMIT = 200_000


def _shape(word: str) -> str:
    return "".join("0" if char.isdigit() else "a" for char in word)


def word_features(word: str) -> Iterator[str]:
    yield "w:" + word
    if not word.isalpha():
        yield "s:" + _shape(word)  # "0000a" for "2000p", "00000000000" for a phone number
    framed = "<" + word + ">"
    for size in CHAR_NGRAMS:
        for start in range(len(framed) - size + 1):
            yield "c:" + framed[start : start + size]


def features(words: Sequence[str]) -> Iterator[str]:
    """Every feature of a text given its normalised words (repeats included)."""
    for word in words:
        yield from word_features(word)
    for first, second in itertools.pairwise(words):
        yield "b:" + first + " " + second


@dataclass(frozen=True)
class Score:
    probability: float
    flagged: bool
    top: tuple[str, ...]  # the features that pushed the score up most


class Scorer:
    """One logistic regression head: a probability, and whether it passes the shipped threshold."""

    def __init__(self, weights: dict[str, float], bias: float, threshold: float) -> None:
        self.weights = weights
        self.bias = bias
        self.threshold = threshold
        self._word_cache: dict[str, float] = {}

    @classmethod
    def from_lines(cls, lines: Sequence[str]) -> Scorer:
        header, weights = read_weights(lines)
        return cls(weights, header["bias"], header["threshold"])

    def _word_sum(self, word: str) -> float:
        cached = self._word_cache.get(word)
        if cached is None:
            get = self.weights.get
            cached = sum(get(feature, 0.0) for feature in word_features(word))
            if len(self._word_cache) >= _CACHE_LIMIT:
                self._word_cache.clear()
            self._word_cache[word] = cached
        return cached

    def margin(self, words: Sequence[str]) -> float:
        total = self.bias
        word_sum = self._word_sum
        get = self.weights.get
        for word in words:
            total += word_sum(word)
        for first, second in itertools.pairwise(words):
            total += get("b:" + first + " " + second, 0.0)
        return total

    def probability(self, words: Sequence[str]) -> float:
        margin = max(-30.0, min(30.0, self.margin(words)))
        return 1.0 / (1.0 + math.exp(-margin))

    def score(self, words: Sequence[str], explain: bool = False) -> Score:
        probability = self.probability(words)
        top: tuple[str, ...] = ()
        if explain:
            weighted = [(self.weights.get(feature, 0.0), feature) for feature in features(words)]
            top = tuple(feature for weight, feature in sorted(weighted, reverse=True)[:5] if weight > 0)
        return Score(probability, probability >= self.threshold, top)


def words_of(tokens: Sequence[Token]) -> list[str]:
    return [token.text for token in tokens]


def shipped_lines(head: str) -> Iterator[str]:
    """The lines of head ``head``'s shipped weights file, read as they are needed (never all at once)."""
    data = resources.files("bot.moderation").joinpath("data", f"scorer_{head}.tsv.gz")
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
        for line in text:
            yield line.rstrip("\n")


def entries(lines: Iterable[str]) -> Iterator[tuple[str, float]]:
    """A shipped weights file's entries: ``#name<TAB>value`` header lines (``#name``, value), then
    ``feature<TAB>weight`` lines. Equal weights are one float object (the files are rounded)."""
    numbers: dict[str, float] = {}  # a few hundred values over tens of thousands of lines: one float each
    for line in lines:
        if line:
            key, value = line.rsplit("\t", 1)
            number = numbers.get(value)
            if number is None:
                number = numbers[value] = float(value)
            yield key, number


def read_weights(lines: Iterable[str]) -> tuple[dict[str, float], dict[str, float]]:
    """A shipped weights file: its header (``#`` dropped) and its weights."""
    header: dict[str, float] = {}
    weights: dict[str, float] = {}
    for key, value in entries(lines):
        if key.startswith("#"):
            header[key[1:]] = value
        else:
            weights[key] = value
    return header, weights
