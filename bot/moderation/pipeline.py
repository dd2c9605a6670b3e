"""The offline English/French text filter: lexicons, personal data and defamation, one verdict."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from bot.moderation.defamation import find_defamation
from bot.moderation.lexicon import Hit, Matcher, Pattern, load_data_file, parse
from bot.moderation.normalise import Token, tokenise
from bot.moderation.personal_data import find_personal_data
from bot.moderation.verdict import CATEGORIES, FilterResult, Reason, Verdict

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
}
assert set(VERDICTS) == set(CATEGORIES)

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

    def __init__(self, patterns: tuple[Pattern, ...] | None = None) -> None:
        self._matcher = Matcher(load_patterns() if patterns is None else patterns)

    def check(self, text: str, lang: str | None = None) -> FilterResult:
        # ``lang`` is accepted as a hint but not used for matching: both lexicons always run.
        del lang
        tokens = tokenise(text)
        hits = self._matcher.find(tokens)
        allowed = [(h.first, h.last) for h in hits if h.category == _ALLOW]
        kept = [h for h in hits if h.category != _ALLOW and not _overlaps(h, allowed)]
        kept = [h for h in kept if not _within_longer(h, kept)]
        found: list[tuple[Reason, Verdict]] = []
        for hit in kept:
            known = _category_and_verdict(hit.category)
            if known is not None:
                found.append((Reason(known[0], _original(text, tokens, hit)), known[1]))
        extra = find_personal_data(text)
        cues = [h for h in kept if h.category in _DEFAMATION_CUES]
        extra.extend(find_defamation(text, tokens, cues, allowed))
        found.extend((reason, VERDICTS[reason.category]) for reason in extra)
        unique = list(dict.fromkeys(reason for reason, _ in found))
        return FilterResult(_worst([verdict for _, verdict in found]), tuple(unique))


def _original(text: str, tokens: list[Token], hit: Hit) -> str:
    return text[tokens[hit.first].start : tokens[hit.last].end]


@cache
def default_filter() -> TextFilter:
    """The shared filter built from the data files shipped with the package."""
    return TextFilter()
