"""English and French catalogs (gettext ``.po``); the locale of the event being handled is a ContextVar."""

from bot.i18n.catalog import SUPPORTED_LOCALES, Catalogs, current_locale, resolve_locale, t, t_in

__all__ = ["SUPPORTED_LOCALES", "Catalogs", "current_locale", "resolve_locale", "t", "t_in"]
