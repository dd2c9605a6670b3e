"""Statements about protected groups: who is named, whether as oneself, and hostility towards them.

Rules, not learning: a sentence that names a group (``group_words.txt``, or a slur from
``slur_words.txt``) and says something hostile (``group_hostile.txt``) is a negative statement about
that group, held for review as hate; unless the hostile word is negated ("I don't hate women"), the
writer names the group as what they or their own are ("I'm gay", "ma sœur est trans"), or the text is
counter-speech: it quotes or reports the words ("stop saying that…", « … ») and condemns them, or
the hostile word reports a violence the group suffered ("the immigrants were killed in the attack").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache

from bot.moderation.lexicon import load_data_file
from bot.moderation.normalise import Token
from bot.moderation.verb_forms import verb_forms
from bot.moderation.verdict import Reason


def _cues(section: str) -> frozenset[str]:
    """One section of ``group_cues.txt`` ("_" stands for a space inside a cue)."""
    found: set[str] = set()
    for line in load_data_file("group_cues.txt"):
        name, _, words = line.partition("\t")
        if name == "@" + section:
            found.update(word.replace("_", " ") for word in words.split())
    return frozenset(found)


GROUP = "<group>"
LAYER = "group_rules"
_SELF_COPULAS = frozenset({"m", "am", "im", "suis", "jsuis", "being", "etre", "as"})
_OTHER_COPULAS = frozenset({"is", "s", "are", "re", "est", "sont", "sommes"})
_RELATIVES = frozenset({"who", "qui"})
_SELF_LEADS = frozenset({"as", "comme", "tant"})
_SINGULAR = frozenset({"is", "est"})
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
        # "I'm in a wheelchair", "je suis en fauteuil"
        "in",
        "en",
    }
)
_NEGATORS = _cues("negators")
_NEGATION_WINDOW = 3
_SPEECH = _cues("speech")
_CONDEMN_PREFIXES = _cues("condemn")
_HATRED = _cues("hatred")
_QUOTED = re.compile(r"\"[^\"]{3,}\"|“[^”]{3,}”|«[^»]{3,}»|„[^“”]{3,}[“”]")
_SENTENCE_BREAK = frozenset(".!?;\n")
# Once a sentence names a group, these words in the next sentences stand for it ("I met some women.
# They are scum.").
_PRONOUNS = _cues("pronouns")
# Praise that, negated, says something hostile ("women are never any good", "ils ne valent rien").
_PRAISE = _cues("praise")
_MIN_SWAPPED = 5
_MIN_VARIANT = 4
_MIN_GLUED = 6
_MIN_SEGMENTED = 5
_SHORT_HOSTILE = frozenset({"die"})
_MIN_PART = 4


@cache
def _word_file(name: str) -> tuple[frozenset[str], tuple[str, ...]]:
    words: set[str] = set()
    prefixes: set[str] = set()
    for line in load_data_file(name):
        if line.startswith("#"):
            continue
        for word in line.split():
            word = word.replace("-", "")  # words are split at hyphens: "sous-hommes" is read joined
            if ":" in word:  # a verb and its forms: "fr:tuer", "en:hunt"
                words.update(verb_forms(word))
            elif word.endswith("*"):
                prefixes.add(word[:-1])
            else:
                words.add(word)
    return frozenset(words), tuple(sorted(prefixes))


@cache
def _verb_forms(name: str) -> frozenset[str]:
    """The forms a word list's verb entries stand for, but their first ("tuer", "hunt"): spelling
    tricks are read on the words as listed, not on each form ("tuant" without its "u" is "tant")."""
    found: set[str] = set()
    for line in load_data_file(name):
        if not line.startswith("#"):
            for entry in line.split():
                if ":" in entry:
                    found.update(verb_forms(entry) - {entry.partition(":")[2]})
    return frozenset(found)


@cache
def _hyphen_firsts() -> frozenset[str]:
    """The first parts of hostile words written with a hyphen ("sous-hommes", "ras-le-bol"): the
    tokens split them, the group rules join them back."""
    return frozenset(
        word.split("-")[0]
        for line in load_data_file("group_hostile.txt")
        if not line.startswith("#")
        for word in line.split()
        if "-" in word
    )


def group_words() -> frozenset[str]:
    return _word_file("group_words.txt")[0]


def slur_words() -> frozenset[str]:
    return _word_file("slur_words.txt")[0]


@lru_cache(maxsize=50_000)
def _hostile(word: str) -> bool:
    words, prefixes = _word_file("group_hostile.txt")
    if word in words or word.startswith(prefixes):
        return True
    fixed = _misspelt("group_hostile.txt")
    return word in fixed or (word.startswith(_misspelt_prefixes()) and word not in _not_misspelt())


_VOWELS = frozenset("aeiouy")


# Swapping the last two letters of a hostile word makes these words of their own: never read as tricks.
_REAL_SWAPS = frozenset({"apse", "brun", "carp", "dise", "gnus", "pets", "pier", "prie", "runi", "fosu"})


def _variants(word: str, *, to_end: bool = False) -> set[str]:
    """Spelling tricks that keep the first letter: two neighbouring letters swapped inside the word
    (5 letters or more; with ``to_end``, a hostile word or a prefix of 4 letters or more, up to its
    last letter: "haet", "disgutsed"), or one vowel dropped ("mslims", "trns"; dropping a consonant too
    often makes another word: "blacks" → "backs")."""
    found: set[str] = set()
    if len(word) >= _MIN_SWAPPED or (to_end and len(word) >= _MIN_VARIANT):
        last = len(word) - 1 if to_end else len(word) - 2
        found.update(word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(1, last))
    found.update(word[:i] + word[i + 1 :] for i in range(1, len(word) - 1) if word[i] in _VOWELS)
    found.discard(word)
    return {variant for variant in found if len(variant) >= _MIN_VARIANT and variant not in _REAL_SWAPS}


@cache
def _not_misspelt() -> frozenset[str]:
    """Real words that spelling tricks on the lists would make or begin ("peur" is "puer" with two
    letters swapped, "plage" is "plague" less its "u", "signed" begins like "singe…" with two letters
    swapped): ``not_misspelt.txt``, made by
    ``scripts/build_not_glued.py`` from an English and a French dictionary. They are read as
    themselves."""
    return frozenset(line for line in load_data_file("not_misspelt.txt") if line and not line.startswith("#"))


@cache
def _misspelt(name: str) -> frozenset[str]:
    """Spelling tricks on the words of a list ("womne", "mslims"); a variant that is itself a word
    of any list, or a real word (``_not_misspelt``), is left out."""
    words = _word_file(name)[0] - _verb_forms(name)
    known = group_words() | slur_words() | _word_file("group_hostile.txt")[0] | _not_misspelt()
    return frozenset(
        variant
        for word in words
        if word.isalpha()
        for variant in _variants(word, to_end=True)
        if variant not in known
    )


@cache
def _misspelt_prefixes() -> tuple[str, ...]:
    """Spelling tricks on the prefixes of the hostile list ("degotu…"), five letters or more: shorter
    ones begin too many words ("moron" less an "o" begins "morning", "panth…" would be "pant…")."""
    prefixes = _word_file("group_hostile.txt")[1]
    return tuple(
        sorted(
            {
                variant
                for prefix in prefixes
                if len(prefix) >= _MIN_SWAPPED
                for variant in _variants(prefix, to_end=True)
            }
        )
    )


@cache
def _group_spellings() -> dict[str, str]:
    groups = group_words()
    found: dict[str, str] = {}
    for word in sorted(groups):
        # a doubled letter written once too ("imigrés", "lesbienes"): for groups' names only, where it
        # makes no other word ("gross" would give "gros")
        doubled = {word[:i] + word[i + 1 :] for i in range(1, len(word) - 1) if word[i] == word[i + 1]}
        # its last two letters swapped too ("womne", "muslism"), five letters or more
        ending = {word[:-2] + word[-1] + word[-2]} if len(word) >= _MIN_SWAPPED and word.isalpha() else set()
        for variant in sorted(_variants(word) | doubled | ending):
            if variant not in groups and variant not in slur_words() and variant not in _not_misspelt():
                found.setdefault(variant, word)
    return found


def _named(word: str) -> bool:
    return word in group_words() or word in slur_words()


# Short words that get glued to the next or previous one ("jedeteste", "lanausee", "tuerce").
_GLUE = _cues("glue")


def _split_glued(word: str) -> tuple[str, str] | None:
    """A word glued to another: a group's name or slur glued to anything ("hatewomen",
    "typiquedepute"), or a hostile word glued to a short word ("jedeteste", "tuerce")."""
    for k in range(1, len(word) - _MIN_PART + 1):
        head, tail = word[:k], word[k:]
        if _named(tail) or (head in _GLUE and _hostile(tail)):
            return head, tail
    for k in range(len(word) - 1, _MIN_PART - 1, -1):
        head, tail = word[:k], word[k:]
        if (_named(head) and len(tail) >= 2) or (tail in _GLUE and _hostile(head)):  # not "indian|a"
            return head, tail
    return None


def _glued_to_name(word: str) -> bool:
    """Whether a group's name or slur ends the word after another word of 4 letters or more."""
    return any(_named(word[k:]) for k in range(_MIN_PART, len(word) - _MIN_PART + 1))


