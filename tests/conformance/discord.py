"""Discord REST requests checked against Discord's OpenAPI description (``specs/discord-openapi.json.gz``).

Route and method must be documented, query parameters too; JSON bodies (and ``payload_json`` of
multipart bodies) are checked against the request schema: types, required fields, enums, lengths, item
counts. Objects are closed: a field the schema does not list is reported (Discord drops unknown fields
silently, which hides typos). Limits that the file leaves to prose: content at most 2000 characters and
at most 5 action rows when the message is not a components-v2 message.
"""

from __future__ import annotations

import gzip
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

SPEC = Path(__file__).parent / "specs" / "discord-openapi.json.gz"
MAX_CONTENT = 2000
MAX_ROWS = 5
IS_COMPONENTS_V2 = 1 << 15
_BODY_METHODS = ("post", "put", "patch")
# Fields discord.py 2.7 sends that the OpenAPI request schemas leave out, each accepted by Discord:
# ``tts`` goes with every message payload (``handle_message_parameters``), edits included, and is ignored
# there; ``nsfw`` is a documented field of application commands (age-restricted) the file omits; an
# embed's ``flags`` (``Embed.to_dict`` always sends its ``_flags``, 0 for an embed the bot builds) is a
# field of Discord's embed object that the file's request schema (RichEmbed) leaves out.
TOLERATED = (
    re.compile(r"^body(\.data)?\.tts: unknown field$"),
    re.compile(r"^body(\.data)?\.embeds\[\d+\]\.flags: unknown field$"),
    re.compile(r"^body\[\d+\]\.nsfw: unknown field$"),
)


@cache
def spec() -> dict[str, Any]:
    with gzip.open(SPEC, "rt", encoding="utf-8") as file:
        data: dict[str, Any] = json.load(file)
    return data


@cache
def _routes() -> list[tuple[re.Pattern[str], str]]:
    """Path templates as regexes, the most literal first (``/users/@me`` before ``/users/{user_id}``)."""
    routes = []
    for template in spec()["paths"]:
        regex = re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(template))
        literal = len(re.sub(r"\{[a-z_]+\}", "", template))
        routes.append((literal, re.compile(regex), template))
    routes.sort(key=lambda item: -item[0])
    return [(regex, template) for _, regex, template in routes]


def check_request(method: str, path: str, query: dict[str, str], body: Any) -> list[str]:
    """Problems with one request (``path`` without ``/api/v10``; ``body`` decoded JSON or None)."""
    template = next((t for regex, t in _routes() if regex.fullmatch(path)), None)
    if template is None:
        return [f"undocumented route {path}"]
    item = spec()["paths"][template]
    operation = item.get(method.lower())
    if operation is None:
        return [f"{method} is not documented for {template}"]
    problems = _check_query(operation, item, query)
    request_body = operation.get("requestBody")
    if isinstance(body, dict):  # uploaded files travel beside the JSON payload, not in it
        body = {k: v for k, v in body.items() if k != "_files"}
        if isinstance(body.get("data"), dict):
            body["data"] = {k: v for k, v in body["data"].items() if k != "_files"}
    if request_body is None:
        if body not in (None, {}):
            problems.append(f"{template} takes no body")
        return problems
    if body is None:
        if request_body.get("required") and method.lower() in _BODY_METHODS:
            problems.append("required body missing")
        return problems
    schema = request_body["content"]["application/json"]["schema"]
    problems += _validate(body, schema, "body")
    problems += _prose_limits(body, template)
    return problems


def _check_query(operation: dict[str, Any], item: dict[str, Any], query: dict[str, str]) -> list[str]:
    documented = {
        p["name"]: p
        for p in [*item.get("parameters", []), *operation.get("parameters", [])]
        if p["in"] == "query"
    }
    problems = []
    for name, value in query.items():
        parameter = documented.get(name)
        if parameter is None:
            problems.append(f"unknown query parameter {name!r}")
            continue
        problems += _validate(_query_value(value, _resolve(parameter["schema"])), parameter["schema"], name)
    return problems


def _query_value(value: str, schema: dict[str, Any]) -> Any:
    kinds = _types(schema)
    if "boolean" in kinds and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    if "integer" in kinds and re.fullmatch(r"-?\d+", value):
        return int(value)
    return value


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = spec()["components"]["schemas"][name]
    return schema


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    if kind is None:
        return []
    return kind if isinstance(kind, list) else [kind]


def _type_ok(value: Any, kind: str, schema: dict[str, Any]) -> bool:
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "string":
        # Discord reads snowflakes (and int64 strings) from JSON numbers as well
        snowflake = schema.get("format") in ("snowflake", "int64")
        return isinstance(value, str) or (
            snowflake and isinstance(value, int) and not isinstance(value, bool)
        )
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    return False


