"""Statements about protected groups: who is named, whether as oneself, and hostility towards them.

Rules, not learning: a sentence that names a group (``group_words.txt``, or a slur from
``slur_words.txt``) and says something hostile (``group_hostile.txt``) is a negative statement about
that group, held for review as hate; unless the hostile word is negated ("I don't hate women"), the
writer names the group as what they or their own are ("I'm gay", "ma sœur est trans"), or the text is
counter-speech: it quotes or reports the words ("stop saying that…", « … ») and condemns them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from bot.moderation.lexicon import load_data_file
from bot.moderation.normalise import Token
from bot.moderation.verdict import Reason

GROUP = "<group>"
LAYER = "group_rules"
_SELF_COPULAS = frozenset({"m", "am", "im", "suis", "jsuis", "being", "etre", "as"})
_OTHER_COPULAS = frozenset({"is", "s", "are", "re", "est", "sont", "sommes"})
_POSSESSIVES = frozenset({"my", "our", "mon", "ma", "mes", "notre", "nos", "we", "nous", "on"})
_BETWEEN = frozenset(
    {
        "a",
        "an",
        "un",
        "une",
        "proudly",
        "proud",
        "fierement",
        "also",
        "aussi",
        "both",
        "tous",
        "toutes",
        "and",
        "et",
    }
)
_NEGATORS = frozenset(
    {"not", "t", "dont", "never", "no", "nobody", "none", "nor", "without", "stop", "ne", "n", "pas",
     "jamais", "aucun", "aucune", "rien", "sans", "personne", "arrete", "arretez", "arreter"}
)  # fmt: skip
_NEGATION_WINDOW = 3
_SPEECH = frozenset(
    [
        "say",
        "says",
        "saying",
        "said",
        "claim",
        "claims",
        "claiming",
        "write",
        "writes",
        "writing",
        "wrote",
        "post",
        "posts",
        "posting",
        "posted",
        "tweet",
        "tweets",
        "tweeting",
        "call",
        "calling",
        "called",
        "statements",
        "statement",
        "comments",
        "comment",
        "words",
        "like",
        "quote",
        "stuff",
        "threats",
        "wishing",
        "believe",
        "telling",
        "dire",
        "dit",
        "dis",
        "disent",
        "disant",
        "ecrire",
        "ecrit",
        "ecrivent",
        "pretendre",
        "pretend",
        "affirmer",
        "affirme",
        "traiter",
        "traite",
        "traitent",
        "traitez",
        "appeler",
        "reclamer",
        "menacer",
        "propos",
        "phrase",
        "phrases",
        "commentaires",
        "comme",
        "parole",
        "paroles",
        "trucs",
        "choses",
    ]
)
_CONDEMN_PREFIXES = (
    *(
        "bigot",
        "racis",
        "sexis",
        "homophob",
        "transphob",
        "islamophob",
        "antisemit",
        "misogyn",
        "xenophob",
        "hateful",
        "hurtful",
        "offensive",
        "unacceptable",
        "disgrace",
        "shame",
        "report",
        "condemn",
        "denounc",
        "wrong",
        "ignoran",
        "sectair",
        "haineu",
        "blessant",
        "inacceptabl",
        "honte",
        "honteu",
        "signal",
        "denonc",
        "condamn",
        "intoleran",
        "choquant",
        "scandal",
        "inadmissibl",
        "dehumanis",
        "dehumaniz",
        "jail",
        "prison",
        "court",
        "respect",
        "hurts",
        "consequence",
        "fourvoy",
        "decourag",
        "tribunal",
        "police",
        "threatening",
        "menacer",
        "opinion",
    ),
    "hate speech",
    "call out",
)
_QUOTED = re.compile(r"\"[^\"]{3,}\"|“[^”]{3,}”|«[^»]{3,}»|„[^“”]{3,}[“”]")
_SENTENCE_BREAK = frozenset(".!?;\n")
_MIN_MISSPELT = 5
_MIN_DROPPED = 7
_MIN_GLUED = 7
_MIN_PART = 3


@cache
def _word_file(name: str) -> tuple[frozenset[str], tuple[str, ...]]:
    words: set[str] = set()
    prefixes: set[str] = set()
    for line in load_data_file(name):
        if line.startswith("#"):
            continue
        for word in line.split():
            if word.endswith("*"):
                prefixes.add(word[:-1])
            else:
                words.add(word)
    return frozenset(words), tuple(sorted(prefixes))


def group_words() -> frozenset[str]:
    return _word_file("group_words.txt")[0]


def slur_words() -> frozenset[str]:
    return _word_file("slur_words.txt")[0]


def _hostile(word: str) -> bool:
    words, prefixes = _word_file("group_hostile.txt")
    return word in words or word.startswith(prefixes) or word in _misspelt("group_hostile.txt")


def _variants(word: str) -> set[str]:
    """The word with two neighbouring letters swapped inside it, or, for words of 7 letters or more,
    one letter inside it dropped (first and last letters kept: "blacks" must not read "backs")."""
    found = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(1, len(word) - 2)}
    if len(word) >= _MIN_DROPPED:
        found.update(word[:i] + word[i + 1 :] for i in range(1, len(word) - 1))
    found.discard(word)
    return found


@cache
def _misspelt(name: str) -> dict[str, str]:
    """Spelling tricks on the words of a list ("womne", "mslims"): for group names of 5 letters or
    more, other words of 6 or more; a variant that is itself a word of any list is left out."""
    words = _word_file(name)[0]
    shortest = _MIN_MISSPELT if name == "group_words.txt" else _MIN_MISSPELT + 1
    known = group_words() | slur_words() | _word_file("group_hostile.txt")[0]
    found: dict[str, str] = {}
    for word in sorted(words):
        if len(word) >= shortest and word.isalpha():
            for variant in _variants(word):
                if variant not in known:
                    found.setdefault(variant, word)
    return found


def _read(words: Sequence[str]) -> list[tuple[str, int]]:
    """The words with spelling tricks on group names undone and names glued to another word split
    ("hatewomen" → "hate", "women"), each with the index of the token it comes from."""
    groups = group_words()
    slurs = slur_words()
    fixed = _misspelt("group_words.txt")
    read: list[tuple[str, int]] = []
    for index, word in enumerate(words):
        if word in groups or word in slurs:
            read.append((word, index))
            continue
        if word in fixed:
            read.append((fixed[word], index))
            continue
        if len(word) >= _MIN_GLUED:
            split = next(
                (
                    (word[:k], word[k:])
                    for k in range(_MIN_PART, len(word) - _MIN_PART + 1)
                    if (word[k:] in groups or word[:k] in groups)
                    and (word[:k] in groups or _hostile(word[:k]) or _hostile(word[k:]))
                ),
                None,
            )
            if split is not None:
                read.extend([(split[0], index), (split[1], index)])
                continue
        read.append((word, index))
    return read


def identifies_self(words: Sequence[str], index: int) -> bool:
    """Whether the group named at ``index`` is what the writer, or someone of their own, is."""
    j = index - 1
    groups = group_words()
    while j >= 0 and (words[j] in _BETWEEN or words[j] in groups):
        j -= 1
    if j < 0:
        return False
    if words[j] in _SELF_COPULAS:
        return True
    return words[j] in _OTHER_COPULAS and not _POSSESSIVES.isdisjoint(words[max(0, j - 3) : j])


def _sentences(text: str, tokens: Sequence[Token]) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for i in range(1, len(tokens)):
        gap = text[tokens[i - 1].end : tokens[i].start]
        if any(char in _SENTENCE_BREAK for char in gap):
            spans.append((start, i))
            start = i
    spans.append((start, len(tokens)))
    return spans


def is_counter_speech(text: str, words: Sequence[str]) -> bool:
    """Whether the text reports or quotes words and condemns them."""
    joined = " " + " ".join(words)
    condemns = any(" " + prefix in joined for prefix in _CONDEMN_PREFIXES)
    reports = _QUOTED.search(text) is not None or not _SPEECH.isdisjoint(words)
    return condemns and reports


def find_group_hostility(text: str, tokens: Sequence[Token]) -> list[Reason]:
    read = _read([token.text for token in tokens])
    words = [word for word, _ in read]
    groups = group_words()
    slurs = slur_words()
    if groups.isdisjoint(words) and slurs.isdisjoint(words):
        return []
    if is_counter_speech(text, words):
        return []
    for first_token, last_token in _sentences(text, tokens):
        first = next(k for k, (_, index) in enumerate(read) if index >= first_token)
        last = next((k for k, (_, index) in enumerate(read) if index >= last_token), len(read))
        named = [
            i
            for i in range(first, last)
            if words[i] in slurs or (words[i] in groups and not identifies_self(words, i))
        ]
        if not named:
            continue
        for i in range(first, last):
            if i in named or not _hostile(words[i]):
                continue
            group = min(named, key=lambda n: abs(n - i))
            a, b = min(group, i), max(group, i)
            # "I don't hate women", "no woman deserves to die", "les femmes ne méritent pas ça"
            if not _NEGATORS.isdisjoint(words[max(first, a - _NEGATION_WINDOW) : b]):
                continue
            start, end = tokens[read[a][1]].start, tokens[read[b][1]].end
            return [Reason("hate", text[start:end], LAYER)]
    return []


def reported_or_quoted(text: str, tokens: Sequence[Token], index: int) -> bool:
    """Whether the word at ``index`` stands inside quotation marks or after a word of speech."""
    start = tokens[index].start
    if any(m.start() < start < m.end() for m in _QUOTED.finditer(text)):
        return True
    return any(token.text in _SPEECH for token in tokens[:index])
