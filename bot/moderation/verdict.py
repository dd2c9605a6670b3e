"""What the text filter says about a text."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Verdict(StrEnum):
    ALLOW = "allow"
    REVIEW = "review"
    BLOCK = "block"


# Every category a filter may report. The core translates each into the member's language
# (catalog key ``reason.<category>``), so a new category needs a catalog entry too.
CATEGORIES = (
    "insult",
    "hate",
    "threat",
    "sexual",
    "self_harm",
    "spam",
    "phone",
    "email",
    "handle",
    "url",
    "iban",
    "address",
    "defamation",
    "words",
)


@dataclass(frozen=True)
class Reason:
    category: str
    match: str
    # Which layer found it: "lexicon", "implied", "personal_data", "defamation", "learned" (a scorer,
    # review at most) or "words" (the community's own list).
    layer: str = "lexicon"


@dataclass(frozen=True)
class FilterResult:
    verdict: Verdict
    reasons: tuple[Reason, ...] = ()
    layer: str = ""  # the layer of the first reason that set the verdict ("" when allowed)
    # the text's normalised words (``bot.moderation.normalise.normalise``) where the filter read them: what
    # the duplicate check compares, not normalised again (not part of the verdict: not compared)
    normalised: str | None = field(default=None, compare=False)

    @property
    def needs_care(self) -> bool:
        """The member wrote about their own distress: answer with care and a helpline."""
        return any(reason.category == "self_harm" for reason in self.reasons)

    @property
    def categories(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for reason in self.reasons:
            seen.setdefault(reason.category, None)
        return tuple(seen)