def _validate(value: Any, schema: dict[str, Any], path: str) -> list[str]:
    schema = _resolve(schema)
    for key in ("oneOf", "anyOf"):
        if key in schema:
            attempts = [(_validate(value, option, path), option) for option in schema[key]]
            if not any(not a for a, _ in attempts):
                return min(attempts, key=lambda a: _closeness(value, *a))[0]
    if "allOf" in schema and not _is_object_schema(schema):
        for part in schema["allOf"]:
            problems = _validate(value, part, path)
            if problems:
                return problems
    kinds = _types(schema)
    if kinds and not any(_type_ok(value, kind, schema) for kind in kinds):
        return [f"{path}: {_short(value)} is not {' or '.join(kinds)}"]
    if "const" in schema and value != schema["const"]:
        return [f"{path}: {_short(value)} is not {schema['const']!r}"]
    if "enum" in schema and value not in schema["enum"] and value is not None:
        return [f"{path}: {_short(value)} is not one of {schema['enum']}"]
    if isinstance(value, str):
        return _string(value, schema, path)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number(value, schema, path)
    if isinstance(value, list):
        return _array(value, schema, path)
    if isinstance(value, dict) and _is_object_schema(schema):
        return _object(value, schema, path)
    return []


def _closeness(value: Any, problems: list[str], option: dict[str, Any]) -> tuple[bool, bool, int]:
    """Orders a union's failed members: the one describing this kind of value first, then fewest problems."""
    null_only = _types(_resolve(option)) == ["null"]
    return (not _same_kind(value, option), null_only and value is not None, len(problems))


def _same_kind(value: Any, schema: dict[str, Any]) -> bool:
    """Whether an object's ``type`` is the one this schema describes (to report the right union member)."""
    if not isinstance(value, dict):
        return False
    kind = _resolve(schema).get("properties", {}).get("type", {})
    return value.get("type") in kind.get("enum", [kind.get("const")])


def _is_object_schema(schema: dict[str, Any]) -> bool:
    return "properties" in schema or (
        "allOf" in schema and any("properties" in _resolve(part) for part in schema["allOf"])
    )


def _string(value: str, schema: dict[str, Any], path: str) -> list[str]:
    problems = []
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        problems.append(f"{path}: {len(value)} characters, at most {schema['maxLength']}")
    if "minLength" in schema and len(value) < schema["minLength"]:
        problems.append(f"{path}: {len(value)} characters, at least {schema['minLength']}")
    if "pattern" in schema and re.search(schema["pattern"], value) is None:
        problems.append(f"{path}: {_short(value)} does not match {schema['pattern']}")
    return problems


def _number(value: float, schema: dict[str, Any], path: str) -> list[str]:
    if "minimum" in schema and value < schema["minimum"]:
        return [f"{path}: {value} is below {schema['minimum']}"]
    if "maximum" in schema and value > schema["maximum"]:
        return [f"{path}: {value} is above {schema['maximum']}"]
    return []


def _array(value: list[Any], schema: dict[str, Any], path: str) -> list[str]:
    problems = []
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        problems.append(f"{path}: {len(value)} items, at most {schema['maxItems']}")
    if "minItems" in schema and len(value) < schema["minItems"]:
        problems.append(f"{path}: {len(value)} items, at least {schema['minItems']}")
    if schema.get("uniqueItems") and len({json.dumps(v, sort_keys=True) for v in value}) < len(value):
        problems.append(f"{path}: items are not unique")
    if "items" in schema:
        for index, item in enumerate(value):
            problems += _validate(item, schema["items"], f"{path}[{index}]")
    return problems


def _object(value: dict[str, Any], schema: dict[str, Any], path: str) -> list[str]:
    parts = [schema, *(_resolve(part) for part in schema.get("allOf", []))]
    properties: dict[str, Any] = {}
    required: set[str] = set()
    for part in parts:
        properties |= part.get("properties", {})
        required |= set(part.get("required", []))
    problems = []
    for name, item in value.items():
        if name not in properties:
            problem = f"{path}.{name}: unknown field"
            if not any(t.search(problem) for t in TOLERATED):
                problems.append(problem)
            continue
        problems += _validate(item, properties[name], f"{path}.{name}")
    problems += [f"{path}: required field {name!r} missing" for name in sorted(required - value.keys())]
    if "maxProperties" in schema and len(value) > schema["maxProperties"]:
        problems.append(f"{path}: {len(value)} properties, at most {schema['maxProperties']}")
    return problems


def _prose_limits(body: Any, template: str) -> list[str]:
    problems: list[str] = []
    for path, message in _message_bodies(body, template):
        content = message.get("content")
        if isinstance(content, str) and len(content) > MAX_CONTENT:
            problems.append(f"{path}.content: {len(content)} characters, at most {MAX_CONTENT}")
        components = message.get("components")
        flags = message.get("flags") or 0
        v2 = isinstance(flags, int) and bool(flags & IS_COMPONENTS_V2)
        if isinstance(components, list) and not v2 and len(components) > MAX_ROWS:
            problems.append(f"{path}.components: {len(components)} action rows, at most {MAX_ROWS}")
    return problems


def _message_bodies(body: Any, template: str) -> list[tuple[str, dict[str, Any]]]:
    if not isinstance(body, dict):
        return []
    if template.endswith("/callback"):
        data = body.get("data")
        return [("body.data", data)] if isinstance(data, dict) and body.get("type") in (4, 7) else []
    return [("body", body)]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
