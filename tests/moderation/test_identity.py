"""Identity and life statements ("I'm gay", "ma copine est trans") are never flagged, whatever layer.

``identity_<lang>.tsv`` was written for this test and is used by no rule, threshold or training.
"""

from __future__ import annotations

import pytest

from tests.moderation.corpus import LANGUAGES, flagged, load_set

MIN_LINES = 200


@pytest.mark.parametrize("lang", LANGUAGES)
def test_identity_statements_are_never_flagged(lang: str) -> None:
    lines = load_set("identity", lang)
    assert len(lines) >= MIN_LINES
    assert {line.category for line in lines} == {"identity"}
    assert [line.text for line in lines if flagged(line)] == []
