"""The conformance checks themselves: what they accept, what they report."""

from __future__ import annotations

import json

from tests import conformance
from tests.conformance.discord import check_request
from tests.conformance.telegram import check_call


def keyboard(*rows: int) -> str:
    return json.dumps(
        {"inline_keyboard": [[{"text": f"b{i}", "callback_data": f"d{i}"} for i in range(n)] for n in rows]}
    )


def test_a_well_formed_telegram_call_passes_as_form_strings_or_json() -> None:
    form = {"chat_id": "-100123", "text": "<b>hi</b>", "parse_mode": "HTML", "reply_markup": keyboard(8, 2)}
    assert check_call("sendMessage", form) == []
    assert check_call("sendmessage", {"chat_id": -100123, "text": "hi", "disable_notification": True}) == []
    scope = json.dumps({"type": "chat_administrators", "chat_id": -100123})
    commands = json.dumps([{"command": "settings", "description": "Settings"}])
    assert check_call("setMyCommands", {"commands": commands, "scope": scope, "language_code": "fr"}) == []


def test_telegram_unknown_names_types_and_documented_limits_are_reported() -> None:
    assert check_call("sendSecret", {}) == ["unknown method 'sendSecret'"]
    problems = check_call("sendMessage", {"chat_id": "1", "txt": "hi"})
    assert "unknown parameter 'txt'" in problems and "required parameter 'text' missing" in problems
    assert check_call("sendMessage", {"chat_id": "1", "text": "x", "disable_notification": "yes"}) == [
        "disable_notification: 'yes' is not JSON, expected Boolean"
    ]
    assert check_call(
        "sendMessage", {"chat_id": "1", "text": "<b>" + "x" * 4097 + "</b>", "parse_mode": "HTML"}
    ) == ["text: 4097 characters after entities parsing, documented 1-4096"]
    assert (
        check_call("sendMessage", {"chat_id": "1", "text": "<b>" + "x" * 4000 + "</b>", "parse_mode": "HTML"})
        == []
    )
    assert check_call("answerCallbackQuery", {"callback_query_id": "1", "text": "x" * 201}) == [
        "text: 201 characters, documented 0-200"
    ]
    wrong_button = json.dumps({"inline_keyboard": [[{"text": "a", "callback_data": "é" * 33, "colour": 1}]]})
    assert sorted(check_call("sendMessage", {"chat_id": "1", "text": "x", "reply_markup": wrong_button})) == [
        "reply_markup.inline_keyboard[0][0].callback_data: 66 bytes, documented 1-64",
        "reply_markup.inline_keyboard[0][0].colour: unknown field of InlineKeyboardButton",
    ]
    scope = json.dumps({"type": "chat_admins", "chat_id": 1})
    assert check_call("setMyCommands", {"commands": "[]", "scope": scope})


def test_telegram_keyboards_keep_to_what_clients_show() -> None:
    assert check_call("sendMessage", {"chat_id": "1", "text": "x", "reply_markup": keyboard(9)}) == [
        "reply_markup: row 0 has 9 buttons, clients show at most 8 a row"
    ]
    assert check_call("sendMessage", {"chat_id": "1", "text": "x", "reply_markup": keyboard(*[8] * 13)}) == [
        "reply_markup: 104 buttons, at most 100 allowed"
    ]


def row(*labels: str) -> dict[str, object]:
    return {"type": 1, "components": [{"type": 2, "style": 1, "label": x, "custom_id": x} for x in labels]}


def test_a_well_formed_discord_request_passes() -> None:
    body = {"content": "hi", "components": [row("a", "b")], "allowed_mentions": {"parse": []}, "tts": False}
    assert check_request("POST", "/channels/1/messages", {}, body) == []
    assert check_request("GET", "/users/@me", {}, None) == []
    callback = {"type": 7, "data": {"content": "x", "components": [], "tts": False}}
    assert check_request("POST", "/interactions/1/tok/callback", {"with_response": "1"}, callback) == []


def test_discord_unknown_routes_fields_and_limits_are_reported() -> None:
    assert check_request("GET", "/nope", {}, None) == ["undocumented route /nope"]
    assert check_request("PUT", "/channels/1/messages", {}, {}) == [
        "PUT is not documented for /channels/{channel_id}/messages"
    ]
    assert check_request("POST", "/channels/1/messages", {"silent": "1"}, {"content": "x", "colour": 3}) == [
        "unknown query parameter 'silent'",
        "body.colour: unknown field",
    ]
    six_rows = {"content": "x", "components": [row("a")] * 6}
    assert check_request("POST", "/channels/1/messages", {}, six_rows) == [
        "body.components: 6 action rows, at most 5"
    ]
    wide = {"content": "x", "components": [row(*"abcdef")]}
    assert check_request("POST", "/channels/1/messages", {}, wide) == [
        "body.components[0].components: 6 items, at most 5"
    ]
    long_label = {"type": 4, "data": {"content": "x", "components": [row("x" * 81)]}}
    assert check_request("POST", "/interactions/1/t/callback", {}, long_label) == [
        "body.data.components[0].components[0].label: 81 characters, at most 80"
    ]
    assert check_request("POST", "/channels/1/messages", {}, {"content": "x" * 2001}) == [
        "body.content: 2001 characters, at most 2000"
    ]


def test_a_violation_fails_the_test_unless_it_was_declared() -> None:
    conformance.begin_test()
    strict = conformance.Conformance("telegram")
    loose = conformance.Conformance("discord", enabled=False)
    strict.record("sendMessage", ["unknown parameter 'txt'"])
    loose.record("GET /nope", ["undocumented route /nope"])
    strict.allow("txt")
    strict.record("sendMessage", ["unknown parameter 'txt'", "text: 0 characters"])
    assert strict.expected == ["sendMessage: unknown parameter 'txt'"] * 2
    assert conformance.end_test() == ["telegram: sendMessage: text: 0 characters"]
