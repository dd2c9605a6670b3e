from __future__ import annotations

import re
from contextvars import ContextVar
from functools import cache
from importlib import resources

from babel.messages.pofile import read_po

SUPPORTED_LOCALES = ("en", "fr")
DEFAULT_LOCALE = "en"
PLACEHOLDER = re.compile(r"\{(\w+)\}")

current_locale: ContextVar[str] = ContextVar("murmure_locale", default=DEFAULT_LOCALE)
# The platform of the event being handled: a key may have a variant in that platform's words
# (``key@discord``: "channel" where Telegram says "group").
current_platform: ContextVar[str | None] = ContextVar("murmure_platform", default=None)


class Catalogs:
    """Message key → text, per locale, read from the package's ``locales/<lang>.po``."""

    def __init__(self, messages: dict[str, dict[str, str]]) -> None:
        self._messages = messages

    @classmethod
    @cache
    def load(cls) -> Catalogs:
        messages: dict[str, dict[str, str]] = {}
        for locale in SUPPORTED_LOCALES:
            source = resources.files("bot.i18n").joinpath("locales", f"{locale}.po")
            with source.open("rb") as handle:
                catalog = read_po(handle, locale=locale)
            messages[locale] = {
                str(message.id): str(message.string)
                for message in catalog
                if message.id and isinstance(message.id, str) and message.string
            }
        return cls(messages)

    def keys(self, locale: str) -> set[str]:
        return set(self._messages[locale])

    def raw(self, locale: str, key: str) -> str | None:
        return self._messages.get(locale, {}).get(key)

    def text(self, locale: str, key: str, /, **params: object) -> str:
        return self.text_on(current_platform.get(), locale, key, **params)

    def text_on(self, platform: str | None, locale: str, key: str, /, **params: object) -> str:
        """The text of ``key``, in ``platform``'s words where the catalog has a variant for it."""
        variant = self.raw(locale, f"{key}@{platform}") if platform else None
        template = variant or self.raw(locale, key) or self.raw(DEFAULT_LOCALE, key) or key
        return template.format_map({name: str(value) for name, value in params.items()})


def resolve_locale(*candidates: str | None) -> str:
    """The first supported locale among preferences and platform hints ("fr-FR" → "fr")."""
    for candidate in candidates:
        if candidate:
            short = candidate.replace("_", "-").split("-")[0].lower()
            if short in SUPPORTED_LOCALES:
                return short
    return DEFAULT_LOCALE


def t(key: str, /, **params: object) -> str:
    """Translate into the locale of the event being handled."""
    return Catalogs.load().text(current_locale.get(), key, **params)


def t_in(locale: str, key: str, /, **params: object) -> str:
    return Catalogs.load().text(locale, key, **params)


def t_on(platform: str, locale: str, key: str, /, **params: object) -> str:
    """``t_in`` in a given platform's words, for adapters writing outside an event of the core."""
    return Catalogs.load().text_on(platform, locale, key, **params)
