"""The one service the adapters call: every use case of a member and a moderator."""

from __future__ import annotations

import asyncio
import itertools
import logging
import secrets
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot import digests, limits, ranking, render
from bot.actions import (
    Action,
    AskDelete,
    Cancel,
    ChooseCommunity,
    ChooseLanguage,
    ConfirmDelete,
    CycleTopic,
    DailyDigest,
    DeepLink,
    Moderate,
    Page,
    Post,
    PostLink,
    React,
    RemoveFor,
    ReplyLink,
    Report,
    ReportLink,
    SetCommunityLanguage,
    SetMode,
    SetPublic,
    SetThreshold,
    ShowThreshold,
    ToggleSubscription,
    ToggleWarning,
    decode_action,
    decode_link,
)
from bot.actor import Actor
from bot.anonymity import Anonymizer, Sealer
from bot.browsing import Browsing
from bot.digest_runs import DigestRuns
from bot.i18n import SUPPORTED_LOCALES, current_locale, resolve_locale, t
from bot.logsafe import where
from bot.messages import Alert, Button, EditPressed, OutgoingMessage, Response, RichText, Say
from bot.model import (
    VISIBLE_STATUSES,
    Community,
    CommunitySettings,
    Draft,
    DraftKind,
    DraftStatus,
    FeedKind,
    ModerationMode,
    PendingInput,
    QueueCause,
    QueueStatus,
    Reaction,
    ReportReason,
    SecretStatus,
)
from bot.moderating import Moderation
from bot.moderation.duplicates import is_near_duplicate
from bot.moderation.verdict import Verdict
from bot.outbox import CardDue, CardRefresh, Outbox, QueueItemDue, ReplyDue, Welcome
from bot.ports import Clock, Database, Directory, TextChecker, UnitOfWork
from bot.settings_panel import SettingsPanel
from bot.text_input import MAX_REPLY_LENGTH, MAX_SECRET_LENGTH, clean_text

log = logging.getLogger(__name__)

MEMBERSHIP_FRESHNESS = timedelta(minutes=10)
RETURN_ADDRESS_LIFETIME = timedelta(days=7)
PENDING_INPUT_LIFETIME = timedelta(minutes=30)
DUPLICATE_WINDOW = timedelta(hours=24)
MAX_COMMUNITIES_PROBED = 50
MAX_REMEMBERED_NOES = 100_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
AUDIT_LINES = 15
PSEUDONYM_ATTEMPTS = 64


