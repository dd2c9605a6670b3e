"""The filter makes at its build what it would make at a first use (``bot/moderation/warm_up.py``): a restarted
process's first members' texts, scored on the event loop's thread, build no table, compile no pattern and
import nothing (the duplicate check's library included). Run in a fresh interpreter: in this one, other
tests have made them already."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FIRST_TEXTS = (
    "Secret 20000102-3 of group 7: the night I laughed at nothing in particular.",
    "my sister Amélie Durand borrowed money, call her on 07 98 76 54 32 or +1 212 555 0143",
    "email me bob@example.org, the wmoen at work never listen",
    "Je n'ai jamais dit à personne que je déteste les gens de mon travail",
)

PROBE = """
import json, re, sys, time
from functools import _lru_cache_wrapper
from bot.moderation import groups
from bot.moderation.duplicates import is_near_duplicate_normalised
from bot.moderation.pipeline import default_filter

checker = default_filter()
compiled = []
compile_ = re._compiler.compile
re._compiler.compile = lambda *a, **k: compiled.append(str(a[0])[:40]) or compile_(*a, **k)
filled = lambda: sum(
    f.cache_info().currsize for f in vars(groups).values()
    if isinstance(f, _lru_cache_wrapper) and f.__name__ not in ("_hostile", "_read_word")
)  # tables (not a word's reading, cached per word)
tables = filled()
modules = set(sys.modules)
texts = json.loads(sys.argv[1])
for text in texts:
    checker.check(text, "en")
is_near_duplicate_normalised(texts[0], texts[1:])
print(json.dumps({
    "compiled": compiled, "tables_made": filled() - tables, "imported": sorted(set(sys.modules) - modules)
}))
"""


def test_a_first_check_after_the_build_compiles_no_pattern_and_builds_no_table() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(FIRST_TEXTS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {"compiled": [], "tables_made": 0, "imported": []}
