"""Lexicon files and a fast word/phrase matcher over normalised tokens.

File format, one entry a line: ``category<TAB>term``. Blank lines and lines starting with ``#`` are
ignored. A term is one word or a phrase, normalised like the text it is matched against. Syntax:

- ``word*``: prefix match of that word (``encul*`` matches "enculé", "enculer").
- ``(a|b c|)``: a slot of alternative words or phrases; an empty alternative makes it optional.
  Groups stand between spaces: they hold whole words, never parts of a word. Groups may nest.
- ``~``: any one word ("suck my ~ s dick" matches "suck my teacher's dick"); never first.
- ``{NAME}``: a group defined on a line ``@group<TAB>NAME<TAB>a|b|c`` earlier in the same file.
- `` $`` at the very end: the match must end with the text ("i'm ending it $" does not match
  "i'm ending it with him").

A term is compiled into a sequence of slots, not expanded into every phrase it stands for, so a
term such as "(the|all) {PEOPLE} (should|must) (die|burn)" stays one small pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources

from bot.moderation.normalise import MASK_CHARS, Token, tokenise

_GROUP_REF = re.compile(r"\{([A-Za-z_]+)\}")
_MAX_EXPANSIONS = 5_000

Word = tuple[str, bool]  # (normalised text, is_prefix)
ANY_WORD = "~"
END_OF_TEXT = " $"
_MIN_HIDDEN_WORD = 4
_CANDIDATE_CACHE = 100_000
Phrase = tuple[Word, ...]


class _Node:
    """A trie of plain words: one child per next word, ``terminal`` where a phrase ends."""

    __slots__ = ("children", "terminal")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.terminal = False

    def add(self, words: Sequence[str]) -> None:
        node = self
        for word in words:
            node = node.children.setdefault(word, _Node())
        node.terminal = True

    def ends(self, tokens: Sequence[Token], position: int, found: set[int]) -> None:
        if self.terminal:
            found.add(position)
        if position >= len(tokens) or not self.children:
            return
        token = tokens[position]
        child = self.children.get(token.text)
        if child is not None:
            child.ends(tokens, position + 1, found)
        if token.alt is not None:
            child = self.children.get(token.alt)
            if child is not None:
                child.ends(tokens, position + 1, found)


@dataclass(frozen=True)
class Slot:
    """Alternative phrases at one place of a pattern: plain phrases in a trie, phrases with a
    prefix or wildcard word checked one by one."""

    trie: _Node = field(hash=False, compare=False)
    special: tuple[Phrase, ...]
    optional: bool
    phrases: frozenset[Phrase]

    @classmethod
    def of(cls, phrases: Iterable[Phrase]) -> Slot:
        trie = _Node()
        special: list[Phrase] = []
        unique = frozenset(phrases)
        for phrase in sorted(unique):
            if any(is_prefix or text == ANY_WORD for text, is_prefix in phrase):
                special.append(phrase)
            else:
                trie.add([text for text, _ in phrase])
        return cls(trie, tuple(special), () in unique, unique)

    def ends(self, tokens: Sequence[Token], position: int) -> set[int]:
        """Positions right after each alternative that matches at ``position``."""
        found: set[int] = set()
        self.trie.ends(tokens, position, found)
        for phrase in self.special:
            end = position + len(phrase)
            if end <= len(tokens) and all(
                word_matches(word, tokens[position + k]) for k, word in enumerate(phrase)
            ):
                found.add(end)
        return found


@dataclass(frozen=True)
class Pattern:
    category: str
    slots: tuple[Slot, ...]
    at_end: bool = False  # the match must end with the last token of the text

    def first_words(self) -> set[Word]:
        words: set[Word] = set()
        for slot in self.slots:
            words.update(phrase[0] for phrase in slot.phrases if phrase)
            if not slot.optional:
                break
        return words

    def match_end(self, tokens: Sequence[Token], start: int) -> int | None:
        """Index of the last token of the longest match starting at ``start``, if any."""
        positions = {start}
        for slot in self.slots:
            positions = {end for position in positions for end in slot.ends(tokens, position)}
            if not positions:
                return None
        if self.at_end:
            if len(tokens) not in positions:
                return None
            positions = {len(tokens)}
        end = max(positions)
        return end - 1 if end > start else None


@dataclass(frozen=True)
class Hit:
    category: str
    first: int  # index of the first token matched
    last: int  # index of the last token matched (inclusive)


def word_matches(word: Word, token: Token) -> bool:
    text, is_prefix = word
    if text == ANY_WORD:
        return True
    if is_prefix:
        return token.text.startswith(text) or (token.alt is not None and token.alt.startswith(text))
    return token.text == text or token.alt == text


def _split_top(text: str, separator: str) -> list[str]:
    """Split on the separators that are not inside parentheses."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char == separator and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        depth += (char == "(") - (char == ")")
        if depth < 0:
            raise ValueError(f"unbalanced parentheses in {text!r}")
        current.append(char)
    if depth != 0:
        raise ValueError(f"unbalanced parentheses in {text!r}")
    parts.append("".join(current))
    return parts