@cache
def _not_glued() -> frozenset[str]:
    """Real words that read as glued ones ("ladies" → "la", "dies"): ``not_glued.txt``, made by
    ``scripts/build_not_glued.py`` from an English and a French dictionary."""
    return frozenset(line for line in load_data_file("not_glued.txt") if line and not line.startswith("#"))


def _segment_part(part: str) -> bool:
    if part in _GLUE:
        return True
    if len(part) >= _MIN_PART:
        return _named(part) or _hostile(part)
    return part in _SHORT_HOSTILE  # "todie"


def _segments(word: str) -> tuple[str, ...] | None:
    """A word made of words glued together, each a short word (``@glue``), a group's name, a slur
    or a hostile word of 4 letters or more ("die" too), and at least one of the last three: "ihate" → "i",
    "hate"; "pendretous" → "pendre", "tous"; "lesplusstupides" → "les", "plus", "stupides". The
    fewest parts win; None when the word is not made that way."""
    best: list[tuple[str, ...] | None] = [None] * (len(word) + 1)
    best[0] = ()
    for end in range(1, len(word) + 1):
        for start in range(end):
            before = best[start]
            part = word[start:end]
            if before is None or not _segment_part(part):
                continue
            if best[end] is None or len(before) + 1 < len(best[end] or ()):
                best[end] = (*before, part)
    found = best[len(word)]
    if found is None or len(found) < 2 or all(part in _GLUE for part in found):
        return None
    return found


