"""Violence promised inside a game or a story ("je vais le tuer ce boss", "my character will stab him
in chapter 3") is play, not a threat: the lexicon's threats stand aside when the text says where it is
played (``data/play_cues.txt``), unless they push someone to self-harm ("kill yourself" in a game chat
is still incitement)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from bot.moderation.lexicon import load_data_file

PLAY_FILE = "play_cues.txt"
# "this is not a game": a cue negated just before it says the opposite
_NEGATIONS = frozenset({"not", "no", "isnt", "nt", "pas", "aucun", "aucune", "rien"})
_NEGATION_REACH = 3
# a threat that pushes someone to self-harm stays whatever the setting
_SELF_HARM_PUSH = frozenset({"yourself", "urself", "kys", "suicide", "suicider", "toi", "bleach"})


@cache
def play_cues() -> frozenset[tuple[str, ...]]:
    """The cues, each a sequence of one or two normalised words."""
    lines = load_data_file(PLAY_FILE)
    return frozenset(tuple(line.split()) for line in lines if line.strip() and not line.startswith("#"))


def in_play(words: Sequence[str]) -> bool:
    """Whether the text names a game or a story as the place of what it says."""
    cues = play_cues()
    for i, word in enumerate(words):
        pair = (word, words[i + 1]) if i + 1 < len(words) else None
        if (word,) not in cues and pair not in cues:
            continue
        if not any(before in _NEGATIONS for before in words[max(0, i - _NEGATION_REACH) : i]):
            return True
    return False


def pushes_to_self_harm(words: Sequence[str]) -> bool:
    """Whether a threat's words push someone to hurt themselves."""
    return any(word in _SELF_HARM_PUSH for word in words)