def _segments(term: str) -> list[str]:
    """The term cut into literal text and top-level groups (kept with their parentheses)."""
    segments: list[str] = []
    depth = 0
    current: list[str] = []
    for char in term:
        if char == "(" and depth == 0 and current:
            segments.append("".join(current))
            current = []
        depth += (char == "(") - (char == ")")
        current.append(char)
        if char == ")" and depth == 0:
            segments.append("".join(current))
            current = []
    if current:
        segments.append("".join(current))
    return segments


def expand(term: str) -> list[str]:
    """All the plain phrases a term (without group references) stands for."""
    results = [""]
    for segment in _segments(term):
        if segment.startswith("("):
            choices = [alt for branch in _split_top(segment[1:-1], "|") for alt in expand(branch)]
        else:
            choices = [segment]
        results = [done + choice for done in results for choice in choices]
        if len(results) > _MAX_EXPANSIONS:
            raise ValueError(f"term expands to too many phrases: {term!r}")
    return results


def phrase_words(phrase: str) -> Phrase:
    """The normalised words of a plain phrase, each marked as prefix when followed by ``*``."""
    words: list[Word] = []
    run: list[str] = []

    def flush() -> None:
        text = " ".join(run)
        words.extend((t.text, text[t.end : t.end + 1] == "*") for t in tokenise(text))
        run.clear()

    for chunk in phrase.split():
        if chunk == ANY_WORD:
            flush()
            words.append((ANY_WORD, False))
        else:
            run.append(chunk)
    flush()
    return tuple(words)


def _known_group(groups: dict[str, str], name: str, term: str) -> str:
    """A group a term names (``{name}``); an unknown one is a term that can't be used (an admin's word
    list may hold any text: it was a KeyError, and the admin was told "Something went wrong")."""
    if name not in groups:
        raise ValueError(f"unknown group {{{name}}}: {term!r}")
    return groups[name]


def compile_term(term: str, category: str, groups: dict[str, str] | None = None) -> Pattern:
    known = groups or {}
    at_end = term.endswith(END_OF_TEXT)
    if at_end:
        term = term[: -len(END_OF_TEXT)].rstrip()
    if "$" in term.split() or "|$)" in term or "($|" in term:
        raise ValueError(f"{END_OF_TEXT.strip()} may only end a term: {term!r}")
    term = _GROUP_REF.sub(lambda m: "(" + _known_group(known, m.group(1), term) + ")", term)
    _split_top(term, "|")  # validates parentheses
    slots: list[Slot] = []
    segments = _segments(term)
    for index, segment in enumerate(segments):
        if segment.startswith("("):
            before = segments[index - 1] if index else " "
            after = segments[index + 1] if index + 1 < len(segments) else " "
            if not before[-1:].isspace() or not after[:1].isspace():
                raise ValueError(f"a group must stand between spaces: {term!r}")
            slots.append(Slot.of(phrase_words(phrase) for phrase in expand(segment)))
        elif phrase_words(segment):
            slots.append(Slot.of([phrase_words(segment)]))
    if not slots or all(slot.optional for slot in slots):
        raise ValueError(f"empty term: {term!r}")
    pattern = Pattern(category, tuple(slots), at_end)
    if (ANY_WORD, False) in pattern.first_words():
        raise ValueError(f"a term cannot start with {ANY_WORD}: {term!r}")
    return pattern


