"""Exact and near-duplicate texts, compared after normalisation (floods, copy-paste spam)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from bot.moderation.normalise import normalise


def normalised_fingerprint(text: str) -> str:
    """SHA-256 (hex) of the normalised text: equal for texts that differ only in case, accents,
    spacing, punctuation, leetspeak or stretched letters."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def is_near_duplicate(text: str, previous: Iterable[str], threshold: float = 90.0) -> bool:
    """Whether ``text`` is at least ``threshold`` % similar (rapidfuzz ratio, 0-100) to one of
    ``previous``, all compared normalised."""
    return is_near_duplicate_normalised(normalise(text), (normalise(other) for other in previous), threshold)


def is_near_duplicate_normalised(current: str, previous: Iterable[str], threshold: float = 90.0) -> bool:
    """``is_near_duplicate`` of texts already normalised (``normalise``): a secret keeps its own."""
    from rapidfuzz import fuzz  # imported by the filter's build thread (warm_up.py), not at the start

    for other in previous:
        score: float = fuzz.ratio(current, other, score_cutoff=threshold)
        if score >= threshold:
            return True
    return False