@lru_cache(maxsize=100_000)
def _read_word(word: str) -> tuple[str, ...]:
    """A word as the group rules read it: a group name's spelling trick undone ("womne" → "women"),
    or split when glued ("hatewomen" → "hate", "women"; "ihate" → "i", "hate")."""
    if word in group_words() or word in slur_words():
        return (word,)
    fixed = _group_spellings().get(word)
    if fixed is not None:
        return (fixed,)
    if word in _not_glued():
        return (word,)
    # a hostile prefix glued to a group's name is split too ("orduresdefemmes": "ordure…" is a prefix)
    if len(word) >= _MIN_GLUED and word.isalpha() and (not _hostile(word) or _glued_to_name(word)):
        split = _split_glued(word)
        if split is not None:
            # each part may itself be glued ("orduresde|femmes")
            return tuple(piece for part in split for piece in (_segments(part) or (part,)))
    if len(word) >= _MIN_SEGMENTED and word.isalpha() and not _hostile(word):
        parts = _segments(word)
        if parts is not None:
            return parts
    return (word,)


def _read(words: Sequence[str]) -> list[tuple[str, int]]:
    """The words as read (``_read_word``), each with the index of the token it comes from; a hostile
    word the hyphens split ("sous", "hommes") joined back."""
    read = [(part, index) for index, word in enumerate(words) for part in _read_word(word)]
    firsts = _hyphen_firsts()
    if firsts.isdisjoint(words):
        return read
    joined: list[tuple[str, int]] = []
    k = 0
    while k < len(read):
        size = 1
        if read[k][0] in firsts:
            size = next(
                (
                    n
                    for n in (3, 2)
                    if k + n <= len(read) and _hostile("".join(p for p, _ in read[k : k + n]))
                ),
                1,
            )
        joined.append(("".join(p for p, _ in read[k : k + size]), read[k][1]))
        k += size
    return joined


