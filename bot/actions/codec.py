"""Encoding and decoding buttons and deep links, here only; their types are in ``bot.actions.kinds``.

Every type has an explicit code, and every enum value an explicit code (``CODES``): reordering or renaming
an enum never re-labels a button already posted. A reference to a secret, draft, item or community is one
field, so that it can become an opaque token without changing the shape of the actions.

Adapters never look at codes: they encode what the core gives them, hand back what members press, and read
the flags (``edits_group_message``, ``counter``, ``form``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from enum import Enum, StrEnum
from typing import ClassVar, get_type_hints

from bot.model import FeedKind, ModerationMode, ModOperation, Reaction, ReportReason, Token

VERSION = "2"
MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database
_WORD = re.compile(r"[a-z][a-z_]{0,15}")
_NUMBER = re.compile(r"[0-9]{1,10}")
_TOKEN = re.compile(r"[a-z0-9]{20}")

# The code of each enum value on buttons. Never change one: live buttons carry them.
CODES: dict[type[Enum], dict[Enum, str]] = {
    Reaction: {Reaction.HEART: "h", Reaction.LAUGH: "l", Reaction.WOW: "w", Reaction.SAD: "s"},
    ReportReason: {
        ReportReason.HARASSMENT: "ha",
        ReportReason.HATE: "hl",
        ReportReason.PERSONAL_INFO: "pi",
        ReportReason.SPAM: "sp",
        ReportReason.OTHER: "ot",
    },
    ModOperation: {
        ModOperation.APPROVE: "ok",
        ModOperation.REMOVE: "rm",
        ModOperation.BAN_DAY: "bd",
        ModOperation.BAN_WEEK: "bw",
        ModOperation.BAN_FOREVER: "bf",
    },
    ModerationMode: {ModerationMode.OPEN: "open", ModerationMode.REVIEW: "review"},
    FeedKind: {FeedKind.LATEST: "new", FeedKind.TOP: "top"},
}


_ACTION_BY_CODE: dict[str, type[Action]] = {}
_LINK_BY_CODE: dict[str, type[DeepLink]] = {}


def actions() -> tuple[type[Action], ...]:
    """Every type of button, once its module (``bot.actions.kinds``) is imported."""
    return tuple(_ACTION_BY_CODE.values())


class Form(StrEnum):
    """What a deep link opens where a platform has forms (Discord modals): a secret or a reply to write."""

    SECRET = "secret"  # noqa: S105 - a kind of form, not a password
    REPLY = "reply"


@dataclass(frozen=True)
class Action:
    """A button's action. ``code`` names the type on the wire."""

    code: ClassVar[str]
    edits_group_message: ClassVar[bool] = False  # pressed on a group message it may replace (queue, settings)
    counter: ClassVar[bool] = False  # a count members tap (reactions): shown quieter

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        if cls.code in _ACTION_BY_CODE:
            raise ValueError(f"two actions with the code {cls.code!r}")
        _ACTION_BY_CODE[cls.code] = cls

    def encode(self) -> str:
        return ":".join([VERSION, self.code, *(_encode_field(getattr(self, f.name)) for f in fields(self))])


@dataclass(frozen=True)
class DeepLink:
    """A link into the bot's DM (Telegram ``?start=``, a Discord button, the console opens the DM)."""

    code: ClassVar[str]
    form: ClassVar[Form | None] = None  # a form to open instead of the DM's answer, where there are forms

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        if cls.code in _LINK_BY_CODE:
            raise ValueError(f"two deep links with the code {cls.code!r}")
        _LINK_BY_CODE[cls.code] = cls

    def encode(self) -> str:
        return "_".join([self.code, *(_encode_field(getattr(self, f.name)) for f in fields(self))])


# What adapters may match without knowing any code (Discord's dynamic items).
ACTION_PATTERN = VERSION + r":[a-z_]{1,16}(?::[a-z0-9_]{1,20}){0,4}"
LINK_PATTERN = r"[a-z]{1,16}(?:_[a-z0-9]{1,20}){1,2}"


def decode_action(data: str) -> Action | None:
    """The action a button carries, or None for anything this version did not make."""
    version, _, rest = data.partition(":")
    code, _, raw = rest.partition(":")
    cls = _ACTION_BY_CODE.get(code) if version == VERSION else None
    if cls is None:
        return None
    decoded = _decode_fields(cls, raw.split(":") if raw else [])
    return decoded if isinstance(decoded, Action) else None


def decode_link(payload: str) -> DeepLink | None:
    """The deep link a ``/start`` payload carries, or None."""
    code, _, raw = payload.partition("_")
    cls = _LINK_BY_CODE.get(code)
    if cls is None:
        return None
    decoded = _decode_fields(cls, raw.split("_") if raw else [])
    return decoded if isinstance(decoded, DeepLink) else None


_FIELD_TYPES: dict[type, tuple[tuple[str, object], ...]] = {}


def _field_types(cls: type[Action] | type[DeepLink]) -> tuple[tuple[str, object], ...]:
    if cls not in _FIELD_TYPES:
        hints = get_type_hints(cls)
        _FIELD_TYPES[cls] = tuple((f.name, hints[f.name]) for f in fields(cls))
    return _FIELD_TYPES[cls]


def _decode_fields(cls: type[Action] | type[DeepLink], parts: list[str]) -> object | None:
    types = _field_types(cls)
    if len(parts) != len(types):
        return None
    values: dict[str, object] = {}
    for (name, kind), part in zip(types, parts, strict=True):
        value = _decode_field(kind, part)
        if value is None:
            return None
        values[name] = value
    return cls(**values)


def _encode_field(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Enum):
        return CODES[type(value)][value]
    if isinstance(value, int):
        if not 0 <= value <= MAX_ID:
            raise ValueError(f"id out of range: {value}")
        return str(value)
    if isinstance(value, str) and (_WORD.fullmatch(value) or _TOKEN.fullmatch(value)):
        return value
    raise ValueError(f"cannot put {value!r} on a button")


def _decode_field(kind: object, part: str) -> object | None:
    if kind is bool:
        return {"0": False, "1": True}.get(part)
    if kind is int:
        if not _NUMBER.fullmatch(part) or int(part) > MAX_ID:
            return None
        return int(part)
    if kind is Token:
        return Token(part) if _TOKEN.fullmatch(part) else None
    if kind is str:
        return part if _WORD.fullmatch(part) else None
    if isinstance(kind, type) and issubclass(kind, Enum):
        return next((value for value, code in CODES[kind].items() if code == part), None)
    return None
