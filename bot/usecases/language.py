"""A member's language: taken from the platform's locale until they choose one."""

from __future__ import annotations

from bot.actions import ChooseLanguage
from bot.i18n import SUPPORTED_LOCALES, current_locale, t
from bot.messages import Button, EditPressed, OutgoingMessage, Response, RichText, Say
from bot.refusals import Refused, RefusedBriefly
from bot.usecases.context import Context, message


def menu(ctx: Context) -> list[Response]:
    buttons = tuple(
        (Button(t(f"language.{locale}"), ChooseLanguage(locale)),) for locale in SUPPORTED_LOCALES
    )
    return [Say(OutgoingMessage(RichText.plain(t("language.ask")), buttons))]


async def choose(ctx: Context, action: ChooseLanguage) -> list[Response]:
    if action.locale not in SUPPORTED_LOCALES:
        raise RefusedBriefly("error.stale")
    await ctx.uow.preferences.set_locale(ctx.keys.preference(), action.locale)
    ctx.services.locales.pop(ctx.keys.preference(), None)
    current_locale.set(action.locale)  # the answer is in the new language already
    return [EditPressed(message("language.set"))]


async def set_by_name(ctx: Context, locale: str) -> list[Response]:
    """``/lang fr`` in the console."""
    if locale not in SUPPORTED_LOCALES:
        raise Refused("language.unknown", locale=locale)
    return await choose(ctx, ChooseLanguage(locale))