def identifies_self(words: Sequence[str], index: int) -> bool:
    """Whether the group named at ``index`` is what the writer, or someone of their own, is."""
    j = index - 1
    groups = group_words()
    while j >= 0 and (words[j] in _BETWEEN or words[j] in groups):
        j -= 1
    if j < 0:
        return False
    if words[j] in _SELF_COPULAS or (words[j] == "que" and j > 0 and words[j - 1] == "tant"):
        return True  # "I'm gay", "as a Muslim", "en tant que femme noire"
    if words[j] not in _OTHER_COPULAS:
        return False
    # "as someone who is Indian", "en tant que personne qui est trans", "comme quelqu'un qui est noir"
    leads = words[max(0, j - 5) : j - 1]
    if words[j] in _SINGULAR and words[j - 1] in _RELATIVES and not _SELF_LEADS.isdisjoint(leads):
        return True
    return not _POSSESSIVES.isdisjoint(words[max(0, j - 3) : j])


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


# Someone addressed outside the quotation marks: quoting words back at their author challenges them
# ("You can't seriously believe that "X are lesser beings"", "Vous pouvez écrire "…", mais …").
_ADDRESSED = re.compile(r"\b(?:you|your|yours|vous|votre|vos|tu|ton|tes|toi)\b", re.IGNORECASE)


_CONDEMNS = re.compile(" (?:" + "|".join(re.escape(prefix) for prefix in sorted(_CONDEMN_PREFIXES)) + ")")
# Words that condemn only what stands in quotation marks ('"X are stupid" has no place here', « … » a été
# supprimé): said of a group outside them, they would be hostile ("X have no place here").
_CONDEMNS_QUOTED = re.compile(
    " (?:" + "|".join(re.escape(prefix) for prefix in sorted(_cues("condemn_quoted"))) + ")"
)


# Opinion and speech verbs whose negation negates the clause after them ("I never said that X are
# scum", "je ne pense pas que les femmes soient stupides").
OPINION_VERBS = frozenset(
    {
        "think", "believe", "say", "said", "saying", "agree", "claim", "mean", "meant", "feel", "pense",
        "pensais", "crois", "croyais", "dis", "dit", "disais", "trouve", "trouvais", "dirais", "penserais",
        "dire", "affirmer", "pretendre",
        # "it is not true that…", "il n'est pas vrai que…"
        "true", "vrai",
    }
)  # fmt: skip
_OPINION_REACH = 8
_CLAUSE_BREAK = frozenset(",.;:!?\n")


# "don't you think women are worthless?", "ne pensez-vous pas que…": a negative question asks to agree
_ASKED = frozenset({"you", "u", "tu", "vous"})


def negated_opinions(words: Sequence[str]) -> list[int]:
    """Where an opinion or speech verb stands negated ("never said", "don't think", "ne pense pas"),
    not in a negative question ("don't you think…")."""
    return [
        i
        for i, word in enumerate(words)
        if word in OPINION_VERBS
        and _negating(words[max(0, i - _NEGATION_WINDOW) : i])
        and _ASKED.isdisjoint(words[max(0, i - _NEGATION_WINDOW) : i + 2])
    ]


def under_negated_opinion(text: str, tokens: Sequence[Token], opinions: Sequence[int], index: int) -> bool:
    """Whether the word at ``index`` stands in the clause after a negated opinion (no punctuation
    between them: "I don't think so, you moron" is not negated)."""
    return any(
        0 < index - i <= _OPINION_REACH
        and _CLAUSE_BREAK.isdisjoint(text[tokens[i].end : tokens[index].start])
        for i in opinions
    )


def without_quotations(text: str) -> str | None:
    """The text with what stands inside quotation marks blanked out, or None when nothing is quoted."""
    blanked = _QUOTED.sub(" ", text)
    return None if blanked == text else blanked


def condemns(words: Sequence[str]) -> bool:
    """Whether the words condemn something ("bigot", "racist", "get you banned", "honteux")."""
    return _CONDEMNS.search(" " + " ".join(words)) is not None


