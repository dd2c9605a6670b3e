"""The offline English/French text filter: lexicons, personal data and defamation, one verdict."""

from __future__ import annotations

from functools import cache

from bot.moderation.defamation import find_defamation
from bot.moderation.lexicon import Hit, Matcher, Pattern, load_data_file, parse
from bot.moderation.normalise import Token, tokenise
from bot.moderation.personal_data import find_personal_data
from bot.moderation.verdict import CATEGORIES, FilterResult, Reason, Verdict

LEXICON_FILES = ("lexicon_en.txt", "lexicon_fr.txt")
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


def _worst(reasons: list[Reason]) -> Verdict:
    verdict = Verdict.ALLOW
    for reason in reasons:
        candidate = VERDICTS[reason.category]
        if _SEVERITY[candidate] > _SEVERITY[verdict]:
            verdict = candidate
    return verdict


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
        reasons = [Reason(h.category, _original(text, tokens, h)) for h in kept if h.category in VERDICTS]
        reasons.extend(find_personal_data(text))
        cues = [h for h in kept if h.category in _DEFAMATION_CUES]
        reasons.extend(find_defamation(text, tokens, cues, allowed))
        unique = list(dict.fromkeys(reasons))
        return FilterResult(_worst(unique), tuple(unique))


def _original(text: str, tokens: list[Token], hit: Hit) -> str:
    return text[tokens[hit.first].start : tokens[hit.last].end]


@cache
def default_filter() -> TextFilter:
    """The shared filter built from the data files shipped with the package."""
    return TextFilter()
