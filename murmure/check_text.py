"""`murmure check-text`: one JSON verdict a line for the lines read, so operators can try the filter."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from bot.moderation import FilterResult, default_filter


def result_as_json(result: FilterResult) -> str:
    reasons = [{"category": reason.category, "match": reason.match} for reason in result.reasons]
    return json.dumps({"verdict": result.verdict.value, "reasons": reasons}, ensure_ascii=False)


def run_check_text(lines: Iterable[str], out: TextIO, lang: str | None) -> int:
    """Print the filter's verdict on each line (trailing newline stripped) as one JSON object."""
    text_filter = default_filter()
    for line in lines:
        text = line.rstrip("\r\n")
        out.write(result_as_json(text_filter.check(text, lang)) + "\n")
    return 0
