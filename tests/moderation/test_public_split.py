"""The fixed tuning / held-out split of the public labelled sets (``benchmarks/moderation_sets.py``)."""

from __future__ import annotations

from collections import defaultdict

import pytest

from benchmarks.moderation_sets import HELDOUT, SOURCES, TUNE, load, template_groups, unquote


@pytest.mark.parametrize("source", ["hatecheck_en", "hatecheck_fr"])
def test_no_hatecheck_template_is_on_both_sides(source: str) -> None:
    parts: dict[str, set[str]] = defaultdict(set)
    cases = load(source)
    for case in cases:
        parts[case.group].add(case.part)
    assert all(len(sides) == 1 for sides in parts.values())
    held_out = [case for case in cases if case.part == HELDOUT]
    assert 0.2 <= len(held_out) / len(cases) <= 0.4


def test_template_groups_join_one_template_filled_with_each_group() -> None:
    rows = [
        ("en", "derog_neg_emote_h", 1, f"I {verb} {group}.")
        for verb in ("hate", "despise", "loathe")
        for group in ("women", "trans people", "gay people", "Muslims", "immigrants")
    ] * 2
    groups = template_groups(rows)
    assert len(set(groups)) == 3
    assert groups[0] == groups[4] != groups[5]


@pytest.mark.parametrize("source", list(SOURCES))
def test_split_is_fixed_and_both_parts_hold_both_labels(source: str) -> None:
    first = load(source)
    assert [case.part for case in first] == [case.part for case in load(source)]
    for part in (TUNE, HELDOUT):
        labels = {case.label for case in first if case.part == part}
        assert labels == {0, 1}


def test_a_quoted_csv_field_reads_as_written_and_other_texts_stay_as_they_are() -> None:
    assert unquote('"He said ""X are vermin"", which shows how bigoted he is."') == (
        'He said "X are vermin", which shows how bigoted he is.'
    )
    assert unquote('""" & you might not get it back """') == '" & you might not get it back "'
    assert unquote('I said "no" twice') == 'I said "no" twice'
    assert unquote('"one" and "two"') == '"one" and "two"'  # not one escaped field
