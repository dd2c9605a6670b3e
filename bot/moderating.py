"""Moderators' decisions and what reports do. The author stays unknown to moderators."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Protocol

from bot import render
from bot.anonymity import Anonymizer
from bot.i18n import current_locale, t
from bot.messages import Alert, EditPressed, Response
from bot.model import (
    VISIBLE_STATUSES,
    Ban,
    Community,
    ModOperation,
    QueueCause,
    QueueItem,
    QueueStatus,
    ReportReason,
    Secret,
    SecretStatus,
)
from bot.outbox import AuthorNotice, CardDue, CardRefresh, Outbox, QueueItemDue
from bot.ports import Clock, Directory, UnitOfWork

BAN_LENGTHS: dict[ModOperation, timedelta | None] = {
    ModOperation.BAN_DAY: timedelta(hours=24),
    ModOperation.BAN_WEEK: timedelta(days=7),
    ModOperation.BAN_FOREVER: None,
}
NEW_MEMBER_AGE = timedelta(days=7)


def reporter_weight(new_member: bool, upheld: int, rejected: int) -> float:
    """How much one report counts toward a community's threshold.

    1 for an established member, 0.25 for one who joined less than a week ago (a few fresh accounts can't
    hide a secret); +0.25 for each past report moderators upheld (up to 4), -0.5 for each they rejected (up
    to 4); never below 0.1 nor above 2.
    """
    base = 0.25 if new_member else 1.0
    return max(0.1, min(2.0, base + 0.25 * min(upheld, 4) - 0.5 * min(rejected, 4)))


class _HasIdentity(Protocol):
    @property
    def platform(self) -> str: ...
    @property
    def user_id(self) -> str: ...


class Moderation:
    def __init__(self, directories: Mapping[str, Directory], anonymizer: Anonymizer, clock: Clock) -> None:
        self._directories = directories
        self._anonymizer = anonymizer
        self._clock = clock

    async def weight_of(self, uow: UnitOfWork, actor: _HasIdentity, key: str, community: Community) -> float:
        directory = self._directories.get(community.platform)
        joined = await directory.joined_at(community.chat_ref, actor.user_id) if directory else None
        joined = joined or await uow.members.joined_at(key, community.id)
        # Unknown means there before the bot (or never seen joining): established.
        new_member = joined is not None and self._clock.now() - joined < NEW_MEMBER_AGE
        upheld, rejected = await uow.secrets.reporter_record(key, community.id)
        return reporter_weight(new_member, upheld, rejected)

    async def after_report(self, uow: UnitOfWork, community: Community, secret_id: int) -> None:
        """Once weighted reports reach the community's threshold, hide the card at once and queue it."""
        secret = await uow.secrets.get(secret_id)
        if secret is None or secret.status not in VISIBLE_STATUSES:
            return
        # Reports a moderator already judged (an approval) don't count again: only the newer ones do.
        since = await uow.moderation.last_decision_at(secret_id)
        if await uow.secrets.report_weight(secret_id, since) < community.settings.report_threshold - 1e-9:
            return
        reasons = await uow.secrets.report_reasons(secret_id)
        await uow.secrets.set_status(secret_id, SecretStatus.HIDDEN)
        outbox = Outbox(uow, self._clock)
        await outbox.add(CardRefresh(secret_id))
        if await uow.moderation.open_item_for(secret_id) is None:
            detail = ",".join(dict.fromkeys(reason.value for reason in reasons))
            item = await uow.moderation.add_item(
                community.id, secret_id, QueueCause.REPORTS, detail, self._clock.now()
            )
            await outbox.add(QueueItemDue(item.id))

    async def _authorise(
        self, uow: UnitOfWork, platform: str, user_id: str, item_id: int
    ) -> tuple[QueueItem, Community, Secret] | list[Response]:
        item = await uow.moderation.get_item(item_id)
        community = await uow.communities.get(item.community_id) if item else None
        secret = await uow.secrets.get(item.secret_id) if item else None
        if item is None or community is None or secret is None or community.platform != platform:
            return [Alert(t("error.stale"))]
        directory = self._directories.get(platform)
        # Asked of the platform at every click: an admin removed an hour ago is no moderator now.
        if directory is None or not await directory.is_admin(community.chat_ref, user_id):
            return [Alert(t("moderation.not_admin", community=community.title))]
        if item.status is not QueueStatus.OPEN:
            return [Alert(t("moderation.already_decided"))]
        return item, community, secret

    async def operate(
        self, uow: UnitOfWork, actor: _HasIdentity, item_id: int, operation: ModOperation
    ) -> list[Response]:
        found = await self._authorise(uow, actor.platform, actor.user_id, item_id)
        if isinstance(found, list):
            return found
        item, community, secret = found
        name = operation.value
        locale = current_locale.get()
        if operation is ModOperation.REMOVE:
            return [EditPressed(render.removal_reasons(locale, community, item, secret))]
        moderator = self._anonymizer.moderator_key(actor.platform, actor.user_id)
        now = self._clock.now()
        outbox = Outbox(uow, self._clock)
        params = {"community": community.title, "number": secret.shown_number}
        status = QueueStatus.APPROVED if operation is ModOperation.APPROVE else QueueStatus.BANNED
        if not await uow.moderation.decide(item.id, status, now):
            return [Alert(t("moderation.already_decided"))]  # another moderator was quicker
        if operation is ModOperation.APPROVE:
            if secret.status is SecretStatus.HELD:
                await uow.secrets.set_status(secret.id, SecretStatus.QUEUED)
                await outbox.add(CardDue(secret.id))
                await outbox.add(AuthorNotice(secret.id, "notice.approved", params))
            else:
                await uow.secrets.set_status(secret.id, SecretStatus.PUBLISHED)
                await outbox.add(CardRefresh(secret.id))
            outcome = t("moderation.approved")
        else:
            length = BAN_LENGTHS[operation]
            await uow.members.add_ban(
                Ban(community.id, secret.author_key, now + length if length else None), now
            )
            await self._take_down(uow, outbox, secret)
            await outbox.add(AuthorNotice(secret.id, f"notice.{name.replace('ban_', 'banned_')}", params))
            outcome = t(f"moderation.{name.replace('ban_', 'banned_')}")
        await uow.moderation.audit(community.id, moderator, name, secret.id, item.cause.value, now)
        await uow.commit()
        return [EditPressed(render.queue_item(locale, community, item, secret, outcome=outcome))]

    async def remove(
        self, uow: UnitOfWork, actor: _HasIdentity, item_id: int, reason: ReportReason
    ) -> list[Response]:
        found = await self._authorise(uow, actor.platform, actor.user_id, item_id)
        if isinstance(found, list):
            return found
        item, community, secret = found
        now = self._clock.now()
        outbox = Outbox(uow, self._clock)
        if not await uow.moderation.decide(item.id, QueueStatus.REMOVED, now):
            return [Alert(t("moderation.already_decided"))]  # another moderator was quicker
        await self._take_down(uow, outbox, secret)
        params = {
            "community": community.title,
            "number": secret.shown_number,
            "reason_key": f"report.{reason.value}",
        }
        await outbox.add(AuthorNotice(secret.id, "notice.removed", params))
        moderator = self._anonymizer.moderator_key(actor.platform, actor.user_id)
        await uow.moderation.audit(community.id, moderator, "remove", secret.id, reason.value, now)
        await uow.commit()
        outcome = t("moderation.removed", reason=t(f"report.{reason.value}"))
        return [
            EditPressed(render.queue_item(current_locale.get(), community, item, secret, outcome=outcome))
        ]

    @staticmethod
    async def _take_down(uow: UnitOfWork, outbox: Outbox, secret: Secret) -> None:
        await uow.secrets.set_status(secret.id, SecretStatus.REMOVED)
        if secret.card_ref is not None or secret.status is not SecretStatus.HELD:
            await outbox.add(CardRefresh(secret.id))
