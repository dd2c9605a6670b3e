"""Every community setting the admins' panel offers: one declaration each, in the order of the panel.

A declaration names the setting (``key``: on buttons and in the audit log), the ``CommunitySettings`` field
it changes and how its values are offered: one of a few values (``OneOf``, ``Toggle``), a number among
presets (``Number``), or a subset of a list (``SubsetOf``). The panel (``bot.usecases.settings``), its
buttons, the audit log and the catalogs' names (``settings.name.<key>``, ``settings.about.<key>``) all come
from here; adding a setting is adding a field to ``CommunitySettings`` (and its column), one declaration
below and its two catalog entries in each language.

What a button carries is a small code: a value's index for ``OneOf`` and ``SubsetOf`` (whose lists only grow
at their end), the number itself for ``Number``, so a button is checked against the declaration when pressed.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from bot.i18n import SUPPORTED_LOCALES, t
from bot.model import COLLECTIONS, CommunitySettings, ModerationMode, PicturePolicy

CHOSEN = "✓ "  # marks the current value among the choices


@dataclass(frozen=True)
class Choice:
    label: str
    code: int


class Setting(ABC):
    """One community setting in the panel."""

    def __init__(self, key: str, field: str) -> None:
        if field not in CommunitySettings.__dataclass_fields__:
            raise ValueError(f"{field!r} is not a community setting")
        self.key = key  # [a-z_], 16 characters at most: it goes on buttons
        self.field = field

    @property
    def name(self) -> str:
        return t(f"settings.name.{self.key}")

    @property
    def about(self) -> str:
        return t(f"settings.about.{self.key}")

    def value(self, settings: CommunitySettings) -> Any:
        return getattr(settings, self.field)

    @abstractmethod
    def shown(self, value: Any) -> str:
        """The value in the reader's language."""

    @abstractmethod
    def choices(self, value: Any) -> Sequence[Choice]:
        """The buttons of the setting's page, the current value marked."""

    @abstractmethod
    def chosen(self, value: Any, code: int) -> Any | None:
        """The value a pressed code means (from the current one), or None for a code this setting never
        offered."""

    def applied(self, settings: CommunitySettings, code: int) -> CommunitySettings | None:
        new = self.chosen(self.value(settings), code)
        return None if new is None else replace(settings, **{self.field: new})


class OneOf(Setting):
    def __init__(self, key: str, field: str, values: Sequence[Any], label: Callable[[Any], str]) -> None:
        super().__init__(key, field)
        self.values = tuple(values)
        self._label = label

    def shown(self, value: Any) -> str:
        return self._label(value)

    def choices(self, value: Any) -> Sequence[Choice]:
        return [
            Choice((CHOSEN if option == value else "") + self._label(option), index)
            for index, option in enumerate(self.values)
        ]

    def chosen(self, value: Any, code: int) -> Any | None:
        return self.values[code] if 0 <= code < len(self.values) else None


class Toggle(OneOf):
    def __init__(self, key: str, field: str) -> None:
        super().__init__(key, field, (False, True), lambda on: t("settings.on" if on else "settings.off"))


class Number(Setting):
    def __init__(
        self, key: str, field: str, presets: Sequence[int], label: Callable[[int], str] = str
    ) -> None:
        super().__init__(key, field)
        self.presets = tuple(presets)
        self._label = label

    def shown(self, value: Any) -> str:
        return self._label(int(value))

    def choices(self, value: Any) -> Sequence[Choice]:
        return [Choice((CHOSEN if n == value else "") + self._label(n), n) for n in self.presets]

    def chosen(self, value: Any, code: int) -> Any | None:
        return code if code in self.presets else None


class SubsetOf(Setting):
    """Any subset of ``items``, in their order; a code adds or takes away one of them."""

    def __init__(self, key: str, field: str, items: Sequence[str], label: Callable[[str], str]) -> None:
        super().__init__(key, field)
        self.items = tuple(items)
        self._label = label

    def shown(self, value: Any) -> str:
        return ", ".join(self._label(item) for item in value) or t("settings.none")

    def choices(self, value: Any) -> Sequence[Choice]:
        return [
            Choice((CHOSEN if item in value else "") + self._label(item), index)
            for index, item in enumerate(self.items)
        ]

    def chosen(self, value: Any, code: int) -> Any | None:
        if not 0 <= code < len(self.items):
            return None
        toggled = set(value) ^ {self.items[code]}
        return tuple(item for item in self.items if item in toggled)


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def delay_window(seconds: int) -> str:
    """A publication delay as the window it draws from (``bot.delays``): "5 min–10 min"."""
    if seconds <= 0:
        return t("settings.delay_none")
    return f"{_duration(seconds // 2)}–{_duration(seconds)}"


def _digest_time(value: str) -> str:
    return value or t("settings.digest_off")


DIGEST_TIMES = ("", *(f"{hour:02d}:00" for hour in range(24)))
# Time zones offered on buttons (a name the panel can't offer comes from config.toml's community.timezone);
# new ones go at the end: buttons carry their index.
TIMEZONES = (
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Zurich",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Lisbon",
    "Africa/Casablanca",
    "Africa/Dakar",
    "Africa/Abidjan",
    "Africa/Kinshasa",
    "America/Toronto",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "America/Martinique",
    "Indian/Reunion",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
)

SETTINGS: list[Setting] = []


def declare(setting: Setting) -> Setting:
    """Add a setting to the panel (its key must be new)."""
    if any(s.key == setting.key for s in SETTINGS):
        raise ValueError(f"two settings with the key {setting.key!r}")
    SETTINGS.append(setting)
    return setting


def setting_named(key: str) -> Setting | None:
    return next((s for s in SETTINGS if s.key == key), None)


declare(
    OneOf(
        "mode", "mode", tuple(ModerationMode), lambda mode: t(f"settings.mode_{ModerationMode(mode).value}")
    )
)
declare(Number("report_threshold", "report_threshold", (1, 2, 3, 4, 5, 6, 8, 10, 15, 20)))
declare(OneOf("locale", "locale", SUPPORTED_LOCALES, lambda locale: t(f"language.{locale}")))
declare(Toggle("public", "public"))
declare(OneOf("digest_time", "digest_time", DIGEST_TIMES, _digest_time))
declare(OneOf("timezone", "timezone", TIMEZONES, str))
declare(
    Number(
        "delay",
        "publication_delay_seconds",
        (0, 60, 300, 600, 1800, 3600, 7200),
        delay_window,
    )
)
declare(SubsetOf("collections", "collections", COLLECTIONS, lambda topic: t(f"collection.{topic}")))
declare(Number("min_members", "min_members", (3, 5, 8, 10, 15, 20, 30, 50, 100)))
declare(Toggle("hold_new_authors", "hold_new_authors"))
declare(Number("max_secrets", "max_secrets_per_day", (1, 2, 3, 5, 10, 20, 50)))
declare(Number("max_replies", "max_replies_per_hour", (5, 10, 20, 50, 100)))
declare(OneOf("pictures", "pictures", tuple(PicturePolicy), lambda policy: t(f"settings.pictures_{policy}")))
