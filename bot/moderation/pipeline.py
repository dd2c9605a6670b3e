"""The offline English/French text filter: lexicons, personal data and defamation, one verdict."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from bot.moderation.defamation import find_defamation
from bot.moderation.groups import LAYER as GROUP_LAYER
from bot.moderation.groups import (
    condemns,
    find_group_hostility,
    is_counter_speech,
    negated_opinions,
    reported_or_quoted,
    under_negated_opinion,
    without_quotations,
)
from bot.moderation.hate_scorer import (
    HateScorer,
    load_hate_scorer,
    may_add,
    names_a_group,
    read_classes,
)
from bot.moderation.hate_scorer import features as hate_features
from bot.moderation.learned import LAYER as LEARNED_LAYER
from bot.moderation.learned import LearnedLayer
from bot.moderation.lexicon import Hit, Matcher, Pattern, load_data_file, parse
from bot.moderation.named_threats import find_named_threats
from bot.moderation.normalise import Token, tokenise
from bot.moderation.personal_data import find_personal_data
from bot.moderation.play import in_play, pushes_to_self_harm
from bot.moderation.self_talk import said_of_oneself
from bot.moderation.spam_rules import find_spam_signs
from bot.moderation.verdict import CATEGORIES, FilterResult, Reason, Verdict
from bot.moderation.warm_up import warmed
from bot.moderation.words import WordList

LEXICON_FILES = ("lexicon_en.txt", "lexicon_fr.txt")
# Implied harm without a listed word: insult constructions, dehumanising metaphors, veiled threats,
# self-harm intent, harassment phrasing. Ambiguous by nature, so a hit there holds the text for a
# human (review) and never blocks it on its own.
IMPLIED_FILES = ("implied_en.txt", "implied_fr.txt")
IMPLIED_PREFIX = "implied:"
ACCUSATIONS_FILE = "accusations.txt"
ALLOWLIST_FILE = "allowlist.txt"
LEXICON_CATEGORIES = ("insult", "hate", "threat", "sexual", "self_harm", "spam")

_ACCUSATION = "accusation"
_ALLOW = "allow"
_DEFAMATION_CUES = frozenset({_ACCUSATION, "insult"})
_REPORTABLE = frozenset(
    {"hate", "threat", "insult", "sexual", IMPLIED_PREFIX + "hate", IMPLIED_PREFIX + "threat"}
)

VERDICTS: dict[str, Verdict] = {
    "insult": Verdict.BLOCK,
    "hate": Verdict.BLOCK,
    "threat": Verdict.BLOCK,
    "spam": Verdict.BLOCK,
    "sexual": Verdict.REVIEW,
    # A secret about wanting to die must reach a human, not be silently dropped.
    "self_harm": Verdict.REVIEW,
    "phone": Verdict.REVIEW,
    "email": Verdict.REVIEW,
    "handle": Verdict.REVIEW,
    "url": Verdict.REVIEW,
    "iban": Verdict.REVIEW,
    "address": Verdict.REVIEW,
    "defamation": Verdict.REVIEW,
    "words": Verdict.REVIEW,  # a community's own list says block or review per entry
}
assert set(VERDICTS) == set(CATEGORIES)

# The layers whose findings the hate scorer reads (not the learned ones, not a community's list).
_RULE_LAYERS = frozenset({"lexicon", "implied", "personal_data", GROUP_LAYER, "spam_rules", "defamation"})

# Words that must stand outside the quotation marks for the quotation to be reported speech.
_MIN_OUTSIDE_QUOTE = 5

_SEVERITY = {Verdict.ALLOW: 0, Verdict.REVIEW: 1, Verdict.BLOCK: 2}


@cache
def load_patterns() -> tuple[Pattern, ...]:
    """Every pattern shipped with the package: both lexicons, accusations and the allowlist."""
    patterns: list[Pattern] = []
    for name in LEXICON_FILES:
        parsed = parse(load_data_file(name), name)
        unknown = {p.category for p in parsed} - set(LEXICON_CATEGORIES)
        if unknown:
            raise ValueError(f"{name}: unknown categories {sorted(unknown)}")
        patterns.extend(parsed)
    for name in IMPLIED_FILES:
        parsed = parse(load_data_file(name), name)
        unknown = {p.category for p in parsed} - set(LEXICON_CATEGORIES)
        if unknown:
            raise ValueError(f"{name}: unknown categories {sorted(unknown)}")
        patterns.extend(replace(p, category=IMPLIED_PREFIX + p.category) for p in parsed)
    patterns.extend(parse(load_data_file(ACCUSATIONS_FILE), ACCUSATIONS_FILE))
    allow_lines = (f"{_ALLOW}\t{line}" for line in load_data_file(ALLOWLIST_FILE) if not line.startswith("#"))
    patterns.extend(parse(allow_lines, ALLOWLIST_FILE))
    return tuple(patterns)


def _overlaps(hit: Hit, spans: list[tuple[int, int]]) -> bool:
    return any(first <= hit.last and hit.first <= last for first, last in spans)


def _within_longer(hit: Hit, hits: list[Hit]) -> bool:
    """Whether a longer hit of the same category covers this one ("fils de pute" covers "pute")."""
    return any(
        other.category == hit.category
        and other != hit
        and other.first <= hit.first
        and hit.last <= other.last
        and (other.last - other.first) > (hit.last - hit.first)
        for other in hits
    )


def _worst(verdicts: list[Verdict]) -> Verdict:
    return max(verdicts, key=_SEVERITY.__getitem__, default=Verdict.ALLOW)


def _category_and_verdict(category: str) -> tuple[str, Verdict] | None:
    """The reported category of a hit and the verdict it calls for (an implied hit: review at most)."""
    if category.startswith(IMPLIED_PREFIX):
        category = category[len(IMPLIED_PREFIX) :]
        verdict = VERDICTS.get(category)
        if verdict is None:
            return None
        return category, verdict if verdict is Verdict.ALLOW else Verdict.REVIEW
    verdict = VERDICTS.get(category)
    return None if verdict is None else (category, verdict)


class TextFilter:
    """Runs both lexicons on every text (language detection fails on short insults), then personal
    data and defamation; the verdict is the most severe of every reason found."""

    def __init__(
        self,
        patterns: tuple[Pattern, ...] | None = None,
        learned: LearnedLayer | None = None,
        hate: HateScorer | None = None,
    ) -> None:
        self._matcher = Matcher(load_patterns() if patterns is None else patterns)
        self._learned = learned
        self._hate = hate

    def check(
        self,
        text: str,
        lang: str | None = None,
        *,
        words: WordList | None = None,
        self_harm: Verdict = Verdict.REVIEW,
        explain: bool = False,
    ) -> FilterResult:
        """The verdict on ``text``. ``words``: a community's own list, applied on top; ``self_harm``:
        the verdict a member's own distress gets in this community (its reasons are always reported,
        so the member is answered with care whatever the verdict); ``explain``: the learned layer's
        reasons name the features behind their score."""
        # ``lang`` is accepted as a hint but not used for matching: both lexicons always run.
        del lang
        tokens = tokenise(text)
        found, read = self.rules(text, tokens, self_harm)
        if words is not None:
            found.extend(words.find(text, tokens))
        if (self._learned is not None or self._hate is not None) and _worst(
            [v for _, v in found]
        ) is not Verdict.BLOCK:
            found = self._learned_reasons(text, found, read, explain)
        return _result(found, " ".join(token.text for token in tokens))

    def _learned_reasons(
        self, text: str, found: list[tuple[Reason, Verdict]], read: list[str], explain: bool
    ) -> list[tuple[Reason, Verdict]]:
        if self._hate is not None:
            # The group rules' finding is one of the hate scorer's features: it stands only if the
            # scorer agrees, and the scorer may hold a text the rules let through (review, never block).
            group = [reason for reason, _ in found if reason.layer == GROUP_LAYER]
            kept = [(reason, verdict) for reason, verdict in found if reason.layer != GROUP_LAYER]
            reason = self._hate_reason(text, read, [reason for reason, _ in found], group, explain)
            found = kept if reason is None else [*kept, (reason, Verdict.REVIEW)]
        if self._learned is not None:
            learned = self._learned.reasons(read, explain)
            if any(reason.category == "insult" for reason in learned):
                learned = self._unquoted_insult(text, read, learned, explain)
            found.extend((reason, Verdict.REVIEW) for reason in learned)
        return found

    def _unquoted_insult(
        self, text: str, read: list[str], learned: list[Reason], explain: bool
    ) -> list[Reason]:
        """ "Obvious hate like "X lives aren't worth shit" will get you banned": when the text quotes
        words and condemns them, the insult scorer reads only what stands outside the quotation."""
        assert self._learned is not None
        outside = without_quotations(text)
        if outside is None:
            return learned
        words = [token.text for token in tokenise(outside)]
        # A line all in quotation marks is said; quoting words back at someone is no condemnation.
        if len(words) < _MIN_OUTSIDE_QUOTE or not condemns(words):
            return learned
        others = [reason for reason in learned if reason.category != "insult"]
        again = self._learned.reasons(words, explain)
        return others + [reason for reason in again if reason.category == "insult"]

    def _hate_reason(
        self, text: str, read: list[str], reasons: list[Reason], group: list[Reason], explain: bool
    ) -> Reason | None:
        assert self._hate is not None
        classes_read = read_classes(read)
        if not group and not names_a_group(classes_read[1]):
            return None
        found = hate_features(text, read, rule_keys(reasons), classes_read=classes_read)
        probability = self._hate.probability(found)
        if group and probability >= self._hate.threshold:
            return group[0]
        if not may_add(found, probability, self._hate.add, self._hate.strong):
            return None
        detail = f"hate score {probability:.2f}"
        if explain:
            detail += " (" + ", ".join(self._hate.top(found)) + ")"
        return Reason("hate", detail, LEARNED_LAYER)

    def rules(
        self, text: str, tokens: list[Token], self_harm: Verdict = Verdict.REVIEW
    ) -> tuple[list[tuple[Reason, Verdict]], list[str]]:
        """What the lexicons and rules find (without the learned layer nor a community's list), and
        the normalised words outside known harmless phrases (what the scorers read)."""
        hits = self._matcher.find(tokens)
        allowed = [(h.first, h.last) for h in hits if h.category == _ALLOW]
        kept = [h for h in hits if h.category != _ALLOW and not _overlaps(h, allowed)]
        kept = [h for h in kept if not _within_longer(h, kept)]
        # "tu devrais te suicider": pushing someone else to it (a threat) is no one's own distress.
        pushes = [(h.first, h.last) for h in kept if h.category == "threat"]
        kept = [h for h in kept if not (h.category.endswith("self_harm") and _overlaps(h, pushes))]
        if pushes and in_play([t.text for t in tokens]):
            # "je vais le tuer ce boss": violence in a game or a story threatens no one
            kept = [
                h
                for h in kept
                if not h.category.endswith("threat")
                or pushes_to_self_harm([t.text for t in tokens[h.first : h.last + 1]])
            ]
        # "I was a total shithead back then", "je suis une salope aux yeux des gens": said of oneself
        # and a slur the writer says of themselves or reports being called ("my husband and I are both
        # proud dykes", "why would you call me a tranny?", "il m'a traité de pédé"): reclaimed or reported
        kept = [
            h
            for h in kept
            if not (
                (h.category == "insult" or (h.category == "hate" and h.first == h.last))
                and said_of_oneself(tokens, h.first)
            )
        ]
        if kept and is_counter_speech(text, [t.text for t in tokens]):
            # "saying 'X are a disease' makes you a bigot": the quoted or reported words are not said.
            kept = [
                h
                for h in kept
                if h.category not in _REPORTABLE or not reported_or_quoted(text, tokens, h.first)
            ]
        if kept:
            # "I never said that trans people are scum": what follows a negated opinion is not said.
            opinions = negated_opinions([t.text for t in tokens])
            if opinions:
                kept = [
                    h
                    for h in kept
                    if h.category not in _REPORTABLE
                    or not under_negated_opinion(text, tokens, opinions, h.first)
                ]
        found: list[tuple[Reason, Verdict]] = []
        for hit in kept:
            known = _category_and_verdict(hit.category)
            if known is not None:
                layer = "implied" if hit.category.startswith(IMPLIED_PREFIX) else "lexicon"
                verdict = self_harm if known[0] == "self_harm" else known[1]
                found.append((Reason(known[0], _original(text, tokens, hit), layer), verdict))
        found.extend(
            (replace(reason, layer="personal_data"), VERDICTS[reason.category])
            for reason in find_personal_data(text)
        )
        found.extend((reason, Verdict.REVIEW) for reason in find_named_threats(text, tokens))
        if not any(verdict is Verdict.BLOCK for _, verdict in found):
            # a known harmless phrase names no group ("on a mangé chinois")
            outside = [t for i, t in enumerate(tokens) if not any(a <= i <= b for a, b in allowed)]
            found.extend((reason, Verdict.REVIEW) for reason in find_group_hostility(text, outside))
        found.extend((reason, Verdict.REVIEW) for reason in find_spam_signs(text))
        cues = [h for h in kept if h.category in _DEFAMATION_CUES]
        found.extend(
            (replace(reason, layer="defamation"), VERDICTS[reason.category])
            for reason in find_defamation(text, tokens, cues, allowed)
        )
        # Known harmless phrases ("life is a bitch") are not read by the scorers either.
        if allowed:
            read = [t.text for i, t in enumerate(tokens) if not any(a <= i <= b for a, b in allowed)]
        else:
            read = [t.text for t in tokens]
        return found, read


def rule_keys(reasons: list[Reason]) -> list[str]:
    """What the rules found, as the hate scorer reads it."""
    return [f"{reason.layer}:{reason.category}" for reason in reasons if reason.layer in _RULE_LAYERS]


def _result(found: list[tuple[Reason, Verdict]], normalised: str) -> FilterResult:
    verdict = _worst([v for _, v in found])
    unique = list(dict.fromkeys(reason for reason, _ in found))
    layer = (
        next((reason.layer for reason, v in found if v is verdict), "")
        if verdict is not Verdict.ALLOW
        else ""
    )
    return FilterResult(verdict, tuple(unique), layer, normalised)


def _original(text: str, tokens: list[Token], hit: Hit) -> str:
    return text[tokens[hit.first].start : tokens[hit.last].end]


@cache
def default_filter() -> TextFilter:
    """The shared filter built from the data files shipped with the package, learned scorers included, and
    warmed: what it makes at a first use is made now (``bot/moderation/warm_up.py``)."""
    built = TextFilter(learned=LearnedLayer(), hate=load_hate_scorer())
    warmed(built)
    return built
