"""The learned layer: the shipped scorers, each able to send a text to review, never to block it.

The heads' weights are merged into one table so a text is read once for all of them, and each word's
character n-grams are summed once and cached. The table holds, for each feature, where its row (one weight
per head) starts in one flat array of doubles; no head keeps a table of its own: about 13 MiB resident for
the two heads, where a dict per head plus a tuple of floats per feature took 22 MiB.
"""

from __future__ import annotations

import itertools
import math
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bot.moderation.groups import GROUP, group_words
from bot.moderation.scorer import entries, features, shipped_lines, word_features
from bot.moderation.verdict import Reason

LAYER = "learned"
_CACHE_LIMIT = 200_000


@dataclass(frozen=True)
class Head:
    name: str  # scorer_<name>.tsv.gz
    category: str  # the reason reported
    min_words: int = 1  # shorter texts are not scored by this head


# Spam is a message with an offer, a prize, a number to call: a few words say too little about it.
HEADS = (Head("abuse", "insult"), Head("spam", "spam", min_words=8))


def scoring_words(words: Sequence[str]) -> list[str]:
    """The words as the scorers read them: every group's name is one word, ``<group>``, so that what
    they learn is what is said, not which group is named."""
    groups = group_words()
    return [GROUP if word in groups else word for word in words]


# Swearing that abuses no one ("fuck this printer", "what the fuck is this weather"): the insult
# scorer does not speak when its score rests on these words alone and no one is addressed.
_PROFANITY = frozenset(
    (
        "fuck",
        "fucking",
        "fucked",
        "fuckin",
        "fck",
        "shit",
        "shitty",
        "damn",
        "hell",
        "crap",
        "bloody",
        "wtf",
        "putain",
        "merde",
        "bordel",
        "chier",
    )
)
_ADDRESSED = frozenset(
    (
        "you",
        "u",
        "ur",
        "your",
        "ya",
        "yall",
        "yourself",
        "he",
        "she",
        "him",
        "her",
        "his",
        "they",
        "them",
        "tu",
        "t",
        "te",
        "toi",
        "ton",
        "ta",
        "tes",
        "vous",
        "votre",
        "il",
        "elle",
        "ils",
        "elles",
        "lui",
        "eux",
    )
)


def _only_profanity(
    words: Sequence[str], probabilities: Callable[[Sequence[str]], dict[str, float]], threshold: float
) -> bool:
    if _PROFANITY.isdisjoint(words) or not _ADDRESSED.isdisjoint(words):
        return False
    rest = [word for word in words if word not in _PROFANITY]
    return not rest or probabilities(rest)["abuse"] < threshold


# Pronouns alone say someone is spoken to, not that they are abused ("you and all the other women
# are a blessing"): on a text naming a group, the insult scorer does not speak when its score rests
# on them.
_PRONOUNS = frozenset({"you", "u", "ur", "your", "ya", "yall", "yourself", "tu", "t", "te", "toi", "vous"})


def _only_address(
    words: Sequence[str], probabilities: Callable[[Sequence[str]], dict[str, float]], threshold: float
) -> bool:
    if _PRONOUNS.isdisjoint(words) or GROUP not in words:
        return False
    return probabilities([word for word in words if word not in _PRONOUNS])["abuse"] < threshold


def _sigmoid(margin: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, margin))))


class LearnedLayer:
    """``lines``: a head's weights file as lines, by the head's name (the shipped files unless a
    benchmark gives others, e.g. heads trained without the fold it scores)."""

    def __init__(self, lines: Callable[[str], Iterable[str]] = shipped_lines) -> None:
        self._heads = HEADS
        count = len(self._heads)
        self._rows: dict[str, int] = {}  # feature -> where its weights start in ``_weights``
        self._weights = array("d")
        bias, thresholds = [0.0] * count, [0.0] * count
        zeros = array("d", [0.0] * count)
        for k, head in enumerate(self._heads):
            header: dict[str, float] = {}
            for key, weight in entries(lines(head.name)):
                if key.startswith("#"):
                    header[key[1:]] = weight
                    continue
                row = self._rows.get(key)
                if row is None:
                    row = self._rows[key] = len(self._weights)
                    self._weights.extend(zeros)
                self._weights[row + k] = weight
            bias[k], thresholds[k] = header["bias"], header["threshold"]
        self._bias, self._thresholds = tuple(bias), tuple(thresholds)
        self._word_cache: dict[str, tuple[float, ...]] = {}

    def _word(self, word: str) -> tuple[float, ...]:
        cached = self._word_cache.get(word)
        if cached is None:
            count = len(self._heads)
            sums = [0.0] * count
            get, weights = self._rows.get, self._weights
            for feature in word_features(word):
                row = get(feature)
                if row is not None:
                    for k in range(count):
                        sums[k] += weights[row + k]
            cached = tuple(sums)
            if len(self._word_cache) >= _CACHE_LIMIT:
                self._word_cache.clear()
            self._word_cache[word] = cached
        return cached

    def probabilities(self, words: Sequence[str]) -> dict[str, float]:
        margins = list(self._bias)
        count = len(margins)
        for word in words:
            for k, weight in enumerate(self._word(word)):
                margins[k] += weight
        get, weights = self._rows.get, self._weights
        for first, second in itertools.pairwise(words):
            row = get("b:" + first + " " + second)
            if row is not None:
                for k in range(count):
                    margins[k] += weights[row + k]
        return {head.name: _sigmoid(margin) for head, margin in zip(self._heads, margins, strict=True)}

    def _top(self, words: Sequence[str], k: int) -> tuple[str, ...]:
        """The features that pushed head ``k``'s score up most."""
        get, weights = self._rows.get, self._weights

        def weight(feature: str) -> float:
            row = get(feature)
            return 0.0 if row is None else weights[row + k]

        weighted = sorted(((weight(feature), feature) for feature in features(words)), reverse=True)
        return tuple(feature for value, feature in weighted[:5] if value > 0)

    def reasons(self, tokens: Sequence[str], explain: bool = False) -> list[Reason]:
        """Reasons from the heads whose score passes their threshold; ``tokens`` are normalised words."""
        if not tokens:
            return []
        words = scoring_words(tokens)
        found = []
        probabilities = self.probabilities(words)
        for k, head in enumerate(self._heads):
            threshold = self._thresholds[k]
            probability = probabilities[head.name]
            if probability < threshold or len(words) < head.min_words:
                continue
            if head.name == "abuse" and _only_profanity(words, self.probabilities, threshold):
                continue
            if head.name == "abuse" and _only_address(words, self.probabilities, threshold):
                continue
            detail = f"{head.name} score {probability:.2f}"
            if explain:
                top = self._top(words, k)
                if top:
                    detail += " (" + ", ".join(top) + ")"
            found.append(Reason(head.category, detail, LAYER))
        return found
