"""Insults a writer says of themselves ("I was a total shithead back then", "am I a prick?", "les gens
pensent que je suis une salope"): profanity that abuses no one else, so not an insult."""

from __future__ import annotations

from collections.abc import Sequence

from bot.moderation.normalise import Token

_SELF = frozenset({"i", "we", "je", "j", "nous", "on"})
_ONESELF = frozenset({"myself", "ourselves", "moi", "moi meme"})
# "I acted like a complete idiot": an insult that starts at its verb
_ACTING = frozenset({"acted", "act", "acts", "acting", "behaved", "behave", "behaves", "behaving"})
_COPULAS = frozenset(
    {"m", "am", "was", "are", "re", "were", "be", "been", "being", "suis", "etais", "ete", "sommes", "etre"}
    | {"feel", "felt", "look", "looked", "sens", "sentais"}  # "I feel so stupid", "je me sens con"
    | _ACTING
)
_ADDRESSED = frozenset({"you", "u", "ur", "youre", "tu", "t", "te", "vous", "toi", "ta", "ton"})
_SELF_CONTRACTED = frozenset({"im", "jsuis", "chui", "chuis"})
# what may stand between the copula and the insult ("a total", "une vraie", "such a complete")
_FILLERS = frozenset(
    {
        "a", "an", "such", "total", "complete", "real", "big", "huge", "absolute", "utter", "massive",
        "little", "bit", "of", "the", "right", "proper", "un", "une", "vrai", "vraie", "gros", "grosse",
        "sacre", "sacree", "totale", "petit", "petite", "espece", "d", "de", "comme", "not", "always",
        "never", "really", "just", "sometimes", "so", "pas", "vraiment", "toujours", "jamais",
        "utterly", "totally", "completely", "kinda", "trop", "tellement", "less", "more",
    }
)  # fmt: skip
# what may stand between the subject and the copula ("we'll try not to be", "j'avais pas été")
_BETWEEN = frozenset(
    {
        "ll", "will", "would", "d", "try", "not", "to", "really", "just", "have", "ve", "had", "always",
        "never", "can", "could", "might", "avais", "ai", "aurais", "pas", "ne", "n", "vraiment", "juste",
        "toujours", "jamais", "peux", "dois", "sais", "do", "my", "best",
        # a progressive or perfect copula ("I'm being a prick", "I was being", "I've been")
        "m", "am", "was", "re", "were", "been",
    }
)  # fmt: skip
# A non-finite "be" or "being" has no subject of its own ("apologies for being such a dickhead",
# "trying not to be a shithead"): it is the writer's when the text names the writer and no one else.
_NON_FINITE = frozenset({"be", "being"})
_FIRST_PERSON = frozenset({"i", "im", "me", "my", "myself", "we", "us", "our", "ourselves", "je", "j", "moi"})
_OTHERS = _ADDRESSED | frozenset(
    {"he", "she", "they", "him", "her", "them", "his", "their", "hes", "shes", "theyre", "il", "elle", "ils"}
    | {"elles", "lui", "eux", "leur", "someone", "somebody", "everyone", "anyone", "guy", "guys"}
)
_MAKE_OR_CALL = frozenset({"make", "makes", "made", "making", "call", "calls", "called", "calling"})
_NAME_AS = frozenset(
    {"traiter", "traite", "traitee", "traites", "traitent", "traitez"}
    | {"appeler", "appelle", "appele", "appelee"}
)
_ME = frozenset({"me", "m"})
_SELF_OPENERS = frozenset({"apologies", "sorry", "trying"})
_REACH = 4


def said_of_oneself(tokens: Sequence[Token], first: int) -> bool:
    """Whether the insult starting at token ``first`` is said by the writer of themselves."""
    return said_of_oneself_in([token.text for token in tokens], first)


def said_of_oneself_in(words: Sequence[str], first: int) -> bool:
    """``said_of_oneself`` on the normalised words of a text."""
    if words[first] in _ADDRESSED:  # "I feel you are a twat": the insult's own words address someone
        return False
    j = first - 1
    if words[first] in _ACTING:
        j = first
    while j >= 0 and first - j <= _REACH and words[j] in _FILLERS:
        j -= 1
    if j < 0:
        return False
    if words[j] in _ONESELF:  # "I call myself a fag", "traite-moi de…" is not this: it follows a verb
        return j > 0 and words[j - 1] not in {"traite", "traites", "traitez"}
    if words[j] == "me":  # "that makes me a bit of a bastard", "why call me a bitch?"
        return j > 0 and words[j - 1] in _MAKE_OR_CALL
    if words[j] in _NAME_AS:  # "me traiter de pute", "il m'a traité de pédé", "on m'appelle…"
        return not _ME.isdisjoint(words[max(0, j - 2) : j])
    if words[j] in _SELF_CONTRACTED:  # "im a twat", "chui trop con"
        return True
    if words[j] in _SELF:  # "am I a prick", "suis-je un idiot"
        return j > 0 and words[j - 1] in _COPULAS
    if words[j] not in _COPULAS:
        return False
    k = j - 1
    while k >= 0 and j - k <= 2 * _REACH and words[k] in _BETWEEN:
        k -= 1
    if k >= 0 and words[k] in _SELF:
        return True
    if words[j] in _NON_FINITE:
        before = words[:j]
        names_writer = not _FIRST_PERSON.isdisjoint(before) or (bool(before) and before[0] in _SELF_OPENERS)
        return names_writer and _OTHERS.isdisjoint(before)
    return False
