"""The learned layer: the shipped scorers, each able to send a text to review, never to block it.

The heads' weights are merged into one table (feature → one weight per head) so a text is read once
for all of them, and each word's character n-grams are summed once and cached.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.moderation.groups import GROUP, group_words
from bot.moderation.scorer import Scorer, load_scorer, word_features
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
    def __init__(self, scorers: dict[str, Scorer] | None = None) -> None:
        self._scorers = (
            scorers if scorers is not None else {head.name: load_scorer(head.name) for head in HEADS}
        )
        self._heads = tuple(head for head in HEADS if head.name in self._scorers)
        count = len(self._heads)
        table: dict[str, list[float]] = {}
        for k, head in enumerate(self._heads):
            for feature, weight in self._scorers[head.name].weights.items():
                table.setdefault(feature, [0.0] * count)[k] = weight
        self._table = {feature: tuple(weights) for feature, weights in table.items()}
        self._bias = tuple(self._scorers[head.name].bias for head in self._heads)
        self._zero = (0.0,) * count
        self._word_cache: dict[str, tuple[float, ...]] = {}

    def _word(self, word: str) -> tuple[float, ...]:
        cached = self._word_cache.get(word)
        if cached is None:
            sums = [0.0] * len(self._heads)
            get = self._table.get
            for feature in word_features(word):
                weights = get(feature)
                if weights is not None:
                    for k, weight in enumerate(weights):
                        sums[k] += weight
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
        get = self._table.get
        for first, second in itertools.pairwise(words):
            weights = get("b:" + first + " " + second)
            if weights is not None:
                for k in range(count):
                    margins[k] += weights[k]
        return {head.name: _sigmoid(margin) for head, margin in zip(self._heads, margins, strict=True)}

    def reasons(self, tokens: Sequence[str], explain: bool = False) -> list[Reason]:
        """Reasons from the heads whose score passes their threshold; ``tokens`` are normalised words."""
        if not tokens:
            return []
        words = scoring_words(tokens)
        found = []
        probabilities = self.probabilities(words)
        for head in self._heads:
            scorer = self._scorers[head.name]
            probability = probabilities[head.name]
            if probability < scorer.threshold or len(words) < head.min_words:
                continue
            if head.name == "abuse" and _only_profanity(words, self.probabilities, scorer.threshold):
                continue
            if head.name == "abuse" and _only_address(words, self.probabilities, scorer.threshold):
                continue
            detail = f"{head.name} score {probability:.2f}"
            if explain:
                top = scorer.score(words, explain=True).top
                if top:
                    detail += " (" + ", ".join(top) + ")"
            found.append(Reason(head.category, detail, LAYER))
        return found
