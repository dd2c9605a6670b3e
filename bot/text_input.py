"""Cleaning what members type before anything else looks at it."""

from __future__ import annotations

import re
import unicodedata

MAX_SECRET_LENGTH = 1500
MAX_REPLY_LENGTH = 1000

_BLANK_LINES = re.compile(r"\n{3,}")
_KEPT_CONTROLS = {"\n", "\t", "\u200d"}  # the zero-width joiner holds emoji sequences together


def clean_text(raw: str) -> str:
    """Drop control, format (bidi, zero-width) and unassigned characters; trim; one blank line at most."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(
        char
        for char in text
        if char in _KEPT_CONTROLS or unicodedata.category(char) not in {"Cc", "Cf", "Cs", "Co", "Cn"}
    )
    lines = [line.rstrip() for line in kept.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
