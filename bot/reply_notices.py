"""Reply notices: an author who asked at Post hears, in DM, that their secret got replies. Sent through an
address sealed for that secret's notices only, batched (the replies of a window in one notice) and sent at a
random moment of a window after the first of them, so that a notice's time says little of a reply's."""

from __future__ import annotations

from datetime import timedelta

NOTICE_WINDOW_SECONDS = 1800  # a notice goes out 15 to 30 minutes after the first reply it tells of
NOTICE_LIFETIME = timedelta(days=7)  # the sealed address, as every return address: then erased
# a notice sent this close to the address's end says so and offers "Keep notifying me": another week from
# the author's tap (an explicit act of theirs; nothing is renewed by itself)
RENEWAL_OFFERED = timedelta(days=2)


def notice_context(platform: str, token: str) -> str:
    """The associated data of a notice address: it opens for these notices only."""
    return f"{platform}:notice:{token}"
