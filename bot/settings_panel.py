"""Moderators' settings of a community: a message with buttons, each click checked against the platform."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from bot.actions import SetCommunityLanguage, SetMode, SetPublic, SetThreshold, ShowThreshold
from bot.i18n import SUPPORTED_LOCALES, t
from bot.messages import Alert, Button, EditPressed, OutgoingMessage, Response, RichText, Say
from bot.model import Community, CommunitySettings, ModerationMode
from bot.ports import Clock, Directory, UnitOfWork

MODES = tuple(ModerationMode)
MIN_THRESHOLD, MAX_THRESHOLD = 1, 50
SettingChange = SetMode | SetThreshold | SetCommunityLanguage | SetPublic


class SettingsPanel:
    def __init__(self, directories: Mapping[str, Directory], clock: Clock) -> None:
        self._directories = directories
        self._clock = clock

    async def _is_admin(self, community: Community, user_id: str) -> bool:
        directory = self._directories.get(community.platform)
        return directory is not None and await directory.is_admin(community.chat_ref, user_id)

    @staticmethod
    def render(community: Community) -> OutgoingMessage:
        settings = community.settings
        text = t(
            "settings.summary",
            community=community.title,
            id=community.id,
            mode=t(f"settings.mode_{settings.mode.value}"),
            threshold=settings.report_threshold,
            language=t(f"language.{settings.locale}"),
        )
        cid = community.id
        other_mode = MODES[(MODES.index(settings.mode) + 1) % len(MODES)]
        rows = (
            (
                Button(
                    t(f"settings.switch_to_{other_mode.value}"),
                    SetMode(cid, other_mode),
                ),
            ),
            (
                Button(
                    "−",
                    SetThreshold(cid, max(MIN_THRESHOLD, settings.report_threshold - 1)),
                ),
                Button(
                    t("settings.threshold_button", threshold=settings.report_threshold),
                    ShowThreshold(cid),
                ),
                Button(
                    "+",
                    SetThreshold(cid, min(MAX_THRESHOLD, settings.report_threshold + 1)),
                ),
            ),
            tuple(
                Button(t(f"language.{locale}"), SetCommunityLanguage(cid, locale))
                for locale in SUPPORTED_LOCALES
            ),
            (
                Button(
                    t("settings.public_on" if settings.public else "settings.public_off"),
                    SetPublic(cid, not settings.public),
                ),
            ),
        )
        return OutgoingMessage(RichText.plain(text), rows)

    async def show(self, uow: UnitOfWork, community: Community | None, user_id: str) -> list[Response]:
        if community is None or not community.active:
            return [Say(OutgoingMessage(RichText.plain(t("settings.no_community"))))]
        if not await self._is_admin(community, user_id):
            return [
                Say(OutgoingMessage(RichText.plain(t("moderation.not_admin", community=community.title))))
            ]
        return [Say(self.render(community))]

    async def change(
        self, uow: UnitOfWork, platform: str, user_id: str, change: SettingChange
    ) -> list[Response]:
        community = await uow.communities.get(change.community)
        if community is None or community.platform != platform:
            return [Alert(t("error.stale"))]
        if not await self._is_admin(community, user_id):
            return [Alert(t("moderation.not_admin", community=community.title))]
        updated = self._apply(community.settings, change)
        if updated is None:
            return [Alert(t("error.stale"))]
        await uow.communities.update_settings(community.id, updated, self._clock.now())
        await uow.commit()
        return [EditPressed(self.render(replace(community, settings=updated))), Alert(t("settings.saved"))]

    @staticmethod
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
