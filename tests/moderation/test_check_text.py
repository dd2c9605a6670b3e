"""`murmure check-text` options: --lang, --explain, --words FILE, empty and over-long lines."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from murmure.check_text import run_from_arguments
from murmure.cli import main, parser


def _run(argv: list[str], lines: list[str]) -> tuple[int, list[dict[str, object]], str]:
    args = parser().parse_args(["check-text", *argv])
    out, err = io.StringIO(), io.StringIO()
    code = run_from_arguments(args, (line + "\n" for line in lines), out, err)
    return code, [json.loads(row) for row in out.getvalue().splitlines()], err.getvalue()


@pytest.mark.parametrize(
    ("lang", "empty_words", "too_long_words"),
    [("en", "empty", "too long"), ("fr", "vide", "trop long")],
)
def test_empty_and_over_long_lines_get_the_bots_refusal_in_the_chosen_language(
    lang: str, empty_words: str, too_long_words: str
) -> None:
    code, rows, _ = _run(["--lang", lang], ["", "   \u200b ", "x" * 1501, "x" * 1500])
    assert code == 0
    assert [row["verdict"] for row in rows] == ["block", "block", "block", "allow"]
    assert rows[0]["reasons"] == [{"category": "empty", "match": ""}]
    assert empty_words in str(rows[1]["message"]).lower()
    assert rows[2]["reasons"] == [{"category": "too_long", "match": "1501 > 1500"}]
    assert too_long_words in str(rows[2]["message"]).lower()


@pytest.mark.parametrize(("lang", "helpline"), [("en", "116 123"), ("fr", "3114")])
def test_own_distress_gets_a_care_answer_in_the_chosen_language(lang: str, helpline: str) -> None:
    _, rows, _ = _run(["--lang", lang], ["I want to die", "je veux mourir"])
    for row in rows:
        assert row["verdict"] == "review"
        assert helpline in str(row["care"])


def test_explain_names_the_layer_of_each_reason_and_the_deciding_one() -> None:
    _, rows, _ = _run(
        ["--explain"], ["you are a fucking idiot", "call me on +33 6 12 34 56 78", "lovely weather today"]
    )
    assert rows[0]["decided_by"] == "lexicon"
    assert {"category": "insult", "match": "you are a fucking idiot", "layer": "lexicon"} in rows[0][
        "reasons"
    ]
    assert rows[1]["decided_by"] == "personal_data"
    assert rows[2] == {"verdict": "allow", "reasons": [], "decided_by": None}
    _, plain, _ = _run([], ["you are a fucking idiot"])
    assert "decided_by" not in plain[0]
    assert all("layer" not in reason for reason in plain[0]["reasons"])


def test_words_file_applies_a_community_list(tmp_path: Path) -> None:
    words = tmp_path / "words.txt"
    words.write_text("# our list\nblock\tpineapple*\nreview\tcoach dupont\nmondays\n", encoding="utf-8")
    _, rows, _ = _run(
        ["--words", str(words), "--explain"],
        ["I love PINEAPPLES", "coach   Dupont again", "I hate m0ndays", "nothing here"],
    )
    assert [row["verdict"] for row in rows] == ["block", "review", "review", "allow"]
    assert rows[0]["reasons"] == [{"category": "words", "match": "PINEAPPLES", "layer": "words"}]
    _, without, _ = _run([], ["I love PINEAPPLES"])
    assert without[0]["verdict"] == "allow"


@pytest.mark.parametrize(
    ("content", "lang", "expected"),
    [
        ("blok\tbanana\n", "en", "line 1: 'blok' is not an action"),
        ("block\tbanana\nreview\t(a|b\n", "fr", "ligne 2"),
    ],
)
def test_a_bad_words_file_gets_a_clear_message_and_no_verdicts(
    tmp_path: Path, content: str, lang: str, expected: str
) -> None:
    words = tmp_path / "words.txt"
    words.write_text(content, encoding="utf-8")
    code, rows, err = _run(["--words", str(words), "--lang", lang], ["banana"])
    assert code == 2
    assert rows == []
    assert expected in err
    assert "Traceback" not in err


def test_a_missing_words_file_is_explained(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-text", "--words", str(tmp_path / "nope.txt")]) == 2
    assert "cannot read the word list" in capsys.readouterr().err
