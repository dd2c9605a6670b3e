"""Offline English/French text moderation: lexicons, personal data, defamation and duplicates.

The names below are loaded on first use (PEP 562): importing a light part (``bot.moderation.verdict``, which
the model names) doesn't load the filter's libraries and data, which a process builds apart from its start
(``murmure.bootstrap.PreparedFilter``).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.moderation.care import care_answer, helpline
    from bot.moderation.duplicates import is_near_duplicate, normalised_fingerprint
    from bot.moderation.pipeline import TextFilter, default_filter
    from bot.moderation.verdict import CATEGORIES, FilterResult, Reason, Verdict
    from bot.moderation.words import WordList, WordListError

_WHERE = {
    "care_answer": "care",
    "helpline": "care",
    "is_near_duplicate": "duplicates",
    "normalised_fingerprint": "duplicates",
    "TextFilter": "pipeline",
    "default_filter": "pipeline",
    "CATEGORIES": "verdict",
    "FilterResult": "verdict",
    "Reason": "verdict",
    "Verdict": "verdict",
    "WordList": "words",
    "WordListError": "words",
}

__all__ = [
    "CATEGORIES",
    "FilterResult",
    "Reason",
    "TextFilter",
    "Verdict",
    "WordList",
    "WordListError",
    "care_answer",
    "default_filter",
    "helpline",
    "is_near_duplicate",
    "normalised_fingerprint",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
