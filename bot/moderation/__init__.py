"""Offline English/French text moderation: lexicons, personal data, defamation and duplicates."""

from bot.moderation.duplicates import is_near_duplicate, normalised_fingerprint
from bot.moderation.pipeline import TextFilter, default_filter
from bot.moderation.verdict import CATEGORIES, FilterResult, Reason, Verdict

__all__ = [
    "CATEGORIES",
    "FilterResult",
    "Reason",
    "TextFilter",
    "Verdict",
    "default_filter",
    "is_near_duplicate",
    "normalised_fingerprint",
]
