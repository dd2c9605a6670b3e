"""Offline English/French text moderation: lexicons, personal data, defamation and duplicates."""

from bot.moderation.care import care_answer, helpline
from bot.moderation.duplicates import is_near_duplicate, normalised_fingerprint
from bot.moderation.pipeline import TextFilter, default_filter
from bot.moderation.verdict import CATEGORIES, FilterResult, Reason, Verdict
from bot.moderation.words import WordList, WordListError

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