# What someone else said or wrote, reported: "he said that X are rats", "les gens qui disent que les X
# sont des voleurs", "il a écrit que…" is not the writer's own claim, unless the writer agrees ("he's
# right", "il a raison", "so true").
_REPORTING = frozenset(
    {"said", "says", "saying", "wrote", "writes", "claimed", "claims", "tweeted", "posted", "dit", "disent"}
    | {"disait"}
    | {"disaient", "ecrit", "ecrivent", "pretend", "pretendent", "affirme", "affirment", "racontent"}
)
_OTHER_SPEAKERS = frozenset(
    {"he", "she", "they", "someone", "somebody", "people", "who", "guy", "you", "il", "elle", "ils", "elles"}
    | {"qui", "gens", "quelqu", "tu", "vous"}
    # someone of the writer's circle or public life ("my uncle keeps saying…", "mon oncle dit que…")
    | {"uncle", "aunt", "dad", "father", "mom", "mum", "mother", "brother", "sister", "friend", "boss"}
    | {"teacher", "colleague", "coworker", "neighbour", "neighbor", "cousin", "man", "woman", "grandpa"}
    | {"grandma", "politician", "president", "oncle", "tante", "pere", "mere", "frere", "soeur", "ami"}
    | {"amie", "pote", "patron", "prof", "collegue", "voisin", "voisine", "cousine", "type", "mec", "gars"}
)
# what stands between a speaker and the verb ("he has always said", "il a dit", "ils ont écrit")
_BEFORE_REPORTING = frozenset(
    {"a", "as", "has", "have", "had", "always", "just", "also", "once", "ont", "avait", "avaient", "keeps"}
    | {"keep", "kept", "still", "is", "was", "s"}
    | {"toujours", "deja", "aussi", "m", "me", "t", "te", "nous", "vous", "lui", "leur"}
)
_ENDORSING = frozenset(
    {"right", "agree", "agreed", "true", "truth", "exactly", "correct", "facts", "raison", "vrai"}
    | {"verite", "exactement", "accord", "comme"}
)


def _reported_by_others(words: Sequence[str]) -> bool:
    if _REPORTING.isdisjoint(words) or not _ENDORSING.isdisjoint(words):
        return False
    for i, word in enumerate(words):
        if word in _REPORTING:
            j = i - 1
            while j > 0 and words[j] in _BEFORE_REPORTING:
                j -= 1
            # "as my uncle always says": the writer agrees
            if j >= 0 and words[j] in _OTHER_SPEAKERS and "as" not in words[max(0, j - 2) : j]:
                return True
    return False


def is_counter_speech(text: str, words: Sequence[str]) -> bool:
    """Whether the text reports or quotes words and condemns them, quotes them back at someone, or
    reports what someone else said without agreeing."""
    quoted = _QUOTED.search(text) is not None
    reports = quoted or not _SPEECH.isdisjoint(words)
    # "we must call out the hatred of women": condemning hatred is not hatred
    if not reports and _HATRED.isdisjoint(words):
        return False
    return (
        _CONDEMNS.search(" " + " ".join(words)) is not None
        or (quoted and _ADDRESSED.search(_QUOTED.sub(" ", text)) is not None)
        or (quoted and _CONDEMNS_QUOTED.search(" " + " ".join(words)) is not None)
        or _reported_by_others(words)
    )


# Negation words that only restrict: "they are nothing but vermin", "ils ne sont que des rats".
_RESTRICTIVE = re.compile(
    r"\b(?:nothing (?:but|more than|other than|else than|less than)|no (?:better|more) than"
    r"|not (?:better|more) than|rien (?:d autre |de plus |de mieux |de moins |)que"
    r"|pas mieux que|pas plus que|(?:n|ne) (?!pas |jamais |plus |point )\w+ (?:que|qu))\b"
)


# A negation inside a condition wishes the contrary: "I'd like X if they weren't such scum", "je serais
# d'accord avec les X s'ils n'étaient pas des raclures" say they are.
_CONDITIONAL = re.compile(
    r"\b(?:if|si|s (?:il|ils|elle|elles))\b(?: \w+){0,3} (?:weren t|werent|wasn t|wasnt|n|ne)\b"
)


