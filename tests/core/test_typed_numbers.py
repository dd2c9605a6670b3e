"""Numbers typed by people are read as ASCII digits in a database id's range, or not at all."""

from bot.numbers import MAX_ID, parse_id, parse_number


def test_typed_numbers() -> None:
    assert parse_id(" 42 ") == 42
    assert parse_number("0") == 0
    assert parse_id("0") is None
    assert parse_id(str(MAX_ID)) == MAX_ID
    for junk in ("²", "٣", "4²", "99999999999", str(MAX_ID + 1), "-3", "+3", "", "1e3", "１２"):
        assert parse_id(junk) is None, junk
