"""Publication delays: a random wait spread evenly over a window, so the moment of a DM gives no one away.

A community's ``publication_delay_seconds`` (D) is the end of the window; it starts at D/2. Cards, replies
and moderation queue items all wait a time drawn uniformly from [D/2, D]: nothing appears sooner than D/2
after its author pressed Post (so a card never follows a DM closely), and over the second half of the
window every moment is as likely as any other (so the order and the times of the DMs are not kept).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

DEFAULT_DELAY_SECONDS = 600  # cards appear 5 to 10 minutes after Post


def window(delay_seconds: int) -> tuple[int, int]:
    """The bounds, in seconds, of the wait before publication."""
    return delay_seconds // 2, max(0, delay_seconds)


def random_wait(delay_seconds: int) -> timedelta | None:
    """A wait drawn uniformly from the window, or ``None`` when the community publishes at once."""
    if delay_seconds <= 0:
        return None
    low, high = window(delay_seconds)
    return timedelta(seconds=low + secrets.randbelow(high - low + 1))
