"""Possible defamation: a named person close to an accusation or an insult.

A person is named by a capitalised first name and surname (not a capitalised word that merely
starts a sentence, unless it is a known first name), by a title ("Mr Smith", "Mme Durand"), by a
relation ("my boss Marc", "ma voisine Julie"), by a first name and a department ("Kevin from
accounting"), by a role at a named place ("the manager at the Tesco", "le gérant du Carrefour") or by
an @handle. Names inside an allowlisted phrase ("Victor Hugo") do not count.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from bot.moderation.lexicon import Hit, load_data_file
from bot.moderation.normalise import Token
from bot.moderation.verdict import Reason

WINDOW = 12  # tokens between a name and an accusation
_MAX_MATCH_CHARS = 120
_SENTENCE_BREAK = frozenset('.!?…\n:;"«»“”()[]')
# fmt: off
_TITLES = frozenset((
    "mr", "mrs", "ms", "miss", "dr", "doctor", "prof", "professor", "coach", "monsieur", "madame",
    "mademoiselle", "mme", "mlle", "m", "maitre", "maitresse", "docteur",
))
_POSSESSIVES = frozenset((
    "my", "our", "his", "her", "their", "the", "mon", "ma", "notre", "son", "sa", "leur", "le", "la",
))
_RELATIONS = frozenset((
    "boss", "manager", "teacher", "prof", "professor", "coach", "neighbour", "neighbor", "coworker",
    "colleague", "roommate", "landlord", "landlady", "supervisor", "stepdad", "stepmom", "stepfather",
    "stepmother", "ex", "tutor", "doctor", "dentist", "pastor", "priest", "chef", "patron", "patronne",
    "voisin", "voisine", "collegue", "coloc", "proprio", "proprietaire", "professeur", "professeure",
    "maitresse", "maitre", "directeur", "directrice", "cheffe", "responsable", "superieur",
    "entraineur", "entraineuse", "moniteur", "monitrice", "medecin", "cure", "pasteur",
))
# fmt: on
_DEPARTMENT_LINKS = frozenset(("from", "in", "at", "of", "de", "du", "des"))
# fmt: off
_ROLES = _RELATIONS | frozenset((
    "owner", "cashier", "principal", "headteacher", "headmaster", "headmistress", "director", "nurse",
    "pharmacist", "baker", "butcher", "barman", "bartender", "waiter", "waitress", "mayor", "imam",
    "rabbi", "receptionist", "secretary", "guard", "bouncer", "driver", "instructor", "trainer",
    "gerant", "gerante", "caissier", "caissiere", "boulanger", "boulangere", "boucher", "bouchere",
    "pharmacien", "pharmacienne", "serveur", "serveuse", "maire", "rabbin", "infirmier", "infirmiere",
    "docteur", "vigile", "concierge", "gardien", "gardienne", "videur", "chauffeur", "proviseur",
    "proviseure", "surveillant", "surveillante", "pion", "barmaid", "vendeur", "vendeuse",
))
# fmt: on
_PLACE_LINKS = frozenset(("at", "of", "from", "in", "on", "du", "de", "des", "chez", "au", "a"))
_PLACE_ARTICLES = frozenset(("the", "le", "la", "l", "les"))
# A street named after the role ("the owner of the pizza place on Main Street", "le patron de la
# pizzeria rue Victor Hugo"): English street words follow the name, French ones precede it.
_STREETS_AFTER = frozenset(("street", "st", "road", "rd", "avenue", "ave", "lane", "boulevard", "blvd"))
_STREETS_BEFORE = frozenset(("rue", "avenue", "boulevard", "bd", "chemin", "allee", "impasse", "quai"))
_STREET_WINDOW = 7


@cache
def _word_list(name: str) -> frozenset[str]:
    words: set[str] = set()
    for line in load_data_file(name):
        if not line.startswith("#"):
            words.update(line.split())
    return frozenset(words)


def first_names() -> frozenset[str]:
    return _word_list("first_names.txt")


def not_names() -> frozenset[str]:
    return _word_list("not_names.txt")


def _at_sentence_start(text: str, tokens: Sequence[Token], index: int) -> bool:
    if index == 0:
        return True
    gap = text[tokens[index - 1].end : tokens[index].start]
    return any(char in _SENTENCE_BREAK for char in gap)


def _is_name_word(text: str, token: Token) -> bool:
    original = text[token.start : token.end]
    return (
        len(original) >= 2
        and original[0].isupper()
        and not original.isupper()
        and original.isalpha()
        and token.text not in not_names()
    )


def _joined(text: str, tokens: Sequence[Token], first: int, second: int) -> bool:
    """Whether two consecutive tokens are separated by blanks or a hyphen only."""
    gap = text[tokens[first].end : tokens[second].start]
    return gap.strip() in ("", "-")


def find_names(text: str, tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """Spans (first, last token index) of the people named in the text."""
    firsts = first_names()
    names: list[tuple[int, int]] = []
    count = len(tokens)
    for i, token in enumerate(tokens):
        original = text[token.start : token.end]
        if original.startswith("@") and len(original) > 2:
            names.append((i, i))
            continue
        place = _named_place(text, tokens, i)
        if place is not None:
            names.append((i - 1, place))
            continue
        if i + 1 >= count or not _is_name_word(text, tokens[i + 1]):
            if (
                token.text in firsts
                and _is_name_word(text, token)
                and i + 2 < count
                and tokens[i + 1].text in _DEPARTMENT_LINKS
                and not _at_sentence_start(text, tokens, i + 1)
            ):
                names.append((i, i + 2))
            continue
        following = tokens[i + 1]
        if token.text in _TITLES:
            names.append((i, i + 1))
        elif token.text in _RELATIONS and i > 0 and tokens[i - 1].text in _POSSESSIVES:
            names.append((i - 1, i + 1))
        elif (
            _is_name_word(text, token)
            and _joined(text, tokens, i, i + 1)
            and (not _at_sentence_start(text, tokens, i) or token.text in firsts)
            and following.text not in _TITLES
        ):
            names.append((i, i + 1))
    return [name for name in names if not _inside_other(name, names)]


def _named_place(text: str, tokens: Sequence[Token], i: int) -> int | None:
    """Index of the place name when ``tokens[i]`` is a role at a named place ("the manager at the
    Tesco"): such a person is identifiable even without a name."""
    if tokens[i].text not in _ROLES or i == 0 or tokens[i - 1].text not in _POSSESSIVES:
        return None
    k = i + 1
    if k >= len(tokens) or tokens[k].text not in _PLACE_LINKS or _at_sentence_start(text, tokens, k):
        return None
    k += 1
    if k < len(tokens) and tokens[k].text in _PLACE_ARTICLES:
        k += 1
    if k < len(tokens) and _is_name_word(text, tokens[k]) and not _at_sentence_start(text, tokens, k):
        return k
    return _street(text, tokens, i + 1)


def _street(text: str, tokens: Sequence[Token], start: int) -> int | None:
    """Index of the last word of a street name a few words after ``start``, in the same sentence."""
    for k in range(start, min(start + _STREET_WINDOW, len(tokens))):
        if k > start and _at_sentence_start(text, tokens, k):
            return None
        word = tokens[k].text
        if word in _STREETS_AFTER and k > start and tokens[k - 1].text not in _PLACE_LINKS:
            return k
        if word in _STREETS_BEFORE and k + 1 < len(tokens) and not _at_sentence_start(text, tokens, k + 1):
            return k + 1
    return None


def _inside_other(span: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    return any(other != span and other[0] <= span[0] and span[1] <= other[1] for other in spans)


def _inside(span: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    return any(first <= span[0] and span[1] <= last for first, last in spans)


def find_defamation(
    text: str,
    tokens: Sequence[Token],
    cues: Sequence[Hit],
    allowed: Sequence[tuple[int, int]],
) -> list[Reason]:
    """A reason for each named person within ``WINDOW`` tokens of a cue (accusation or insult)."""
    if not cues:
        return []
    reasons: list[Reason] = []
    for name in find_names(text, tokens):
        if _inside(name, allowed):
            continue
        for cue in cues:
            overlaps = cue.first <= name[1] and name[0] <= cue.last
            near = cue.first - name[1] <= WINDOW and name[0] - cue.last <= WINDOW
            if near and not overlaps:
                start = tokens[min(name[0], cue.first)].start
                end = tokens[max(name[1], cue.last)].end
                if end - start > _MAX_MATCH_CHARS:
                    start, end = tokens[name[0]].start, tokens[name[1]].end
                reasons.append(Reason("defamation", text[start:end]))
                break
    return reasons
