"""The learned hate scorer: what is said about a protected group, read the way it generalises.

HateCheck-style hate is templated ("I hate X", "X are vermin", "X should all be shot") and so is its
hard clean side ("I don't hate X", "saying 'X are vermin' makes you a bigot", "I hate pizza", "I'm
X and proud"). A scorer that learns words learns the templates it saw; this one reads classes
instead, so what it learns carries over to sentences it never saw:

- each group's name (``group_words.txt``, spelling tricks and glued words undone as the group rules
  read them) is ``<g>``, or ``<gself>`` when the writer names what they or their own are; a slur
  (``slur_words.txt``) is ``<slur>``; a hostile word (``group_hostile.txt``) is also ``<h>``;
- every word and hostile class is read under the text's state: a group named (``G``), quotation
  marks (``Q``), counter-speech as the group rules see it (``C``), someone addressed (``Y``), and
  whether a negation stands within six words before it (``N``): "disgusting" means one thing
  about a group and another about pizza or inside a quotation;
- each word's class (``_kind``: a group's name or slur, hostile ``<h>``, praise or warmth ``<p>``
  from ``group_cues.txt``, a negation ``<n>``, a pronoun standing for a group ``<they>``, a word
  reporting speech ``<say>``, else the word itself), each class also marked when a negation stands
  just before it (``k:N<h>``: "I don't hate X"), and pairs of neighbouring classes, with and
  without the state; whether the text holds no hostile word nor slur (``s:nohostile``);
- how each group's name or slur stands to each hostile word and each word of praise: which comes
  first, how far apart, and whether a negation stands between them ("X are vermin", "vermin like
  X", "X are not vermin", "X are not welcome"), so what is learned from one template's wording
  carries to another's;
- what the rules found, as ``r:<layer>:<category>`` (``r:none`` when nothing).

No exact word pairs and no letter pieces: in cross-validation by template on the tuning part, with
the rules' findings left out (``benchmarks/moderation_cv.py``), they learned the templates' wording
rather than what is said (0.80 / 0.81 with them, 0.85 / 0.86 with classes instead).
Its weights ship in ``data/scorer_hate.tsv.gz`` (``scripts/train_moderation_scorer.py --head hate``,
on HateCheck's tuning templates, Davidson's tuning tweets naming a group and the project's corpora).
It only speaks about texts that name a group or use a slur, and only ever sends to review.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from functools import cache

from bot.moderation import groups as group_rules
from bot.moderation.scorer import read_weights, shipped_lines
from bot.moderation.self_talk import said_of_oneself_in

_QUOTES = frozenset('"“”«»„')
# ("t" is left out: "don't" ends in it as often as "t'es" starts with it)
_SECOND = frozenset(
    {"you", "u", "ur", "your", "yourself", "tu", "te", "toi", "ton", "ta", "tes", "vous", "votre", "vos"}
)
_NEGATION_REACH = 6
_POSITIVE = group_rules._cues("praise") | group_rules._cues("positive")
GROUP_CLASS = "<g>"
SELF_CLASS = "<gself>"
SLUR_CLASS = "<slur>"
OWN_SLURS = "s:ownslurs"  # every slur said of oneself or reported as what one was called
HOSTILE_CLASS = "<h>"
PRAISE_CLASS = "<p>"
NEGATOR_CLASS = "<n>"
PRONOUN_CLASS = "<they>"
SPEECH_CLASS = "<say>"


def read_classes(words: Sequence[str]) -> tuple[list[str], list[str]]:
    """The words as read (spelling tricks undone, glued words split) and their classes."""
    read = [word for word, _ in group_rules._read(words)]
    groups = group_rules.group_words()
    slurs = group_rules.slur_words()
    classes = []
    for i, word in enumerate(read):
        if word in groups:
            classes.append(SELF_CLASS if group_rules.identifies_self(read, i) else GROUP_CLASS)
        elif word in slurs:
            classes.append(SLUR_CLASS)
        else:
            classes.append(word)
    return read, classes


def own_slurs(words: Sequence[str]) -> bool:
    """Whether the text's slurs are all said by the writer of themselves or reported as what they were
    called ("I'm a proud dyke", "why would you call me a tranny?"), as the lexicon reads them."""
    slurs = group_rules.slur_words()
    if slurs.isdisjoint(words):
        return False
    return all(said_of_oneself_in(words, i) for i, word in enumerate(words) if word in slurs)


def names_a_group(classes: Sequence[str]) -> bool:
    return GROUP_CLASS in classes or SLUR_CLASS in classes


def text_state(text: str, read: Sequence[str], classes: Sequence[str]) -> str:
    return (
        ("G" if names_a_group(classes) else "")
        + ("Q" if not _QUOTES.isdisjoint(text) else "")
        + ("C" if group_rules.is_counter_speech(text, read) else "")
        + ("Y" if not _SECOND.isdisjoint(read) else "")
    )


def features(
    text: str,
    words: Sequence[str],
    rules: Iterable[str],
    *,
    classes_read: tuple[list[str], list[str]] | None = None,
) -> list[str]:
    """Every feature of a text, from its normalised words and what the rules found
    (``"<layer>:<category>"``). ``classes_read``: ``read_classes(words)`` when the caller has it
    already."""
    read, classes = read_classes(words) if classes_read is None else classes_read
    state = text_state(text, read, classes)
    negators = group_rules._NEGATORS
    found = ["s:" + state]
    if SELF_CLASS in classes:
        found.append("s:self")
    if own_slurs(words):
        found.append(OWN_SLURS)
    last_negator = -_NEGATION_REACH - 1
    paired = []
    negated_at = []
    intensifying = group_rules.intensifying(classes) if not negators.isdisjoint(classes) else frozenset()
    reported = group_rules.reported_violence(read)  # "X were killed in the attack": no hostility
    for i, word in enumerate(classes):
        negated = "N" if i - last_negator <= _NEGATION_REACH else ""
        negated_at.append(negated)
        if word in negators and i not in intensifying:
            last_negator = max(last_negator, i)
        elif negated and word in group_rules.OPINION_VERBS:
            # "I don't think women are stupid", "je ne pense pas que les femmes soient stupides": the
            # whole clause after a negated opinion is negated
            last_negator = len(classes)
        hostile = word[0] != "<" and i not in reported and group_rules._hostile(word)
        found.append("w:" + word)
        found.append(state + negated + ":" + word)
        if hostile:
            found.append(state + negated + ":" + HOSTILE_CLASS)
        paired.append(HOSTILE_CLASS if hostile else word)
    found.extend(_relations(paired, negators))
    kinds = [word if i in reported else _kind(word) for i, word in enumerate(classes)]
    for kind, word, negated in zip(kinds, classes, negated_at, strict=True):
        if kind != word:
            found.append("k:" + negated + kind)
            if kind != HOSTILE_CLASS:  # read under the state already
                found.append(state + negated + ":" + kind)
    for first, second in itertools.pairwise(kinds):
        found.append("kb:" + first + " " + second)
        found.append(state + "kb:" + first + " " + second)
    found.extend(_relations(kinds, negators, PRAISE_CLASS))
    if HOSTILE_CLASS not in kinds and SLUR_CLASS not in kinds:
        found.append("s:nohostile")
    rule_features = ["r:" + rule for rule in sorted(set(rules))]
    found.extend(rule_features or ["r:none"])
    return found


def _kind(word: str) -> str:
    """A word's class for the scorer: a group's name or slur, hostile, praise, negation, a pronoun
    standing for a group, a word reporting speech; else the word itself."""
    if word[0] == "<":
        return word
    if group_rules._hostile(word):
        return HOSTILE_CLASS
    if word in _POSITIVE:
        return PRAISE_CLASS
    if word in group_rules._NEGATORS:
        return NEGATOR_CLASS
    if word in group_rules._PRONOUNS:
        return PRONOUN_CLASS
    if word in group_rules._SPEECH:
        return SPEECH_CLASS
    return word


def _relations(paired: Sequence[str], negators: frozenset[str], other: str = HOSTILE_CLASS) -> list[str]:
    """How a group's name and a hostile word or slur stand to each other: which comes first, how
    far apart (1, 2-3, 4-6, further) and whether a negation stands between them."""
    found = []
    targets = [i for i, word in enumerate(paired) if word in (GROUP_CLASS, SLUR_CLASS)]
    hostile = [i for i, word in enumerate(paired) if word == other]
    for g in targets:
        for h in hostile:
            distance = abs(h - g)
            bucket = "1" if distance == 1 else "3" if distance <= 3 else "6" if distance <= 6 else "far"
            between = paired[min(g, h) + 1 : max(g, h)]
            negated = "N" if not negators.isdisjoint(between) or NEGATOR_CLASS in between else ""
            tag = "" if other == HOSTILE_CLASS else other
            found.append(f"rel{tag}:{paired[g]}{'<' if g < h else '>'}{bucket}{negated}")
    return found


def may_add(found: Sequence[str], probability: float, add: float, strong: float) -> bool:
    """Whether the scorer may hold a text the group rules let through: said by no one naming what
    they are themselves, and either a hostile word or a slur is there and the score passes ``add``,
    or the score alone passes ``strong`` ("X lives are worth nothing" has no hostile word). Never
    in counter-speech (``C`` in the text's state, ``found[0]``): what it quotes or reports is not
    said, as the lexicon and the group rules read it."""
    if "s:self" in found or OWN_SLURS in found or (found and found[0].startswith("s:") and "C" in found[0]):
        return False
    if probability >= strong:
        return True
    return probability >= add and any(
        feature.endswith(":" + HOSTILE_CLASS) or feature == "w:" + SLUR_CLASS for feature in found
    )


class HateScorer:
    """A logistic regression over ``features``: a probability and the shipped thresholds, one to
    keep what the group rules found (``threshold``), two to hold a text they let through (``add``
    with a hostile word or a slur, ``strong`` without; see ``may_add``)."""

    def __init__(
        self, weights: dict[str, float], bias: float, threshold: float, add: float, strong: float = 2.0
    ) -> None:
        self.weights = weights
        self.bias = bias
        self.threshold = threshold
        self.add = add
        self.strong = strong

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> HateScorer:
        header, weights = read_weights(lines)
        return cls(weights, header["bias"], header["threshold"], header["add"], header.get("strong", 2.0))

    def probability(self, found: Iterable[str]) -> float:
        """The probability from ``found`` features."""
        get = self.weights.get
        margin = self.bias + sum(get(feature, 0.0) for feature in found)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, margin))))

    def top(self, found: Iterable[str], count: int = 5) -> tuple[str, ...]:
        weighted = sorted(((self.weights.get(f, 0.0), f) for f in set(found)), reverse=True)
        return tuple(feature for weight, feature in weighted[:count] if weight > 0)


@cache
def load_hate_scorer() -> HateScorer:
    return HateScorer.from_lines(shipped_lines("hate"))
