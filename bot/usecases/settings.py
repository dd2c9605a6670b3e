"""The admins' settings panel of a community: a page listing every setting (``bot.community_settings``) and a
page for each, every press checked against the platform. A value chosen here is the community's own; "use the
default" gives the setting back to the configuration, whose later changes then reach it."""

from __future__ import annotations

from collections.abc import Sequence

from bot.actions import ChooseSetting, OpenSetting, ResetSetting, SettingsHome, SettingsLink
from bot.community_settings import SETTINGS, Setting, setting_named
from bot.i18n import t
from bot.messages import Button, EditPressed, OutgoingMessage, Response, RichText, Say
from bot.model import PINNED_SETTINGS, Community, CommunitySettings
from bot.refusals import Refused, RefusedBriefly
from bot.usecases import audit, membership, words
from bot.usecases.context import Context, alert

SettingsPress = SettingsHome | OpenSetting | ChooseSetting | ResetSetting
PER_ROW = 3  # setting buttons a row on the first page
CHOICES_PER_ROW = 5


def _origin(setting: Setting, community: Community) -> str:
    own = setting.field in community.own_settings
    return t("settings.own" if own else "settings.default")


def home(community: Community) -> OutgoingMessage:
    lines = [t("settings.title", community=community.title, id=community.id)]
    for setting in SETTINGS:
        value = setting.shown(setting.value(community.settings))
        lines.append(
            t("settings.line", setting=setting.name, value=value, origin=_origin(setting, community))
        )
    lines.append(t("settings.words_line"))
    lines.append(t("settings.footer"))
    buttons = [Button(setting.name, OpenSetting(community.id, setting.key)) for setting in SETTINGS]
    # the community's word list has its own page, kept with /words (bot.usecases.words)
    buttons.append(Button(t("settings.words_button"), OpenSetting(community.id, words.SETTING)))
    rows = tuple(tuple(buttons[i : i + PER_ROW]) for i in range(0, len(buttons), PER_ROW))
    return OutgoingMessage(RichText.plain("\n".join(lines)), rows)


def page(community: Community, setting: Setting, defaults: CommunitySettings) -> OutgoingMessage:
    value = setting.value(community.settings)
    lines = [
        t("settings.page_title", community=community.title, setting=setting.name),
        setting.about,
        t("settings.now", value=setting.shown(value), origin=_origin(setting, community)),
    ]
    pinned = setting.field in PINNED_SETTINGS
    if not pinned:
        lines.append(t("settings.configured", value=setting.shown(setting.value(defaults))))
    choices = [
        Button(choice.label, ChooseSetting(community.id, setting.key, choice.code))
        for choice in setting.choices(value)
    ]
    rows: list[tuple[Button, ...]] = _rows(choices)
    last = [Button(t("settings.back"), SettingsHome(community.id))]
    if not pinned and setting.field in community.own_settings:
        last.insert(0, Button(t("settings.use_default"), ResetSetting(community.id, setting.key)))
    rows.append(tuple(last))
    return OutgoingMessage(RichText.plain("\n".join(lines)), tuple(rows))


def _rows(buttons: Sequence[Button]) -> list[tuple[Button, ...]]:
    """A few choices in rows of buttons; many in one row (a menu where buttons would not fit)."""
    if len(buttons) > 2 * CHOICES_PER_ROW:
        return [tuple(buttons)]
    return [tuple(buttons[i : i + CHOICES_PER_ROW]) for i in range(0, len(buttons), CHOICES_PER_ROW)]


async def _community_of_chat(ctx: Context, chat_ref: str) -> Community:
    """The community of a chat: its own, or the one it moderates."""
    community = await ctx.uow.communities.by_chat(ctx.actor.platform, chat_ref)
    if community is None or not community.active:
        moderated = await ctx.uow.sanctions.moderated_in(ctx.actor.platform, chat_ref)
        community = moderated[0] if len(moderated) == 1 else None
    if community is None:
        raise Refused("settings.no_community")
    return community


async def show(ctx: Context, chat_ref: str) -> list[Response]:
    """``/settings`` in a community's chat (or its moderators'): its admins see and change its settings."""
    community = await _community_of_chat(ctx, chat_ref)
    if not await membership.is_admin(ctx, community):
        raise Refused("moderation.not_admin", community=community.title)
    return [Say(home(community))]


async def open_link(ctx: Context, link: SettingsLink) -> list[Response]:
    """The panel opened by a link into the admin's private chat."""
    community = await ctx.uow.communities.get(link.community)
    if community is None or community.platform != ctx.actor.platform or not community.active:
        raise Refused("settings.no_community")
    if not await membership.is_admin(ctx, community):
        raise Refused("moderation.not_admin", community=community.title)
    return [Say(home(community))]


async def press(ctx: Context, action: SettingsPress) -> list[Response]:
    community = await ctx.uow.communities.get(action.community)
    if community is None or community.platform != ctx.actor.platform:
        raise RefusedBriefly("error.stale")
    if not await membership.is_admin(ctx, community):
        raise RefusedBriefly("moderation.not_admin", community=community.title)
    if isinstance(action, SettingsHome):
        return [EditPressed(home(community))]
    if isinstance(action, OpenSetting) and action.setting == words.SETTING:
        listing = await words.listing(ctx, community)
        back = ((Button(t("settings.back"), SettingsHome(community.id)),),)
        return [EditPressed(OutgoingMessage(RichText.plain(listing), back))]
    setting = setting_named(action.setting)
    if setting is None:
        raise RefusedBriefly("error.stale")
    if isinstance(action, OpenSetting):
        return [EditPressed(page(community, setting, ctx.services.default_settings))]
    if isinstance(action, ChooseSetting):
        updated = setting.applied(community.settings, action.choice)
        if updated is None:
            raise RefusedBriefly("error.stale")
        own = community.own_settings | {setting.field}
    else:
        if setting.field in PINNED_SETTINGS:
            raise RefusedBriefly("error.stale")
        updated, own = community.settings, community.own_settings - {setting.field}
    await ctx.uow.communities.update_settings(community.id, updated, ctx.now(), own)
    await audit.record(ctx, community, "setting", None, f"{audit.SETTING_MARK}{setting.key}")
    saved = await ctx.uow.communities.get(community.id)
    assert saved is not None
    return [EditPressed(page(saved, setting, ctx.services.default_settings)), *alert("settings.saved")]