def _conditional(window: Sequence[str]) -> bool:
    return _CONDITIONAL.search(" ".join(window)) is not None


# Negation words that intensify: "sans aucun doute les plus stupides", "no doubt", "not only".
_INTENSIFYING = re.compile(
    r"\b(?:sans (?:aucun |le moindre |nul |)doute|sans (?:aucune |)exception|sans conteste"
    r"|no doubt|without (?:a |any |)doubt|without exception|not only|non seulement|pas seulement)\b"
)


def intensifying(words: Sequence[str]) -> frozenset[int]:
    """The positions of the words of negations that intensify rather than negate."""
    joined = " ".join(words)
    found: set[int] = set()
    for match in _INTENSIFYING.finditer(joined):
        first = joined.count(" ", 0, match.start())
        found.update(range(first, first + match.group().count(" ") + 1))
    return frozenset(found)


# A negation before its subject asks a question that asserts ("don't you think X are worthless?",
# "isn't it obvious that…", "can't we agree that…")
_INVERTED = frozenset({"you", "u", "it", "they", "we"})


def _negating(window: Sequence[str]) -> bool:
    """Whether a negation word stands in the window, those that intensify or ask a negative question
    left out."""
    if _NEGATORS.isdisjoint(window):
        return False
    skipped = intensifying(window)
    return any(
        word in _NEGATORS and not (i + 1 < len(window) and window[i + 1] in _INVERTED)
        for i, word in enumerate(window)
        if i not in skipped
    )


def _restrictive(window: Sequence[str]) -> bool:
    return _RESTRICTIVE.search(" ".join(window)) is not None


# "les", "l'" stand for people only as the object of a verb: "il faudrait les éradiquer", "tout ce qui
# les concerne" (after these words "les" is no article)
_OBJECT_PRONOUNS = frozenset({"les", "l"})
_BEFORE_OBJECT = frozenset(
    {
        "qui",
        "faut",
        "faudrait",
        "devrait",
        "devrais",
        "doit",
        "dois",
        "veux",
        "vais",
        "va",
        "peut",
        "pourrait",
    }
)


_LIKE_YOU = frozenset({("like", "you"), ("comme", "vous"), ("comme", "toi"), ("comme", "toi")})
_YOU = frozenset({"you", "u", "vous", "tu", "t", "toi"})


def _stands_for_group(words: Sequence[str], i: int, last: int, addressed: bool) -> bool:
    if words[i] in _PRONOUNS or (addressed and words[i] in _YOU):
        return True
    if words[i] not in _OBJECT_PRONOUNS:
        return False
    return (i + 1 < last and _hostile(words[i + 1])) or (i > 0 and words[i - 1] in _BEFORE_OBJECT)


# Violence a group suffered, reported: a participle after a past or ongoing auxiliary ("the
# immigrants were killed in the attack", "women are getting murdered", "des musulmans ont été tués"),
# with no wish, duty or approval in the sentence ("X should be killed", "X deserve to get shot", "I'm
# glad X were shot", "better off if X were eradicated", "ils méritaient d'être tués" stay hostile;
# "be", "être" are no such auxiliaries).
_PAST_AUXILIARIES = frozenset(
    {"was", "were", "been", "got", "getting", "being", "ete", "etaient", "etait", "furent", "fut"}
)
_IRREGULAR_PARTICIPLES = frozenset({"shot", "burnt", "slain", "hung", "beaten", "stabbed", "abattus"})
_WISHES = re.compile(
    r"\b(?:should|shouldve|must|deserve\w*|need\w*|ought|hope\w*|glad|happy|wish\w*|want\w*|let|lets"
    r"|good|great|finally|more|better|if|would|mieux|si|devr\w*|doiv\w*|doit|faut|faudr\w*|merit\w*|esper\w*|content\w*"
    r"|heureu\w*|souhait\w*|veux|veut|voudr\w*|enfin|bien|plus|tant mieux|best|meilleur\w*)\b"
)
# Deaths reported in the past ("many migrants died crossing the sea", "des migrants sont morts en mer"),
# not "mort aux …", a slogan
_PAST_DEATHS = frozenset({"died", "perished", "drowned", "morts", "mortes", "decedes", "decedees", "noyes"})