def parse(lines: Iterable[str], source: str = "<lexicon>") -> list[Pattern]:
    groups: dict[str, str] = {}
    patterns: list[Pattern] = []
    for number, raw_line in enumerate(lines, start=1):
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        fields = [part.strip() for part in line.split("\t") if part.strip()]
        if fields[0] == "@group" and len(fields) == 3:
            groups[fields[1]] = fields[2]
            continue
        if len(fields) != 2:
            raise ValueError(f"{source}:{number}: expected 'category<TAB>term', got {raw_line!r}")
        try:
            patterns.append(compile_term(fields[1], fields[0], groups))
        except KeyError as error:
            raise ValueError(f"{source}:{number}: unknown group {error}") from None
        except ValueError as error:
            raise ValueError(f"{source}:{number}: {error}") from None
    return patterns


def load_data_file(name: str) -> list[str]:
    """Lines of a file shipped in ``bot/moderation/data``."""
    data = resources.files("bot.moderation").joinpath("data", name)
    return data.read_text(encoding="utf-8").splitlines()


def _anchor_words(pattern: Pattern) -> tuple[frozenset[str], ...] | None:
    """For each required slot after the first one whose first words are all plain words, those words:
    one of each must be in any text the pattern matches."""
    found = []
    for slot in pattern.slots[1:]:
        if slot.optional or not slot.phrases:
            continue
        firsts = {phrase[0] for phrase in slot.phrases}
        if all(not is_prefix and text != ANY_WORD for text, is_prefix in firsts):
            found.append(frozenset(text for text, _ in firsts))
    return tuple(reversed(found)) or None


