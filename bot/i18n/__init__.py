"""English and French catalogs (gettext ``.po``); the locale of the event being handled is a ContextVar."""

from bot.i18n.catalog import (
    SUPPORTED_LOCALES,
    Catalogs,
    current_locale,
    current_platform,
    resolve_locale,
    t,
    t_in,
    t_on,
)

__all__ = [
    "SUPPORTED_LOCALES",
    "Catalogs",
    "current_locale",
    "current_platform",
    "resolve_locale",
    "t",
    "t_in",
    "t_on",
]