def _participle(word: str) -> bool:
    """A form of a hostile verb ("killed", "tués") or an irregular participle of violence ("shot")."""
    return word in _verb_forms("group_hostile.txt") or word in _IRREGULAR_PARTICIPLES


_VIOLENCE_NOUNS = _HATRED | {"bombing", "bombings", "shooting", "shootings", "stabbing", "attack", "attentat"}


def reported_violence(words: Sequence[str], first: int = 0, last: int | None = None) -> frozenset[int]:
    """Where the words from ``first`` to ``last`` report a violence a group suffered: a participle
    after a past auxiliary, and from there on the participles and names of violence ("were killed
    in the bombing"); nothing when a wish, duty or approval stands in them."""
    last = len(words) if last is None else last
    start = next(
        (
            i
            for i in range(max(first, 1), last)
            if (words[i - 1] in _PAST_AUXILIARIES and _participle(words[i]) and _hostile(words[i]))
            or words[i] in _PAST_DEATHS
        ),
        None,
    )
    if start is None or _WISHES.search(" ".join(words[first:last])) is not None:
        return frozenset()
    return frozenset(
        i
        for i in range(start, last)
        if _participle(words[i]) or words[i] in _VIOLENCE_NOUNS or words[i] in _PAST_DEATHS
    )


# "no less valuable than anyone", "not worth any less", "pas moins dignes": a negated comparison of
# less says as much, not less
_COMPARED = frozenset({"less", "moins"})


def find_group_hostility(text: str, tokens: Sequence[Token]) -> list[Reason]:
    read = _read([token.text for token in tokens])
    words = [word for word, _ in read]
    groups = group_words()
    slurs = slur_words()
    if groups.isdisjoint(words) and slurs.isdisjoint(words):
        return []
    if is_counter_speech(text, words):
        return []
    # "Jamais je ne dirais que les X sont stupides": what follows a negated opinion is not said
    opinions = negated_opinions([token.text for token in tokens])
    spans = []
    for first_token, last_token in _sentences(text, tokens):
        first = next(k for k, (_, index) in enumerate(read) if index >= first_token)
        last = next((k for k, (_, index) in enumerate(read) if index >= last_token), len(read))
        spans.append((first, last))
    named_in = [
        [
            i
            for i in range(a, b)
            if words[i] in slurs or (words[i] in groups and not identifies_self(words, i))
        ]
        for a, b in spans
    ]
    # "X like you …. You are all morons": the one addressed is one of the group
    addressed = any(tuple(words[i + 1 : i + 3]) in _LIKE_YOU for found in named_in for i in found)
    for sentence, (first, last) in enumerate(spans):
        named = named_in[sentence]
        if any(found for k, found in enumerate(named_in) if k != sentence):
            # another sentence names the group, before or after: "I met some women. They are scum.",
            # "Of course they are stupid. They are X after all.", "Il faudrait les éradiquer."
            named = sorted(
                named + [i for i in range(first, last) if _stands_for_group(words, i, last, addressed)]
            )
        if not named:
            continue
        reported = reported_violence(words, first, last)
        for i in range(first, last):
            if i in named:
                continue
            if (
                words[i] in _PRAISE
                and _negating(words[max(first, i - _NEGATION_WINDOW) : i])
                and _COMPARED.isdisjoint(words[max(first, i - 2) : i])
            ):
                a, b = min(named[0], i), max(named[0], i)
                start, end = tokens[read[a][1]].start, tokens[read[b][1]].end
                return [Reason("hate", text[start:end], LAYER)]
            if not _hostile(words[i]) or i in reported:
                continue
            if opinions and under_negated_opinion(text, tokens, opinions, read[i][1]):
                continue
            group = min(named, key=lambda n: abs(n - i))
            a, b = min(group, i), max(group, i)
            # "I don't hate women", "no woman deserves to die", "les femmes ne méritent pas ça"; but
            # "nothing but rats", "ne sont rien d'autre que des cafards" negate nothing
            window = words[max(first, a - _NEGATION_WINDOW) : b]
            if _negating(window) and not _restrictive(window) and not _conditional(window):
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
