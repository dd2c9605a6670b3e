"""Bot API requests checked against the official description (``specs/telegram-bot-api-10.0.json.gz``).

Method names, parameters and object fields must be documented; required ones present; types as
documented (form values are decoded the way Telegram does: a parameter that is not a String is JSON);
lengths written in the descriptions ("1-4096 characters", "1-64 bytes", "At most 100 commands")
respected. Inline keyboards: at most 100 buttons, at most 8 a row (what clients show).
"""

from __future__ import annotations

import gzip
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from tests.emulators.telegram_text import EntityParseError, parse_text, strip_text, utf16_len

SPEC = Path(__file__).parent / "specs" / "telegram-bot-api-10.0.json.gz"
MAX_BUTTONS = 100
MAX_ROW = 8
_RANGE = re.compile(r"(\d+)-(\d+) (characters|bytes)")
_AT_MOST = re.compile(r"At most (\d+) \w+ can be specified")
_MUST_BE = re.compile(r"must be (?!one\b)(\w+)")
_PRIMITIVES = {"Integer", "String", "Boolean", "Float", "True", "InputFile"}


@cache
def spec() -> dict[str, Any]:
    with gzip.open(SPEC, "rt", encoding="utf-8") as file:
        data: dict[str, Any] = json.load(file)
    data["methods_lower"] = {name.lower(): method for name, method in data["methods"].items()}
    return data


def check_call(method: str, params: dict[str, Any]) -> list[str]:
    """Problems with one call (``params`` as received: form strings, or JSON values)."""
    description = spec()["methods_lower"].get(method.lower())
    if description is None:
        return [f"unknown method {method!r}"]
    problems: list[str] = []
    fields = {f["name"]: f for f in description.get("fields", [])}
    for name, value in params.items():
        if name not in fields:
            problems.append(f"unknown parameter {name!r}")
            continue
        decoded = _decode(value, fields[name]["types"])
        if decoded is _UNDECODABLE:
            problems.append(f"{name}: {value!r} is not JSON, expected {' or '.join(fields[name]['types'])}")
            continue
        problems += _check_field(name, decoded, fields[name])
        if name in ("text", "caption") and isinstance(decoded, str):
            problems += _parsed_length(name, decoded, params.get("parse_mode"), fields[name])
    for name, f in fields.items():
        if f["required"] and params.get(name) in (None, ""):
            problems.append(f"required parameter {name!r} missing")
    return problems


_UNDECODABLE = object()


def _decode(value: Any, types: list[str]) -> Any:
    """A form value as Telegram reads it: kept as a string where a String is allowed, else JSON."""
    if not isinstance(value, str) or "String" in types or types == ["InputFile"]:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return _UNDECODABLE


def _check_field(path: str, value: Any, f: dict[str, Any]) -> list[str]:
    types: list[str] = f["types"]
    attempts = [_check_type(path, value, t, f) for t in types]
    if any(not problems for problems in attempts):
        return []
    return min(attempts, key=len)


def _check_type(path: str, value: Any, kind: str, f: dict[str, Any]) -> list[str]:
    if kind.startswith("Array of "):
        if not isinstance(value, list):
            return [f"{path}: expected {kind}, got {type(value).__name__}"]
        inner = kind.removeprefix("Array of ")
        problems: list[str] = []
        limit = _AT_MOST.search(f.get("description", ""))
        if limit and len(value) > int(limit[1]):
            problems.append(f"{path}: {len(value)} items, at most {limit[1]} allowed")
        for index, item in enumerate(value):
            problems += _check_type(f"{path}[{index}]", item, inner, {"types": [inner]})
        return problems
    if kind in _PRIMITIVES:
        problems = _primitive(path, value, kind)
        return problems or _documented_limits(path, value, f)
    return _check_object(path, value, kind)


def _primitive(path: str, value: Any, kind: str) -> list[str]:
    ok = {
        "Integer": isinstance(value, int) and not isinstance(value, bool),
        "Float": isinstance(value, int | float) and not isinstance(value, bool),
        "String": isinstance(value, str),
        "Boolean": isinstance(value, bool),
        "True": value is True,
        "InputFile": isinstance(value, str),
    }[kind]
    return [] if ok else [f"{path}: expected {kind}, got {value!r}"]


def _documented_limits(path: str, value: Any, f: dict[str, Any]) -> list[str]:
    description = f.get("description", "")
    found = _RANGE.search(description)
    if found is None or not isinstance(value, str) or "after entities parsing" in description:
        return []
    low, high, unit = int(found[1]), int(found[2]), found[3]
    size = len(value.encode("utf-8")) if unit == "bytes" else utf16_len(value)
    if not low <= size <= high:
        return [f"{path}: {size} {unit}, documented {low}-{high}"]
    return []


def _parsed_length(name: str, source: str, parse_mode: Any, f: dict[str, Any]) -> list[str]:
    found = _RANGE.search(f.get("description", ""))
    if found is None or "after entities parsing" not in f.get("description", ""):
        return []
    try:
        text, entities = parse_text(source, parse_mode if isinstance(parse_mode, str) else None, strict=False)
    except EntityParseError as error:
        return [f"{name}: can't parse entities: {error}"]
    text, _ = strip_text(text, entities)
    low, high = int(found[1]), int(found[2])
    if not low <= utf16_len(text) <= high:
        return [f"{name}: {utf16_len(text)} characters after entities parsing, documented {low}-{high}"]
    return []


def _check_object(path: str, value: Any, kind: str) -> list[str]:
    types = spec()["types"]
    description = types.get(kind)
    if description is None:
        return [f"{path}: undocumented type {kind!r}"]
    if "subtypes" in description:
        attempts = [_check_object(path, value, sub) for sub in description["subtypes"]]
        return [] if any(not a for a in attempts) else min(attempts, key=len)
    if not isinstance(value, dict):
        return [f"{path}: expected a {kind} object, got {value!r}"]
    fields = {f["name"]: f for f in description.get("fields", [])}
    problems: list[str] = []
    for name, item in value.items():
        if name not in fields:
            problems.append(f"{path}.{name}: unknown field of {kind}")
            continue
        problems += _check_field(f"{path}.{name}", item, fields[name])
        must = _MUST_BE.search(fields[name].get("description", "")) if name == "type" else None
        if must and item != must[1]:
            problems.append(f"{path}.type: {item!r} is not {must[1]!r} ({kind})")
    for name, f in fields.items():
        if f["required"] and name not in value:
            problems.append(f"{path}: required field {name!r} of {kind} missing")
    if kind == "InlineKeyboardMarkup" and not problems:
        problems += _keyboard_limits(path, value["inline_keyboard"])
    return problems


def _keyboard_limits(path: str, rows: list[list[Any]]) -> list[str]:
    problems = [
        f"{path}: row {index} has {len(row)} buttons, clients show at most {MAX_ROW} a row"
        for index, row in enumerate(rows)
        if len(row) > MAX_ROW
    ]
    total = sum(len(row) for row in rows)
    if total > MAX_BUTTONS:
        problems.append(f"{path}: {total} buttons, at most {MAX_BUTTONS} allowed")
    return problems
