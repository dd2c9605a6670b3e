"""Normalisation of text before matching, keeping track of where each word came from.

Steps: NFKC-style compatibility folding, casefold, zero-width characters and combining marks
removed ("é" matches "e"), words split on anything that is not a letter or digit (apostrophes and
hyphens included), leetspeak mapped only inside words mixing letters with digits or symbols (phone
numbers stay numbers; "!" and "|" stand for "i" between letters: "b!tch"), letters repeated 3+ times
collapsed, spaced single letters joined ("c o n n a r d" → "connard"). A ``*`` or ``#`` between
letters masks one letter and stays in the word ("f*ck", "p#te"): the matcher resolves it against its
vocabulary.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

_ZERO_WIDTH = frozenset("\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff")
_SPECIAL = {"œ": "oe", "æ": "ae", "’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"}
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "@": "a", "$": "s", "7": "t"})
_LEET_CHARS = frozenset("013457@$")

# Letters, digits, "@" and "$" (leetspeak); "*", "#", "!" and "|" only between two letters.
_WORD = re.compile(r"(?:[^\W_]|[@$]|(?<=[^\W\d_])[*#!|]+(?=[^\W\d_]))+")
MASK_CHARS = "*#"
# Without "_" and the characters that may join letters ("*", "#", "!", "|"), a word is a run of letters,
# digits, "@" and "$": the same words as ``_WORD`` finds, by a simpler and faster pattern.
_PLAIN_WORD = re.compile(r"[\w@$]+")
_MASKS = re.compile(r"[*#]+")
_LEET_I = str.maketrans({"!": "i", "|": "i"})
_RUN3 = re.compile(r"([^\W\d_])\1{2,}")
# What may separate spaced-out letters: blanks, optionally one dot, dash, underscore or star.
_LETTER_GAP = re.compile(r"\s*[.\-_*]?\s*")
_MIN_SPACED_RUN = 3

_char_cache: dict[str, str] = {}


class Token(NamedTuple):
    """A normalised word and the span of the original text it comes from."""

    text: str  # normalised, runs of 3+ letters collapsed to 2 ("connnnard" → "connard")
    alt: str | None  # runs of 3+ letters collapsed to 1 ("fuuuuck" → "fuck"), None if no such run
    start: int
    end: int
    spaced: bool = False  # joined from spaced-out letters ("c o n n a r d"): word boundaries lost


# A token built as the tuple it is, without the keyword handling of ``Token(...)`` (twice as fast; words
# are many).
_new_tuple = tuple.__new__


def _clean_char(char: str) -> str:
    cached = _char_cache.get(char)
    if cached is not None:
        return cached
    if char in _ZERO_WIDTH:
        result = ""
    else:
        decomposed = unicodedata.normalize("NFKD", char)
        stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
        result = unicodedata.normalize("NFC", stripped).casefold()
        result = "".join(_SPECIAL.get(c, c) for c in result)
    if len(_char_cache) < 50_000:
        _char_cache[char] = result
    return result


def clean(text: str) -> tuple[str, list[int] | None]:
    """Fold the text character by character; return it with, for each output character, the index
    of the original character it comes from (None when the mapping is the identity)."""
    if text.isascii():
        return text.replace("`", "'").lower(), None
    get = _char_cache.get
    parts = [get(char) or _clean_char(char) for char in text]
    folded = "".join(parts)
    if len(folded) == len(text) and all(len(part) == 1 for part in parts):
        return folded, None  # one character for one: the positions are the text's own
    origin: list[int] = []
    for index, part in enumerate(parts):
        origin.extend([index] * len(part))
    return folded, origin


def _fold_word(word: str) -> str:
    if "!" in word or "|" in word:
        word = word.translate(_LEET_I)
    if word.startswith("@") and word[1:].isalpha():
        return word[1:]  # a handle: the name, not leetspeak
    has_letter = any(c.isalpha() for c in word)
    if has_letter and any(c in _LEET_CHARS for c in word):
        return word.translate(_LEET)
    return word


def _collapse(word: str) -> tuple[str, str | None]:
    if _RUN3.search(word) is None:
        return word, None
    return _RUN3.sub(r"\1\1", word), _RUN3.sub(r"\1", word)


@lru_cache(maxsize=100_000)
def _word_forms(word: str) -> tuple[str, str | None]:
    """A word folded (leetspeak, handles) and its repeated letters collapsed; words repeat, so cached."""
    return _collapse(_fold_word(word))


def _is_spaced_letter(word: str) -> bool:
    return len(word) == 1 and (word.isalpha() or word in _LEET_CHARS)


def tokenise(text: str) -> list[Token]:
    """Normalised words of ``text`` with their spans in the original text."""
    cleaned, origin = clean(text)
    plain = (
        "_" not in cleaned
        and "*" not in cleaned
        and "#" not in cleaned
        and "!" not in cleaned
        and "|" not in cleaned
    )
    words = _PLAIN_WORD if plain else _WORD
    raw = [(m.group(), m.start(), m.end()) for m in words.finditer(cleaned)]
    tokens: list[Token] = []
    if origin is None and "*" not in cleaned and "#" not in cleaned:
        # the common case: no masks, positions are the text's own; spaced letters are looked for only
        # where a one-letter word starts a run
        i = 0
        count = len(raw)
        while i < count:
            word, start, end = raw[i]
            if len(word) == 1 and i + 1 < count and len(raw[i + 1][0]) == 1:
                break
            text_form, alt = _word_forms(word)
            tokens.append(_new_tuple(Token, (text_form, alt, start, end, False)))
            i += 1
        else:
            return tokens
        tokens.clear()
    i = 0
    while i < len(raw):
        j = i
        if _is_spaced_letter(raw[i][0]):
            while (
                j + 1 < len(raw)
                and _is_spaced_letter(raw[j + 1][0])
                and _LETTER_GAP.fullmatch(cleaned, raw[j][2], raw[j + 1][1]) is not None
            ):
                j += 1
            if j + 1 - i < _MIN_SPACED_RUN or not any(w.isalpha() for w, _, _ in raw[i : j + 1]):
                j = i
        word = "".join(w for w, _, _ in raw[i : j + 1])
        spaced = j > i
        if "*" in word or "#" in word:
            parts = _MASKS.split(word)
            if len(parts) >= _MIN_SPACED_RUN and all(len(part) == 1 for part in parts):
                word, spaced = "".join(parts), True  # "f*u*c*k": spaced letters, not masks
        start, end = raw[i][1], raw[j][2]
        if origin is not None:
            start, end = origin[start], origin[end - 1] + 1
        text_form, alt = _word_forms(word)
        tokens.append(Token(text_form, alt, start, end, spaced))
        i = j + 1
    return tokens


def normalise(text: str) -> str:
    """The normalised words of ``text`` joined by single spaces."""
    return " ".join(token.text for token in tokenise(text))
