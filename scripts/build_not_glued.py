"""Write ``bot/moderation/data/not_glued.txt``: the real English and French words that the group rules
would otherwise read as words glued together ("ladies" → "la" + "dies", "diesel" → "die" + "se" + "l").

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
HEADER = """# Real words the group rules must not read as words glued together ("ladies" is not "la dies"),
# EN and FR, normalised. Made by scripts/build_not_glued.py from pyspellchecker's English and French
# dictionaries (pyspellchecker 0.9.1, MIT, word lists from OpenSubtitles frequencies): do not edit.
"""


def main() -> None:
    try:
        import spellchecker  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        sys.exit("needs pyspellchecker: pip install pyspellchecker==0.9.1")
    OUT.write_text(HEADER, encoding="utf-8")  # an empty list while the words are read
    groups._not_glued.cache_clear()
    found: set[str] = set()
    for lang in ("en", "fr"):
        data = resources.files("spellchecker").joinpath("resources", f"{lang}.json.gz").read_bytes()
        for word in json.loads(gzip.decompress(data)):
            folded = normalise(word)
            if folded.isalpha() and len(groups._read_word(folded)) > 1:
                found.add(folded)
    OUT.write_text(HEADER + "\n".join(sorted(found)) + "\n", encoding="utf-8")
    print(f"{len(found)} words -> {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
