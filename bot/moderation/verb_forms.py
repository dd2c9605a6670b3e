"""The forms of a verb, so that a word list can name a verb once: "tuer" stands for "tuerais",
"tuaient", "tués"; "kill" for "kills", "killed", "killing".

Normalised spellings (no accents), regular conjugations only: French verbs in -er (first group),
-ir (second group: "punir", "punissent") and -re ("pendre", "abattre"), English verbs with -s, -ed
and -ing. Forms shorter than four letters are left out (they too often are other words), and so
are the French simple past's "-a"/"-as" ("gaza") and the present participle of -er and -re verbs, as often
an everyday adjective or noun ("pendant", "au volant", "un contraste frappant", "un steak saignant").
"""

from __future__ import annotations

_MIN_FORM = 4

# After the stem: present, imperfect, future, conditional, subjunctive, participles, infinitive.
_ER = (
    "er", "e", "es", "ons", "ez", "ent", "ais", "ait", "ions", "iez", "aient", "erai", "eras", "era",
    "erons", "erez", "eront", "erais", "erait", "erions", "eriez", "eraient", "ee", "ees", "erent",
    "ai",
)  # fmt: skip
_IR = (
    "ir", "is", "it", "issons", "issez", "issent", "issais", "issait", "issions", "issiez",
    "issaient", "irai", "iras", "ira", "irons", "irez", "iront", "irais", "irait", "irions", "iriez",
    "iraient", "ie", "ies", "issant", "isse", "isses",
)  # fmt: skip
_RE = (
    "re", "s", "ons", "ez", "ent", "ais", "ait", "ions", "iez", "aient", "rai", "ras", "ra", "rons",
    "rez", "ront", "rais", "rait", "rions", "riez", "raient", "u", "ue", "us", "ues", "e", "es",
)  # fmt: skip
_VOWELS = frozenset("aeiou")


def french_forms(infinitive: str) -> frozenset[str]:
    """The regular forms of a French verb given in the infinitive."""
    for ending, suffixes in (("er", _ER), ("ir", _IR), ("re", _RE)):
        if infinitive.endswith(ending):
            stem = infinitive[: -len(ending)]
            forms = {stem + suffix for suffix in suffixes}
            if ending == "re" and stem.endswith("t"):  # "abattre": "il abat", "j'abats"
                forms |= {stem[:-1], stem[:-1] + "s"}
            if ending == "er" and stem.endswith("g"):  # "dégager": "nous dégageons", "dégageait"
                forms |= {stem + "e" + suffix for suffix in suffixes if suffix[0] in "oa"}
            return frozenset(form for form in forms if len(form) >= _MIN_FORM)
    raise ValueError(f"not a French infinitive: {infinitive}")


def english_forms(verb: str) -> frozenset[str]:
    """The regular forms of an English verb: -s, -ed, -ing (a final "e" dropped, a last consonant
    after the one vowel of a short verb doubled: "gas", "gassed")."""
    stem = verb[:-1] if verb.endswith("e") else verb
    one_syllable = sum(letter in _VOWELS for letter in verb) == 1
    if one_syllable and verb[-1] not in _VOWELS | {"w", "x", "y"} and verb[-2] in _VOWELS:
        stem = verb + verb[-1]
    third = verb + ("es" if verb.endswith(("s", "sh", "ch", "x", "z")) else "s")
    past = verb + "d" if verb.endswith("e") else stem + "ed"
    forms = {verb, third, past, stem + "ing"}
    return frozenset(form for form in forms if len(form) >= _MIN_FORM)


def verb_forms(entry: str) -> frozenset[str]:
    """A word list's verb entry: ``fr:tuer`` or ``en:kill``."""
    lang, _, verb = entry.partition(":")
    if lang == "fr":
        return french_forms(verb)
    if lang == "en":
        return english_forms(verb)
    raise ValueError(f"a verb entry is fr:<infinitive> or en:<verb>, not {entry}")