class Murmure:
    def __init__(
        self,
        database: Database,
        directories: Mapping[str, Directory],
        anonymizer: Anonymizer,
        sealer: Sealer,
        clock: Clock,
        text_filter: TextChecker,
        default_settings: CommunitySettings | None = None,
    ) -> None:
        self._db = database
        self._directories = directories
        self._anonymizer = anonymizer
        self._sealer = sealer
        self._clock = clock
        self._filter = text_filter
        self._default_settings = default_settings or CommunitySettings()
        self._moderation = Moderation(directories, anonymizer, clock)
        self._settings = SettingsPanel(directories, clock)
        self._browsing = Browsing(clock, sealer)
        self._digest_runs = DigestRuns(database, clock, directories)
        self._author_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        # (author key, community) -> when the platform last said "not a member": probes are not repeated
        # for every event (in memory only, like the locks)
        self._recent_noes: dict[tuple[str, int], datetime] = {}

    # ----------------------------------------------------------------- entry points (never raise)

    async def start(self, actor: Actor, payload: str | None = None) -> list[Response]:
        return await self._guarded(actor, lambda uow, key: self._start(uow, actor, key, payload))

    async def text(self, actor: Actor, raw: str) -> list[Response]:
        return await self._guarded(actor, lambda uow, key: self._text(uow, actor, key, raw))

    async def press(self, actor: Actor, data: str) -> list[Response]:
        action = decode_action(data)
        if action is None:
            return await self._guarded(actor, lambda uow, key: self._alert("error.stale"))
        return await self._guarded(actor, lambda uow, key: self._press(uow, actor, key, action))

    async def command(self, actor: Actor, name: str, argument: str = "") -> list[Response]:
        handlers: dict[str, Callable[[UnitOfWork, str], Awaitable[list[Response]]]] = {
            "start": lambda uow, key: self._start(uow, actor, key, argument or None),
            "help": lambda uow, key: self._say_help(),
            "mine": lambda uow, key: self._my_secrets(uow, key),
            "language": lambda uow, key: self._language_menu(),
            "cancel": lambda uow, key: self._cancel_pending(uow, key),
            "latest": lambda uow, key: self._feed(uow, actor, key, FeedKind.LATEST, 0, edit=False),
            "top": lambda uow, key: self._feed(uow, actor, key, FeedKind.TOP, 0, edit=False),
            "topics": lambda uow, key: self._browsing.topics(uow, key, edit=False),
        }
        handler = handlers.get(name.lower())
        if handler is None:
            return await self._guarded(
                actor, lambda uow, key: self._say("error.unknown_command", command=name)
            )
        return await self._guarded(actor, handler)

    async def audit(self, actor: Actor, chat_ref: str) -> list[Response]:
        """The community's last moderation actions, for its admins (who did each stays out of it)."""

        async def show(uow: UnitOfWork, key: str) -> list[Response]:
            community = await uow.communities.by_chat(actor.platform, chat_ref)
            if community is None:
                return await self._say("settings.no_community")
            directory = self._directories.get(community.platform)
            if directory is None or not await directory.is_admin(community.chat_ref, actor.user_id):
                return await self._say("moderation.not_admin", community=community.title)
            entries = await uow.moderation.audit_log(community.id, AUDIT_LINES)
            if not entries:
                return await self._say("audit.empty", community=community.title)
            lines = [t("audit.title", community=community.title)]
            for at, action, secret_id, detail in entries:
                secret = await uow.secrets.get(secret_id) if secret_id is not None else None
                number = f"#{secret.shown_number}" if secret else "—"
                reason = t(f"report.{detail}") if detail in {r.value for r in ReportReason} else ""
                lines.append(f"{at:%Y-%m-%d %H:%M} UTC · {number} · {t(f'audit.{action}')} {reason}".rstrip())
            return [Say(OutgoingMessage(RichText.plain("\n".join(lines))))]

        return await self._guarded(actor, show)

    async def write(self, actor: Actor, link: DeepLink, raw: str) -> list[Response]:
        """A text written in a form a deep link opened (a Discord modal): the preview of it, or why not."""

        async def go(uow: UnitOfWork, key: str) -> list[Response]:
            if isinstance(link, PostLink):
                await self._verify_community(uow, actor, key, link.community)
                return await self._text(uow, actor, key, raw)
            text = clean_text(raw)
            if not text:
                return await self._say("error.empty")
            if isinstance(link, ReplyLink):
                return await self._reply_preview(uow, actor, key, link.secret, text)
            return await self._alert("error.stale")

        return await self._guarded(actor, go)

    async def settings(self, actor: Actor, chat_ref: str) -> list[Response]:
        """``/settings`` in a community's chat: its admins see and change its settings."""

        async def show(uow: UnitOfWork, key: str) -> list[Response]:
            community = await uow.communities.by_chat(actor.platform, chat_ref)
            return await self._settings.show(uow, community, actor.user_id)

        return await self._guarded(actor, show)

    async def member_joined(self, actor: Actor, chat_ref: str) -> None:
        """Someone joined a community's chat: their reports weigh little for a week (anti-brigading)."""
        key = self._anonymizer.author_key(actor.platform, actor.user_id)
        async with self._db.unit_of_work() as uow:
            community = await uow.communities.by_chat(actor.platform, chat_ref)
            if community is not None:
                # the day only: the exact time, matched with the group's "X joined" line, would name them
                day = self._clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
                await uow.members.record_join(key, community.id, day)
                await uow.commit()

    async def not_text(self, actor: Actor) -> list[Response]:
        """A photo, sticker or file: only text is published for now; nothing is kept."""
        return await self._guarded(actor, lambda uow, key: self._say("error.not_text"))

    async def link_moderation_chat_as(
        self, actor: Actor, community_id: str, moderation_chat_ref: str
    ) -> list[Response]:
        """An admin of a community makes the chat they write in its moderators' chat."""

        async def link(uow: UnitOfWork, key: str) -> list[Response]:
            community = await uow.communities.get(int(community_id)) if community_id.isdigit() else None
            if community is None or community.platform != actor.platform or not community.active:
                return await self._say("moderation.link_usage")
            directory = self._directories.get(community.platform)
            if directory is None or not await directory.is_admin(community.chat_ref, actor.user_id):
                return await self._say("moderation.not_admin", community=community.title)
            if moderation_chat_ref == community.chat_ref:
                return await self._say("moderation.link_not_here")  # the queue would be public
            if not await directory.is_admin(moderation_chat_ref, actor.user_id):
                # and of the chat the queue will go to: nobody hijacks another group with it
                return await self._say("moderation.link_not_admin_here")
            await uow.communities.set_moderation_chat(community.id, moderation_chat_ref)
            as_community = await uow.communities.by_chat(actor.platform, moderation_chat_ref)
            if as_community is not None and as_community.id != community.id:
                await uow.communities.set_active(as_community.id, False)  # a moderators' chat gets no secrets
            await uow.commit()
            return await self._say("moderation.linked", community=community.title)

        return await self._guarded(actor, link)

    async def register_community(
        self, platform: str, chat_ref: str, title: str, settings: CommunitySettings | None = None
    ) -> Community:
        """The bot was added to a group (or an admin made a channel a community): register and welcome it."""
        async with self._db.unit_of_work() as uow:
            community = await uow.communities.by_chat(platform, chat_ref)
            if community is not None and community.active and community.title == title:
                return community
            if community is None:
                community = await uow.communities.add(
                    platform, chat_ref, title, settings or self._default_settings, self._clock.now()
                )
                welcome = True
            else:
                welcome = not community.active
                await uow.communities.set_active(community.id, True, title)
                community = replace(community, active=True, title=title)
            if welcome:
                await Outbox(uow, self._clock).add(Welcome(community.id))
            await uow.commit()
        return community

    async def chat_moved(self, platform: str, old_chat_ref: str, new_chat_ref: str) -> None:
        async with self._db.unit_of_work() as uow:
            if await uow.communities.by_chat(platform, new_chat_ref) is None:
                await uow.communities.move(platform, old_chat_ref, new_chat_ref)
                await uow.commit()

    async def deactivate_community(self, platform: str, chat_ref: str) -> None:
        async with self._db.unit_of_work() as uow:
            community = await uow.communities.by_chat(platform, chat_ref)
            if community is not None:
                await uow.communities.set_active(community.id, False)
                await uow.commit()

    async def sweep(self) -> int:
        """Erase sealed return addresses older than their lifetime; returns how many."""
        async with self._db.unit_of_work() as uow:
            erased = await uow.secrets.erase_expired_return_addresses(self._clock.now())
            erased += await uow.members.erase_expired_digest_addresses(self._clock.now())
            await uow.commit()
        return erased

    async def link_moderation_chat(
        self, platform: str, community_chat_ref: str, moderation_chat_ref: str
    ) -> bool:
        async with self._db.unit_of_work() as uow:
            community = await uow.communities.by_chat(platform, community_chat_ref)
            if community is None:
                return False
            await uow.communities.set_moderation_chat(community.id, moderation_chat_ref)
            await uow.commit()
            return True

    # ----------------------------------------------------------------- plumbing

    async def _guarded(
        self, actor: Actor, handler: Callable[[UnitOfWork, str], Awaitable[list[Response]]]
    ) -> list[Response]:
        """Run one use case in one unit of work, in the member's language; a failure becomes a message."""
        key = self._anonymizer.author_key(actor.platform, actor.user_id)
        lock = self._author_locks.setdefault(key, asyncio.Lock())
        try:
            # One event of a member at a time (platforms deliver some concurrently): a burst of taps
            # toggles exactly as often as it was tapped.
            async with lock, self._db.unit_of_work() as uow:
                locale = resolve_locale(await uow.members.locale(key), actor.locale_hint)
                await self._browsing.refresh_digest_address(uow, actor, key, locale)
                token = current_locale.set(locale)
                try:
                    return await handler(uow, key)
                finally:
                    current_locale.reset(token)
        except Exception as error:
            log.error("use case failed on %s: %s", actor.platform, where(error))
            return [Say(OutgoingMessage(RichText.plain(t("error.internal"))))]

    @staticmethod
    async def _say(key: str, **params: object) -> list[Response]:
        return [Say(OutgoingMessage(RichText.plain(t(key, **params))))]

    @staticmethod
    async def _alert(key: str, **params: object) -> list[Response]:
        return [Alert(t(key, **params))]

    @staticmethod
    def _message(key: str, **params: object) -> OutgoingMessage:
        return OutgoingMessage(RichText.plain(t(key, **params)))

    async def _say_help(self) -> list[Response]:
        return await self._say("help")

    # ----------------------------------------------------------------- membership

    async def _is_member(self, uow: UnitOfWork, actor: Actor, key: str, community: Community) -> bool:
        """Verified against the platform when the last check is older than a few minutes."""
        if community.platform != actor.platform or not community.active:
            return False
        now = self._clock.now()
        if community.id in await uow.members.verified_since(key, now - MEMBERSHIP_FRESHNESS):
            return True
        directory = self._directories.get(community.platform)
        if directory is None or not await directory.is_member(community.chat_ref, actor.user_id):
            await uow.members.forget_membership(key, community.id)
            return False
        await uow.members.mark_verified(key, community.id, now)
        return True

    async def _communities_of(self, uow: UnitOfWork, actor: Actor, key: str) -> list[Community]:
        """The member's communities: those they were ever verified in (any number), and a bounded probe of
        the others, so that a member new to the bot finds theirs without a deep link."""
        candidates: dict[int, Community] = {}
        known = set(await uow.members.verified_since(key, EPOCH))
        for community_id in known:
            community = await uow.communities.get(community_id)
            if community is not None and community.active and community.platform == actor.platform:
                candidates[community.id] = community
        now = self._clock.now()
        for community in await uow.communities.active_on(actor.platform, MAX_COMMUNITIES_PROBED):
            checked = self._recent_noes.get((key, community.id))
            if checked is None or now - checked > MEMBERSHIP_FRESHNESS:  # a recent "no" is not re-asked
                candidates.setdefault(community.id, community)
        found: list[Community] = []
        for community in candidates.values():
            try:
                member = await self._is_member(uow, actor, key, community)
            except Exception as error:  # one unreachable chat must not stop the member's other communities
                log.warning("membership check failed in community %s: %s", community.id, where(error))
                member = False
            if member:
                found.append(community)
                self._recent_noes.pop((key, community.id), None)
            elif community.id not in known:
                if len(self._recent_noes) > MAX_REMEMBERED_NOES:
                    self._recent_noes.clear()
                self._recent_noes[(key, community.id)] = now
        return sorted(found, key=lambda c: c.id)

    # ----------------------------------------------------------------- /start and deep links

    async def _start(self, uow: UnitOfWork, actor: Actor, key: str, payload: str | None) -> list[Response]:
        link = decode_link(payload or "")
        if isinstance(link, ReplyLink):
            return await self._begin_reply(uow, actor, key, link.secret)
        if isinstance(link, ReportLink):
            return await self._begin_report(uow, actor, key, link.secret)
        if isinstance(link, PostLink):
            await self._verify_community(uow, actor, key, link.community)
        return await self._say("start.welcome")

    async def _verify_community(self, uow: UnitOfWork, actor: Actor, key: str, community_id: int) -> None:
        """The welcome's button: verify this community now, so a member of any community finds it."""
        community = await uow.communities.get(community_id)
        if community is not None and community.platform == actor.platform:
            await self._is_member(uow, actor, key, community)
            await uow.commit()

    async def _visible_secret_in_member_community(
        self, uow: UnitOfWork, actor: Actor, key: str, secret_id: int
    ) -> tuple[Community, str, str] | list[Response]:
        secret = await uow.secrets.get(secret_id)
        if secret is None or secret.status not in VISIBLE_STATUSES:
            return await self._say("error.secret_unavailable")
        community = await uow.communities.get(secret.community_id)
        if community is None or not await self._is_member(uow, actor, key, community):
            await uow.commit()
            return await self._say("error.not_member")
        return community, secret.shown_number, secret.author_key

    async def _begin_reply(self, uow: UnitOfWork, actor: Actor, key: str, secret_id: int) -> list[Response]:
        found = await self._visible_secret_in_member_community(uow, actor, key, secret_id)
        if isinstance(found, list):
            return found
        _, number, _ = found
        pending = PendingInput(key, DraftKind.REPLY, secret_id, self._clock.now() + PENDING_INPUT_LIFETIME)
        await uow.members.set_pending_input(pending, key)
        await uow.commit()
        return await self._say("reply.prompt", number=number)

    async def _begin_report(self, uow: UnitOfWork, actor: Actor, key: str, secret_id: int) -> list[Response]:
        found = await self._visible_secret_in_member_community(uow, actor, key, secret_id)
        if isinstance(found, list):
            return found
        secret = await uow.secrets.get(secret_id)
        assert secret is not None
        await uow.commit()
        return [Say(render.report_reasons(current_locale.get(), secret))]

    async def _cancel_pending(self, uow: UnitOfWork, key: str) -> list[Response]:
        await uow.members.set_pending_input(None, key)
        await uow.commit()
        return await self._say("cancel.done")

    # ----------------------------------------------------------------- writing: preview

    async def _text(self, uow: UnitOfWork, actor: Actor, key: str, raw: str) -> list[Response]:
        text = clean_text(raw)
        if not text:
            return await self._say("error.empty")
        now = self._clock.now()
        pending = await uow.members.pending_input(key)
        if pending is not None and pending.expires_at > now:
            return await self._reply_preview(uow, actor, key, pending.target_id, text)
        if len(text) > MAX_SECRET_LENGTH:
            return await self._say("error.too_long", length=len(text), limit=MAX_SECRET_LENGTH)
        communities = await self._communities_of(uow, actor, key)
        await uow.commit()
        if not communities:
            return await self._say("error.no_community")
        allowed = [c for c in communities if await uow.members.active_ban(key, c.id, now) is None]
        if not allowed:
            refusal = await self._banned(uow, key, communities[0])
            assert refusal is not None
            return refusal
        communities = allowed
        waiting = await limits.cooling_down(uow, key, now)
        if waiting is not None:
            return await self._say(waiting.key, **waiting.params)
        result = self._filter.check(text, current_locale.get())
        if result.verdict is Verdict.BLOCK:
            await uow.members.add_strike(key, now)
            await uow.commit()
            return await self._rethink(result.categories, blocked=True)
        recent = await uow.secrets.recent_texts_by_author(key, now - DUPLICATE_WINDOW)
        if is_near_duplicate(text, recent):
            return await self._say("error.duplicate")
        community_id = communities[0].id if len(communities) == 1 else None
        draft = await uow.drafts.add(
            key, DraftKind.SECRET, community_id, None, text, result.verdict, result.categories, now
        )
        await uow.commit()
        return [Say(render.preview(current_locale.get(), draft, communities, None))]

    async def _rethink(self, categories: Sequence[str], *, blocked: bool) -> list[Response]:
        reasons = ", ".join(t(f"reason.{category}") for category in categories)
        return await self._say("filter.blocked" if blocked else "filter.reply_review", reasons=reasons)

    async def _reply_preview(
        self, uow: UnitOfWork, actor: Actor, key: str, secret_id: int, text: str
    ) -> list[Response]:
        if len(text) > MAX_REPLY_LENGTH:
            return await self._say("error.too_long", length=len(text), limit=MAX_REPLY_LENGTH)
        found = await self._visible_secret_in_member_community(uow, actor, key, secret_id)
        if isinstance(found, list):
            await uow.members.set_pending_input(None, key)  # the thread is gone: stop waiting for a reply
            await uow.commit()
            return found
        _, number, _ = found
        waiting = await limits.cooling_down(uow, key, self._clock.now())
        if waiting is not None:
            return await self._say(waiting.key, **waiting.params)
        result = self._filter.check(text, current_locale.get())
        if result.verdict is Verdict.BLOCK:
            await uow.members.add_strike(key, self._clock.now())
            await uow.commit()
        if result.verdict is not Verdict.ALLOW:
            # A reply is published at once or not at all: held replies would lose their context.
            return await self._rethink(result.categories, blocked=result.verdict is Verdict.BLOCK)
        draft = await uow.drafts.add(
            key, DraftKind.REPLY, None, secret_id, text, result.verdict, result.categories, self._clock.now()
        )
        await uow.members.set_pending_input(None, key)
        await uow.commit()
        return [Say(render.preview(current_locale.get(), draft, (), number))]

    # ----------------------------------------------------------------- buttons

    async def _press(self, uow: UnitOfWork, actor: Actor, key: str, action: Action) -> list[Response]:
        match action:
            case ChooseCommunity(draft=draft, community=community):
                return await self._choose_community(uow, actor, key, draft, community)
            case ToggleWarning(draft=draft):
                return await self._toggle_warning(uow, actor, key, draft)
            case Post(draft=draft):
                return await self._post(uow, actor, key, draft)
            case Cancel(draft=draft):
                return await self._cancel(uow, key, draft)
            case React(secret=secret, reaction=reaction):
                return await self._react(uow, actor, key, secret, reaction)
            case Report(secret=secret, reason=reason):
                return await self._report(uow, actor, key, secret, reason)
            case AskDelete(secret=secret):
                return await self._confirm_delete(uow, key, secret)
            case ConfirmDelete(secret=secret):
                return await self._delete(uow, key, secret)
            case ChooseLanguage(locale=locale):
                return await self._set_language(uow, key, locale)
            case Moderate(item=item, operation=operation):
                return await self._moderation.operate(uow, actor, item, operation)
            case RemoveFor(item=item, reason=reason):
                return await self._moderation.remove(uow, actor, item, reason)
            case SetMode() | SetThreshold() | SetCommunityLanguage() | SetPublic():
                return await self._settings.change(uow, actor.platform, actor.user_id, action)
            case ShowThreshold():
                return await self._alert("settings.use_buttons")
            case CycleTopic(draft=draft):
                return await self._cycle_topic(uow, actor, key, draft)
            case Page(kind=kind, page=page):
                return await self._feed(uow, actor, key, kind, page, edit=True)
            case ToggleSubscription(topic=topic):
                return await self._browsing.toggle_subscription(uow, key, topic)
            case DailyDigest(on=on):
                return await self._browsing.toggle_dm_digest(uow, actor, key, on)
        return await self._alert("error.stale")

    async def _own_open_draft(self, uow: UnitOfWork, key: str, draft_id: int) -> Draft | list[Response]:
        draft = await uow.drafts.get(draft_id)
        if draft is None or draft.author_key != key:
            return await self._alert("error.stale")
        if draft.status is DraftStatus.SUBMITTED:
            return await self._alert("error.already_posted")
        if draft.status is DraftStatus.CANCELLED:
            return await self._alert("error.already_cancelled")
        return draft

    async def _edit_preview(self, uow: UnitOfWork, actor: Actor, key: str, draft_id: int) -> list[Response]:
        draft = await uow.drafts.get(draft_id)
        assert draft is not None
        communities = await self._communities_of(uow, actor, key)
        await uow.commit()
        return [EditPressed(render.preview(current_locale.get(), draft, communities, None))]

    async def _choose_community(
        self, uow: UnitOfWork, actor: Actor, key: str, draft_id: int, community_id: int
    ) -> list[Response]:
        draft = await self._own_open_draft(uow, key, draft_id)
        if isinstance(draft, list):
            return draft
        community = await uow.communities.get(community_id)
        if community is None or not await self._is_member(uow, actor, key, community):
            await uow.commit()
            return await self._alert("error.not_member")
        await uow.drafts.update(draft_id, community_id=community_id, content_warning=draft.content_warning)
        # a topic chosen for another community may not exist here: the preview shows none then
        return await self._edit_preview(uow, actor, key, draft_id)

    async def _toggle_warning(self, uow: UnitOfWork, actor: Actor, key: str, draft_id: int) -> list[Response]:
        draft = await self._own_open_draft(uow, key, draft_id)
        if isinstance(draft, list):
            return draft
        await uow.drafts.update(
            draft_id,
            community_id=draft.community_id,
            content_warning=not draft.content_warning,
            collection=draft.collection,
        )
        return await self._edit_preview(uow, actor, key, draft_id)

    async def _cycle_topic(self, uow: UnitOfWork, actor: Actor, key: str, draft_id: int) -> list[Response]:
        """The topic button goes through the community's collections, then back to none."""
        draft = await self._own_open_draft(uow, key, draft_id)
        if isinstance(draft, list):
            return draft
        community = await uow.communities.get(draft.community_id) if draft.community_id else None
        allowed = community.settings.collections if community else ()
        if not allowed:
            return await self._alert("error.stale")
        options: list[str | None] = [None, *allowed]
        current = options.index(draft.collection) if draft.collection in options else 0
        await uow.drafts.update(
            draft_id,
            community_id=draft.community_id,
            content_warning=draft.content_warning,
            collection=options[(current + 1) % len(options)],
        )
        return await self._edit_preview(uow, actor, key, draft_id)

    async def _cancel(self, uow: UnitOfWork, key: str, draft_id: int) -> list[Response]:
        draft = await self._own_open_draft(uow, key, draft_id)
        if isinstance(draft, list):
            return draft
        await uow.drafts.transition(draft_id, DraftStatus.OPEN, DraftStatus.CANCELLED)
        await uow.commit()
        return [EditPressed(self._message("preview.cancelled"))]

    async def _banned(self, uow: UnitOfWork, key: str, community: Community) -> list[Response] | None:
        ban = await uow.members.active_ban(key, community.id, self._clock.now())
        if ban is None:
            return None
        if ban.until is None:
            return await self._say("error.banned_forever", community=community.title)
        return await self._say(
            "error.banned_until", community=community.title, until=ban.until.strftime("%Y-%m-%d %H:%M UTC")
        )

    async def _post(self, uow: UnitOfWork, actor: Actor, key: str, draft_id: int) -> list[Response]:
        draft = await self._own_open_draft(uow, key, draft_id)
        if isinstance(draft, list):
            return draft
        if draft.kind is DraftKind.REPLY:
            return await self._post_reply(uow, actor, key, draft)
        if draft.community_id is None:
            return await self._alert("preview.choose")
        community = await uow.communities.get(draft.community_id)
        if community is None or not await self._is_member(uow, actor, key, community):
            await uow.commit()
            return await self._say("error.not_member")
        refusal = await self._banned(uow, key, community)
        if refusal is not None:
            return refusal
        now = self._clock.now()
        too_many = await limits.secret_limit(uow, key, community, now)
        if too_many is not None:
            return await self._say(too_many.key, **too_many.params)
        directory = self._directories[community.platform]
        if await directory.member_count(community.chat_ref) < community.settings.min_members:
            return await self._say(
                "error.too_few_members", community=community.title, minimum=community.settings.min_members
            )
        if not await uow.drafts.transition(draft_id, DraftStatus.OPEN, DraftStatus.SUBMITTED):
            return await self._alert("error.already_posted")
        cause = await self._hold_cause(uow, key, community, draft)
        held = cause is not None
        late = community.settings.publication_delay_seconds > 0
        # With a random publication delay, the number is given when the card goes out: numbers given at
        # the DM would tell the order in which people wrote. Until then a unique placeholder below zero.
        number = (
            -1 - secrets.randbelow(2**31 - 2) if late else await uow.communities.next_number(community.id)
        )
        secret = await uow.secrets.add(
            community.id,
            number,
            key,
            draft.text,
            draft.content_warning,
            SecretStatus.HELD if held else SecretStatus.QUEUED,
            now,
            current_locale.get(),
            self._sealer.seal(actor.dm_ref, f"{actor.platform}:return"),
            now + RETURN_ADDRESS_LIFETIME,
            draft.collection if draft.collection in community.settings.collections else None,
        )
        outbox = Outbox(uow, self._clock)
        if cause is not None:
            item = await uow.moderation.add_item(
                community.id, secret.id, cause, ",".join(draft.reason_categories), now
            )
            await outbox.add(QueueItemDue(item.id))
        else:
            delay = community.settings.publication_delay_seconds
            await outbox.add(
                CardDue(secret.id), delay=timedelta(seconds=secrets.randbelow(delay + 1)) if delay else None
            )
        await uow.commit()
        if held:
            key_name = "post.held"
        elif late:
            key_name = "post.accepted_later"
        else:
            key_name = "post.accepted"
        minutes = max(1, community.settings.publication_delay_seconds // 60)
        message = self._message(key_name, community=community.title, number=number, minutes=minutes)
        return [EditPressed(message)]

    async def _pseudonym_in(self, uow: UnitOfWork, thread_id: int, key: str) -> str:
        """The member's name in this thread: the one they have, or a new one no one else there has
        (claimed under a unique constraint, so two members replying at once can't get the same)."""
        existing = await uow.secrets.pseudonym_of(thread_id, key)
        if existing is not None:
            return existing
        for attempt in range(PSEUDONYM_ATTEMPTS):
            animal, colour = self._anonymizer.pseudonym(thread_id, key, attempt)
            if await uow.secrets.claim_pseudonym(thread_id, key, f"{animal}:{colour}"):
                return f"{animal}:{colour}"
        for number in itertools.count(2):  # a crowded thread: numbered names ("Amber fox 2")
            name = f"{animal}:{colour}:{number}"
            if await uow.secrets.claim_pseudonym(thread_id, key, name):
                return name
        raise AssertionError("unreachable")

    @staticmethod
    async def _hold_cause(uow: UnitOfWork, key: str, community: Community, draft: Draft) -> QueueCause | None:
        """Why this secret must wait for a moderator before publication, if it must."""
        if draft.verdict is Verdict.REVIEW:
            return QueueCause.FILTER
        if community.settings.mode is ModerationMode.REVIEW:
            return QueueCause.REVIEW_MODE
        if community.settings.hold_new_authors and not await uow.secrets.count_secrets_since(
            key, community.id, EPOCH
        ):
            return QueueCause.NEW_AUTHOR
        return None

    async def _post_reply(self, uow: UnitOfWork, actor: Actor, key: str, draft: Draft) -> list[Response]:
        assert draft.secret_id is not None
        found = await self._visible_secret_in_member_community(uow, actor, key, draft.secret_id)
        if isinstance(found, list):
            return found
        community, number, secret_author = found
        refusal = await self._banned(uow, key, community)
        if refusal is not None:
            return refusal
        too_many = await limits.reply_limit(uow, key, community, self._clock.now())
        if too_many is not None:
            return await self._say(too_many.key, **too_many.params)
        if not await uow.drafts.transition(draft.id, DraftStatus.OPEN, DraftStatus.SUBMITTED):
            return await self._alert("error.already_posted")
        by_author = secret_author == key
        pseudonym = await self._pseudonym_in(uow, draft.secret_id, key)
        reply = await uow.secrets.add_reply(
            draft.secret_id, key, draft.text, pseudonym, by_author, self._clock.now()
        )
        await uow.secrets.add_points(draft.secret_id, ranking.REPLY_POINTS)
        outbox = Outbox(uow, self._clock)
        await outbox.add(ReplyDue(reply.id))
        await outbox.add(CardRefresh(draft.secret_id))
        await uow.commit()
        label = render.pseudonym_label(current_locale.get(), reply.pseudonym, by_author)
        return [EditPressed(self._message("reply.posted", number=number, pseudonym=label))]

    # ----------------------------------------------------------------- reactions and reports

    async def _react(
        self, uow: UnitOfWork, actor: Actor, key: str, secret_id: int, reaction: Reaction
    ) -> list[Response]:
        secret = await uow.secrets.get(secret_id)
        if secret is None or secret.status not in VISIBLE_STATUSES:
            return await self._alert("error.secret_unavailable")
        community = await uow.communities.get(secret.community_id)
        if community is None or not await self._is_member(uow, actor, key, community):
            await uow.commit()
            return await self._alert("error.not_member")
        added = await uow.secrets.toggle_reaction(secret_id, key, reaction)
        await uow.secrets.add_points(
            secret_id, ranking.REACTION_POINTS if added else -ranking.REACTION_POINTS
        )
        await Outbox(uow, self._clock).add(CardRefresh(secret_id))
        await uow.commit()
        return await self._alert("react.added" if added else "react.removed", emoji=reaction.emoji)

    async def _report(
        self, uow: UnitOfWork, actor: Actor, key: str, secret_id: int, reason: ReportReason
    ) -> list[Response]:
        found = await self._visible_secret_in_member_community(uow, actor, key, secret_id)
        if isinstance(found, list):
            return found
        community, _, _ = found
        weight = await self._moderation.weight_of(uow, actor, key, community)
        if not await uow.secrets.add_report(secret_id, key, reason, weight, self._clock.now()):
            return [EditPressed(self._message("report.already"))]
        await uow.secrets.add_points(secret_id, ranking.REPORT_POINTS * weight)
        await self._moderation.after_report(uow, community, secret_id)
        await uow.commit()
        return [EditPressed(self._message("report.thanks"))]

    # ----------------------------------------------------------------- own secrets and language

    async def _my_secrets(self, uow: UnitOfWork, key: str) -> list[Response]:
        mine = await uow.secrets.by_author(key, 20)
        if not mine:
            return await self._say("mine.none")
        responses: list[Response] = [Say(self._message("mine.title", count=len(mine)))]
        for secret in mine:
            community = await uow.communities.get(secret.community_id)
            counts = await uow.secrets.reaction_counts(secret.id)
            replies = await uow.secrets.reply_count(secret.id)
            reactions = " ".join(f"{r.emoji} {counts.of(r)}" for r in render.REACTIONS)
            line = t(
                "mine.item",
                number=secret.shown_number,
                community=community.title if community else "?",
                status=t(f"status.{secret.status.value}"),
                reactions=reactions,
                replies=replies,
            )
            text = RichText.plain(line + "\n") + render.secret_body(current_locale.get(), secret.text, False)
            deletable = secret.status not in (SecretStatus.DELETED, SecretStatus.REMOVED)
            buttons = ((Button(t("mine.delete"), AskDelete(secret.id)),),) if deletable else ()
            responses.append(Say(OutgoingMessage(text, buttons)))
        return responses

    async def _own_secret(self, uow: UnitOfWork, key: str, secret_id: int) -> list[Response] | None:
        secret = await uow.secrets.get(secret_id)
        if secret is None or secret.author_key != key:
            return await self._alert("error.stale")
        if secret.status in (SecretStatus.DELETED, SecretStatus.REMOVED):
            return await self._alert("error.secret_unavailable")
        return None

    async def _confirm_delete(self, uow: UnitOfWork, key: str, secret_id: int) -> list[Response]:
        refusal = await self._own_secret(uow, key, secret_id)
        if refusal is not None:
            return refusal
        secret = await uow.secrets.get(secret_id)
        assert secret is not None
        buttons = ((Button(t("mine.delete_yes"), ConfirmDelete(secret_id)),),)
        return [
            Say(
                OutgoingMessage(RichText.plain(t("mine.delete_confirm", number=secret.shown_number)), buttons)
            )
        ]

    async def _delete(self, uow: UnitOfWork, key: str, secret_id: int) -> list[Response]:
        refusal = await self._own_secret(uow, key, secret_id)
        if refusal is not None:
            return refusal
        secret = await uow.secrets.get(secret_id)
        assert secret is not None
        await uow.secrets.set_status(secret_id, SecretStatus.DELETED)
        await uow.secrets.erase_return_address(secret_id)
        item = await uow.moderation.open_item_for(secret_id)
        if item is not None:
            await uow.moderation.decide(item.id, QueueStatus.REMOVED, self._clock.now())
        await Outbox(uow, self._clock).add(CardRefresh(secret_id))
        await uow.commit()
        return [EditPressed(self._message("mine.deleted", number=secret.shown_number))]

    async def _feed(
        self, uow: UnitOfWork, actor: Actor, key: str, kind: FeedKind, page: int, *, edit: bool
    ) -> list[Response]:
        mine = await self._communities_of(uow, actor, key)
        await uow.commit()
        return await self._browsing.page(uow, actor.platform, key, mine, kind, page, edit=edit)

    async def run_due_digests(self, grace: timedelta = digests.DEFAULT_GRACE) -> int:
        """Queue the daily digests whose time has come (communities' and members'); returns how many."""
        return await self._digest_runs.run_due(grace)

    async def _language_menu(self) -> list[Response]:
        buttons = tuple(
            (Button(t(f"language.{locale}"), ChooseLanguage(locale)),) for locale in SUPPORTED_LOCALES
        )
        return [Say(OutgoingMessage(RichText.plain(t("language.ask")), buttons))]

    async def _set_language(self, uow: UnitOfWork, key: str, locale: str) -> list[Response]:
        if locale not in SUPPORTED_LOCALES:
            return await self._alert("error.stale")
        await uow.members.set_locale(key, locale)
        await uow.commit()
        current_locale.set(locale)
        return [EditPressed(self._message("language.set"))]

    async def set_language(self, actor: Actor, locale: str) -> list[Response]:
        if locale not in SUPPORTED_LOCALES:
            return await self._guarded(actor, lambda uow, key: self._say("language.unknown", locale=locale))
        return await self._guarded(actor, lambda uow, key: self._set_language(uow, key, locale))
