"""A promise of violence to a person named ("I'm going to kill Marc", "je vais buter Karim ce soir"): the
lexicon names people by pronouns and descriptions, not by their names. A name may be a game's
character or a brand ("I'm going to murder Mario"), so it is held for review, never blocked."""

from __future__ import annotations

from collections.abc import Sequence

from bot.moderation.defamation import find_names, first_names
from bot.moderation.normalise import Token
from bot.moderation.play import in_play
from bot.moderation.verdict import Reason

LAYER = "implied"
# first-person intent, normalised word by word ("I'm going to" is "i m going to")
_INTENTS = tuple(
    tuple(intent.split())
    for intent in (
        "i will", "i ll", "ill", "i m going to", "im going to", "i am going to", "i m gonna", "im gonna",
        "i am gonna", "i want to", "i wanna", "imma", "we will", "we ll", "we re going to", "we are going to",
        "je vais", "jvais", "j vais", "je veux", "on va", "nous allons",
    )
)  # fmt: skip
_VIOLENCE = frozenset(
    {
        "kill", "murder", "stab", "shoot", "strangle", "poison", "slaughter", "behead", "butcher",
        "torture", "knife", "rape", "tuer", "buter", "poignarder", "egorger", "etrangler", "flinguer",
        "massacrer", "tabasser", "violer", "trucider", "empoisonner", "decapiter",
    }
)  # fmt: skip


def _name_ends(text: str, tokens: Sequence[Token], index: int, names: list[tuple[int, int]]) -> int | None:
    """Where the person's name starting at ``index`` ends, if one starts there."""
    if text[tokens[index - 1].end : tokens[index].start].strip():
        return None  # "I'm going to kill. Marc, …": a sentence ends before it
    last = next((last for first, last in names if first == index), None)
    if last is not None:
        return last
    token = tokens[index]
    return index if token.text in first_names() and text[token.start : token.end][:1].isupper() else None


def find_named_threats(text: str, tokens: Sequence[Token]) -> list[Reason]:
    """Each "intent, violent verb, a person's name" in the text."""
    words = [token.text for token in tokens]
    if not _VIOLENCE.intersection(words):
        return []
    names: list[tuple[int, int]] | None = None
    found: list[Reason] = []
    for verb, word in enumerate(words):
        if word not in _VIOLENCE or verb + 1 >= len(words):
            continue
        intent = next((i for i in _INTENTS if tuple(words[max(0, verb - len(i)) : verb]) == i), None)
        if intent is None:
            continue
        if names is None:
            names = find_names(text, tokens)
        last = _name_ends(text, tokens, verb + 1, names)
        if last is not None:
            start = tokens[verb - len(intent)].start
            found.append(Reason("threat", text[start : tokens[last].end], LAYER))
    return [] if found and in_play(words) else found
