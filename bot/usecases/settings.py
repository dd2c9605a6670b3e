"""Moderators' settings of a community: a message with buttons, each press checked against the platform."""

from __future__ import annotations

from dataclasses import replace

from bot.actions import SetCommunityLanguage, SetMode, SetPublic, SetThreshold, ShowThreshold
from bot.i18n import SUPPORTED_LOCALES, t
from bot.messages import Button, EditPressed, OutgoingMessage, Response, RichText, Say
from bot.model import Community, CommunitySettings, ModerationMode
from bot.refusals import Refused, RefusedBriefly
from bot.usecases import audit, membership
from bot.usecases.context import Context, alert

MODES = tuple(ModerationMode)
MIN_THRESHOLD, MAX_THRESHOLD = 1, 50
SettingChange = SetMode | SetThreshold | SetCommunityLanguage | SetPublic


def panel(community: Community) -> OutgoingMessage:
    settings = community.settings
    text = t(
        "settings.summary",
        community=community.title,
        id=community.id,
        mode=t(f"settings.mode_{settings.mode.value}"),
        threshold=settings.report_threshold,
        language=t(f"language.{settings.locale}"),
    )
    cid, threshold = community.id, settings.report_threshold
    other_mode = MODES[(MODES.index(settings.mode) + 1) % len(MODES)]
    rows = (
        (Button(t(f"settings.switch_to_{other_mode.value}"), SetMode(cid, other_mode)),),
        (
            Button("−", SetThreshold(cid, max(MIN_THRESHOLD, threshold - 1))),
            Button(t("settings.threshold_button", threshold=threshold), ShowThreshold(cid)),
            Button("+", SetThreshold(cid, min(MAX_THRESHOLD, threshold + 1))),
        ),
        tuple(
            Button(t(f"language.{locale}"), SetCommunityLanguage(cid, locale)) for locale in SUPPORTED_LOCALES
        ),
        (
            Button(
                t("settings.public_on" if settings.public else "settings.public_off"),
                SetPublic(cid, not settings.public),
            ),
        ),
    )
    return OutgoingMessage(RichText.plain(text), rows)


async def show(ctx: Context, chat_ref: str) -> list[Response]:
    """``/settings`` in a community's chat: its admins see and change its settings."""
    community = await ctx.uow.communities.by_chat(ctx.actor.platform, chat_ref)
    if community is None or not community.active:
        raise Refused("settings.no_community")
    if not await membership.is_admin(ctx, community):
        raise Refused("moderation.not_admin", community=community.title)
    return [Say(panel(community))]


async def change(ctx: Context, action: SettingChange) -> list[Response]:
    community = await ctx.uow.communities.get(action.community)
    if community is None or community.platform != ctx.actor.platform:
        raise RefusedBriefly("error.stale")
    if not await membership.is_admin(ctx, community):
        raise RefusedBriefly("moderation.not_admin", community=community.title)
    updated = _apply(community.settings, action)
    if updated is None:
        raise RefusedBriefly("error.stale")
    await ctx.uow.communities.update_settings(community.id, updated, ctx.now())
    await audit.record(ctx, community, "setting", None, f"{audit.SETTING_MARK}{_SETTING_NAMES[type(action)]}")
    return [EditPressed(panel(replace(community, settings=updated))), *alert("settings.saved")]


_SETTING_NAMES: dict[type, str] = {
    SetMode: "mode",
    SetThreshold: "report_threshold",
    SetCommunityLanguage: "locale",
    SetPublic: "public",
}


def use_the_buttons(ctx: Context, action: ShowThreshold) -> list[Response]:
    return alert("settings.use_buttons")


def _apply(settings: CommunitySettings, change: SettingChange) -> CommunitySettings | None:
    match change:
        case SetMode(mode=mode):
            return replace(settings, mode=mode)
        case SetThreshold(threshold=threshold) if MIN_THRESHOLD <= threshold <= MAX_THRESHOLD:
            return replace(settings, report_threshold=threshold)
        case SetCommunityLanguage(locale=locale) if locale in SUPPORTED_LOCALES:
            return replace(settings, locale=locale)
        case SetPublic(public=public):
            return replace(settings, public=public)
    return None
