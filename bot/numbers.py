"""Numbers typed by people: ASCII digits only, in the range a database id holds.

``str.isdigit`` says yes to "²" and "٣", which ``int`` then refuses or reads; an id past 2^31 overflows
PostgreSQL's integer. Either became "Something went wrong" instead of the command's own answer.
"""

from __future__ import annotations

import re

MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database
_DIGITS = re.compile(r"[0-9]{1,10}")


def parse_number(text: str, maximum: int = MAX_ID) -> int | None:
    """The whole of ``text`` (spaces around aside) as a number from 0 to ``maximum``, or None."""
    stripped = text.strip()
    if not _DIGITS.fullmatch(stripped):
        return None
    value = int(stripped)
    return value if value <= maximum else None


def parse_id(text: str) -> int | None:
    """A database id typed by someone (1 and up), or None."""
    value = parse_number(text)
    return value if value is not None and value > 0 else None