class Matcher:
    """Finds every pattern occurrence in a token list with dictionary look-ups, not regexes."""

    def __init__(self, patterns: Iterable[Pattern]) -> None:
        exact: dict[str, list[Pattern]] = {}
        prefix: dict[int, dict[str, list[Pattern]]] = {}
        # One-word terms, looked for inside words joined from spaced letters ("f u c k i n g").
        self._single: dict[str, str] = {}
        # Every word of every pattern, to resolve masked words ("f*ck", "p*te") by their length.
        self._words_by_length: dict[int, set[str]] = {}
        self._prefix_words: set[str] = set()
        # Later required slots' first words: a pattern with a slot none of whose anchor words is in the
        # text is skipped before matching (most patterns start with a common word: "you", "je", "les").
        self._anchors: dict[int, tuple[frozenset[str], ...]] = {}
        # The patterns (by id) whose first anchor words hold a word: a text's words give, in a few
        # look-ups, every pattern whose first anchor it passes (instead of a set test per candidate).
        self._anchored_by: dict[str, list[int]] = {}
        for pattern in patterns:
            anchor = _anchor_words(pattern)
            if anchor is not None:
                self._anchors[id(pattern)] = anchor
                for word in anchor[0]:
                    self._anchored_by.setdefault(word, []).append(id(pattern))
            for slot in pattern.slots:
                for phrase in slot.phrases:
                    for text, is_prefix in phrase:
                        if is_prefix:
                            self._prefix_words.add(text)
                        elif text != ANY_WORD:
                            self._words_by_length.setdefault(len(text), set()).add(text)
            if len(pattern.slots) == 1:
                for phrase in pattern.slots[0].phrases:
                    if len(phrase) == 1 and len(phrase[0][0]) >= _MIN_HIDDEN_WORD:
                        self._single.setdefault(phrase[0][0], pattern.category)
            for text, is_prefix in pattern.first_words():
                if is_prefix:
                    prefix.setdefault(len(text), {}).setdefault(text, []).append(pattern)
                else:
                    exact.setdefault(text, []).append(pattern)
        self._exact = exact
        self._prefix = prefix
        self._prefix_lengths = sorted(prefix)
        self._candidates: dict[str, tuple[tuple[Pattern, tuple[frozenset[str], ...], int], ...]] = {}

    def _starting_with(self, word: str) -> tuple[tuple[Pattern, tuple[frozenset[str], ...], int], ...]:
        """The patterns whose first word can be ``word``, each with its anchor words and its id
        (words repeat, so cached)."""
        cached = self._candidates.get(word)
        if cached is not None:
            return cached
        found: dict[int, Pattern] = {id(pattern): pattern for pattern in self._exact.get(word, ())}
        for length in self._prefix_lengths:
            if length > len(word):
                break
            for pattern in self._prefix[length].get(word[:length], ()):
                found[id(pattern)] = pattern
        result = tuple((pattern, self._anchors.get(key, ()), key) for key, pattern in found.items())
        if len(self._candidates) >= _CANDIDATE_CACHE:
            self._candidates.clear()
        self._candidates[word] = result
        return result

    def unmask(self, token: Token) -> Token:
        """A masked word ("f*ck", "enc*lé") read as the lexicon words it can stand for, a one-word
        term first ("fuck" before "feck"); unchanged when it stands for none."""
        masked = token.text
        if not any(char in masked for char in MASK_CHARS):
            return token

        def fits(word: str) -> bool:
            return all(
                m == w or (m in MASK_CHARS and w.isalpha()) for m, w in zip(masked, word, strict=False)
            )

        found = {word for word in self._words_by_length.get(len(masked), ()) if fits(word)}
        found.update(
            prefix + masked[len(prefix) :]
            for prefix in self._prefix_words
            if len(prefix) <= len(masked) and fits(prefix)
        )
        if not found:
            return token
        ranked = sorted(found, key=lambda word: (word not in self._single, word))
        return token._replace(text=ranked[0], alt=ranked[1] if len(ranked) > 1 else None)

    def find(self, tokens: Sequence[Token]) -> list[Hit]:
        if any("*" in token.text or "#" in token.text for token in tokens):
            tokens = [self.unmask(token) if token.alt is None else token for token in tokens]
        hits: dict[Hit, None] = {}
        present = {token.text for token in tokens}
        present.update(token.alt for token in tokens if token.alt is not None)
        passed: set[int] = set()  # the patterns whose first anchor the text passes
        anchored_by = self._anchored_by
        for word in present:
            keys = anchored_by.get(word)
            if keys is not None:
                passed.update(keys)
        for index, token in enumerate(tokens):
            candidates = self._starting_with(token.text)
            if token.alt is not None:
                both = candidates + self._starting_with(token.alt)
                candidates = tuple({pair[2]: pair for pair in both}.values())
            for pattern, anchor, key in candidates:
                # most candidates fail on their first anchor: the rest are looked at only then
                if anchor and (
                    key not in passed
                    or (len(anchor) > 1 and any(words.isdisjoint(present) for words in anchor[1:]))
                ):
                    continue
                last = pattern.match_end(tokens, index)
                if last is not None:
                    hits[Hit(pattern.category, index, last)] = None
            if token.spaced and not any(hit.first == index for hit in hits):
                category = self._hidden_word(token.text)
                if category is not None:
                    hits[Hit(category, index, index)] = None
        return list(hits)

    def _hidden_word(self, joined: str) -> str | None:
        """The category of a one-word term found inside a word joined from spaced letters."""
        for start in range(len(joined) - _MIN_HIDDEN_WORD + 1):
            for end in range(len(joined), start + _MIN_HIDDEN_WORD - 1, -1):
                category = self._single.get(joined[start:end])
                if category is not None:
                    return category
        return None
