"""`murmure check-text`: one JSON verdict a line for the lines read, so operators can try the filter.

Each line goes through what a secret goes through in the bot: cleaned, refused when empty or longer
than a secret may be (verdict ``block``, reason ``empty`` or ``too_long``, with the message the member
would get), then filtered. ``--lang`` selects the language of messages and care answers, ``--explain``
adds which layer found each reason and which one decided, ``--words FILE`` applies a community's own
word list (``block<TAB>term`` or ``review<TAB>term`` a line).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from bot.i18n.catalog import DEFAULT_LOCALE, SUPPORTED_LOCALES, t_in
from bot.moderation.care import care_answer
from bot.moderation.verdict import FilterResult
from bot.moderation.words import WordList, WordListError
from bot.text_input import MAX_SECRET_LENGTH, clean_text

_WORDS_PROBLEMS = {
    "en": {
        "missing": "cannot read the word list {path}: {detail}",
        "unknown_action": "word list {path}, line {line}: '{detail}' is not an action (use block or review)",
        "bad_term": "word list {path}, line {line}: this term cannot be used ({detail})",
        "too_many": "word list {path}, line {line}: a list holds at most {detail} entries",
    },
    "fr": {
        "missing": "impossible de lire la liste de mots {path} : {detail}",
        "unknown_action": "liste de mots {path}, ligne {line} : « {detail} » n'est pas une action "
        "(utiliser block ou review)",
        "bad_term": "liste de mots {path}, ligne {line} : ce terme est inutilisable ({detail})",
        "too_many": "liste de mots {path}, ligne {line} : une liste contient au plus {detail} entrées",
    },
}


class CheckTextError(Exception):
    """Bad input to the command, already worded for the operator."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=list(SUPPORTED_LOCALES), default=None, help="language of messages and care answers"
    )
    parser.add_argument("--explain", action="store_true", help="say which layer found each reason")
    parser.add_argument("--words", metavar="FILE", help="a community word list: block|review<TAB>term a line")


def load_words(path: str, lang: str) -> WordList:
    problems = _WORDS_PROBLEMS.get(lang, _WORDS_PROBLEMS[DEFAULT_LOCALE])
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise CheckTextError(problems["missing"].format(path=path, detail=error)) from None
    try:
        return WordList.parse(lines)
    except WordListError as error:
        raise CheckTextError(
            problems[error.problem].format(path=path, line=error.line, detail=error.detail)
        ) from None


def result_as_json(result: FilterResult, lang: str | None = None, explain: bool = False) -> str:
    reasons: list[dict[str, str]] = []
    for reason in result.reasons:
        entry = {"category": reason.category, "match": reason.match}
        if explain:
            entry["layer"] = reason.layer
        reasons.append(entry)
    row: dict[str, object] = {"verdict": result.verdict.value, "reasons": reasons}
    if explain:
        row["decided_by"] = result.layer or None
    if result.needs_care:
        row["care"] = care_answer(lang)
    return json.dumps(row, ensure_ascii=False)


def _refusal(category: str, match: str, message: str) -> str:
    row = {"verdict": "block", "reasons": [{"category": category, "match": match}], "message": message}
    return json.dumps(row, ensure_ascii=False)


def run_check_text(
    lines: Iterable[str],
    out: TextIO,
    lang: str | None,
    *,
    explain: bool = False,
    words: WordList | None = None,
) -> int:
    """Print the verdict the bot would give each line (trailing newline stripped) as one JSON object."""
    from bot.moderation.pipeline import default_filter  # the filter's libraries: for this command only

    text_filter = default_filter()
    locale = lang or DEFAULT_LOCALE
    for line in lines:
        text = clean_text(line.rstrip("\r\n"))
        if not text:
            out.write(_refusal("empty", "", t_in(locale, "error.empty")) + "\n")
        elif len(text) > MAX_SECRET_LENGTH:
            message = t_in(locale, "error.too_long", length=len(text), limit=MAX_SECRET_LENGTH)
            out.write(_refusal("too_long", f"{len(text)} > {MAX_SECRET_LENGTH}", message) + "\n")
        else:
            result = text_filter.check(text, lang, words=words, explain=explain)
            out.write(result_as_json(result, locale, explain) + "\n")
    return 0


def run_from_arguments(args: argparse.Namespace, lines: Iterable[str], out: TextIO, err: TextIO) -> int:
    lang = args.lang or DEFAULT_LOCALE
    try:
        words = load_words(args.words, lang) if args.words else None
    except CheckTextError as error:
        err.write(f"murmure check-text: {error}\n")
        return 2
    return run_check_text(lines, out, args.lang, explain=args.explain, words=words)
