"""A community's own word list, applied on top of the shipped filter.

One entry a line: ``block<TAB>term`` or ``review<TAB>term`` (a bare term means review); blank lines
and lines starting with ``#`` are ignored. A term uses the lexicon syntax (``word*`` for a prefix,
``(a|b)`` alternatives, ``~`` any one word) and is normalised like the text, so "b@nana" matches
"banana". An entry can only make a verdict stricter: a community cannot allow what the filter holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.moderation.lexicon import Matcher, compile_term
from bot.moderation.normalise import Token
from bot.moderation.verdict import Reason, Verdict

CATEGORY = "words"
LAYER = "words"
MAX_ENTRIES = 500
MAX_TERM_LENGTH = 100
_ACTIONS = {"block": Verdict.BLOCK, "review": Verdict.REVIEW}


class WordListError(ValueError):
    """A word list that cannot be read; ``line`` is 1-based, ``problem`` a short key."""

    def __init__(self, line: int, problem: str, detail: str = "") -> None:
        super().__init__(f"line {line}: {problem}" + (f" ({detail})" if detail else ""))
        self.line = line
        self.problem = problem
        self.detail = detail


@dataclass(frozen=True)
class WordList:
    entries: tuple[tuple[Verdict, str], ...] = ()
    _matcher: Matcher | None = field(default=None, compare=False, repr=False)

    @classmethod
    def parse(cls, lines: Iterable[str]) -> WordList:
        """Read a list; raise ``WordListError`` on the first line that cannot be used."""
        entries: list[tuple[Verdict, str]] = []
        patterns = []
        for number, raw in enumerate(lines, start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            action, _, term = line.partition("\t")
            if not term:
                action, term = "review", line
            verdict = _ACTIONS.get(action.strip().lower())
            term = term.strip()
            if verdict is None:
                raise WordListError(number, "unknown_action", action.strip())
            if not term or len(term) > MAX_TERM_LENGTH:
                raise WordListError(number, "bad_term", term[:MAX_TERM_LENGTH])
            try:
                patterns.append(compile_term(term, verdict.value))
            except ValueError as error:
                raise WordListError(number, "bad_term", str(error)) from None
            entries.append((verdict, term))
            if len(entries) > MAX_ENTRIES:
                raise WordListError(number, "too_many", str(MAX_ENTRIES))
        return cls(tuple(entries), Matcher(patterns) if patterns else None)

    def find(self, text: str, tokens: Sequence[Token]) -> list[tuple[Reason, Verdict]]:
        if self._matcher is None:
            return []
        found = []
        for hit in self._matcher.find(tokens):
            match = text[tokens[hit.first].start : tokens[hit.last].end]
            found.append((Reason(CATEGORY, match, LAYER), Verdict(hit.category)))
        return found
