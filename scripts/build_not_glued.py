"""Write ``bot/moderation/data/not_glued.txt``: the real English and French words that the group rules
would otherwise read as words glued together ("ladies" → "la" + "dies", "diesel" → "die" + "se" + "l"),
and ``not_misspelt.txt``: those their spelling tricks would make or begin of a listed word ("peur"
from "puer", "signed" from "singe…").

Run from the repository root after changing ``group_hostile.txt``, ``group_words.txt``,
``slur_words.txt`` or the ``@glue`` words of ``group_cues.txt``:
``pip install pyspellchecker==0.9.1 && python scripts/build_not_glued.py``. Only this script needs
pyspellchecker (MIT; its word lists come from OpenSubtitles word frequencies): the filter reads the
list it writes. Deterministic: the same lists give the same file.
"""

from __future__ import annotations

import gzip
import json
import sys
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.moderation import groups  # noqa: E402
from bot.moderation.normalise import normalise  # noqa: E402

OUT = ROOT / "bot" / "moderation" / "data" / "not_glued.txt"
MISSPELT_OUT = ROOT / "bot" / "moderation" / "data" / "not_misspelt.txt"
# a word seen this often in the dictionaries' subtitles is a real word, not a spelling trick
MIN_COUNT = 100
MISSPELT_HEADER = """# Real English and French words that the group rules' spelling tricks would make, or
# begin, of a hostile word or a group's name ("peur" from "puer", "plage" from "plague", "refuge" from
# "refugee", "signed" from "singe…"): read as themselves. Normalised. Made by
# scripts/build_not_glued.py from pyspellchecker's dictionaries (pyspellchecker 0.9.1, MIT; words
# seen 100 times or more in their subtitles): do not edit.
"""
HEADER = """# Real words the group rules must not read as words glued together ("ladies" is not "la dies"),
# EN and FR, normalised. Made by scripts/build_not_glued.py from pyspellchecker's English and French
# dictionaries (pyspellchecker 0.9.1, MIT, word lists from OpenSubtitles frequencies): do not edit.
"""


def main() -> None:
    try:
        import spellchecker  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        sys.exit("needs pyspellchecker: pip install pyspellchecker==0.9.1")
    counts: dict[str, int] = {}
    for lang in ("en", "fr"):
        data = resources.files("spellchecker").joinpath("resources", f"{lang}.json.gz").read_bytes()
        for word, count in json.loads(gzip.decompress(data)).items():
            folded = normalise(word)
            if folded.isalpha():
                counts[folded] = max(counts.get(folded, 0), count)
    # first the real words spelling tricks would make, then (reading words with those left alone)
    # the real words that would read as glued
    MISSPELT_OUT.write_text(MISSPELT_HEADER, encoding="utf-8")  # an empty list while the words are read
    _clear_caches()
    tricks = groups._misspelt("group_hostile.txt") | set(groups._group_spellings())
    words, prefixes = groups._word_file("group_hostile.txt")
    begun = groups._misspelt_prefixes()
    real = sorted(
        word
        for word, count in counts.items()
        if count >= MIN_COUNT
        and (
            word in tricks or (word.startswith(begun) and word not in words and not word.startswith(prefixes))
        )
    )
    MISSPELT_OUT.write_text(MISSPELT_HEADER + "\n".join(real) + "\n", encoding="utf-8")
    print(f"{len(real)} words -> {MISSPELT_OUT}", file=sys.stderr)
    OUT.write_text(HEADER, encoding="utf-8")
    _clear_caches()
    found = {word for word in counts if len(groups._read_word(word)) > 1}
    OUT.write_text(HEADER + "\n".join(sorted(found)) + "\n", encoding="utf-8")
    print(f"{len(found)} words -> {OUT}", file=sys.stderr)


def _clear_caches() -> None:
    for cached in (
        groups._not_glued,
        groups._not_misspelt,
        groups._misspelt,
        groups._misspelt_prefixes,
        groups._group_spellings,
        groups._hostile,
        groups._read_word,
    ):
        cached.cache_clear()


if __name__ == "__main__":
    main()
