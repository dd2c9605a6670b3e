"""Who acts in an event, as the platform says."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who acts, as the platform says. ``user_id`` and ``dm_ref`` are raw: used, never stored or logged."""

    platform: str
    user_id: str
    dm_ref: str
    locale_hint: str | None = None
