"""The router the adapters call: one entry point per kind of event, one unit of work and one commit per
use case, the member's language, one event per member at a time. The use cases are in ``bot.usecases``."""

from __future__ import annotations

import asyncio
import base64
import logging
import secrets
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta

from bot import card_view, commands, digests
from bot.actions import (
    Action,
    AskDelete,
    Cancel,
    ChooseCommunity,
    ChooseLanguage,
    ChooseSetting,
    ConfirmDelete,
    CycleTopic,
    DailyDigest,
    DeepLink,
    DeleteReply,
    Forget,
    KeepAll,
    KeepDigest,
    KeepNotices,
    Moderate,
    OpenSetting,
    Page,
    Post,
    PostLink,
    PostWithoutCrown,
    React,
    RemoveFor,
    ReplyLink,
    Report,
    ReportLink,
    ReportReply,
    ReportReplyLink,
    ResetSetting,
    SettingsHome,
    SettingsLink,
    StopDigest,
    StopNotices,
    ToggleNotices,
    ToggleSubscription,
    ToggleWarning,
    decode_action,
    decode_link,
)
from bot.actor import Actor
from bot.anonymity import Anonymizer, PersonKeys, Sealer
from bot.card_checks import Answered, CardChecks
from bot.coordination import Coordination
from bot.digest_runs import DigestRuns
from bot.i18n import current_locale, current_platform, resolve_locale, t, t_on
from bot.kept_forms import KeptForm
from bot.logsafe import where
from bot.messages import Alert, CardAnswer, OutgoingMessage, Response, RichText, Say, Told
from bot.model import Community, CommunitySettings, FeedKind
from bot.outbox import CardRefresh, Outbox, PendingAnswer, answer_context, answer_key
from bot.ports import Clock, Contention, Database, Directory, TextChecker, UnitOfWork
from bot.refusals import Refused, RefusedBriefly
from bot.stats import ChartRenderer
from bot.usecases import (
    audit,
    browsing,
    communities,
    exporting,
    forgetting,
    language,
    membership,
    mine,
    moderating,
    notices,
    places,
    posting,
    privacy,
    reacting,
    replies,
    sanctions,
    settings,
    stats,
    words,
    writing,
)
from bot.usecases.context import Context, Services, say

log = logging.getLogger(__name__)

CONTENTION_ATTEMPTS = 4  # a unit of work refused for another's sake runs again, up to this many times in all
CONTENTION_PAUSE_SECONDS = 0.01  # times the attempt: the other transaction is given time to finish
# how long the check of a card answered in place gathers the answers on that card that follow (each check is a
# transaction of its own): a card found stale is refreshed this much later at most, as a card is edited at
# most once a second anyway; far within the hold of its refresh (reacting.CARD_ANSWER_HELD)
CARD_CHECK_GATHER_SECONDS = 1.0
# A waiting interaction's answer from the outbox (``answer_waiting``) goes out this long after its deferral if
# the core's own answer has not shown by then: past the slowest use case (a membership probe over a slow
# network), well within Discord's 15 minutes for a follow-up
PENDING_ANSWER_AFTER = timedelta(seconds=30)

UseCase = Callable[[Context], Awaitable[list[Response]] | list[Response]]


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
        features: Mapping[str, frozenset[commands.Feature]] | None = None,
        charts: ChartRenderer | None = None,
        pictures_in_folder: bool = False,
    ) -> None:
        self._db = database
        # what processes sharing the database agree on (set by the composition root; None: this process alone)
        self.coordination: Coordination | None = None
        self._features = features or {}  # per platform: which declared commands it offers (all when not said)
        self._services = Services(
            directories,
            anonymizer,
            sealer,
            clock,
            text_filter,
            default_settings or CommunitySettings(),
            charts,
            pictures_in_folder,
        )
        self._digest_runs = DigestRuns(database, clock, directories)
        self._author_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._card_checks = CardChecks(self._check_card, CARD_CHECK_GATHER_SECONDS)

    @property
    def reader_counts(self) -> dict[int, tuple[datetime, int | None]]:
        """The communities' reader counts last asked of the platforms, for the dispatcher to share."""
        return self._services.reader_counts

    # ----------------------------------------------------------------- a member's events (never raise)

    async def start(self, actor: Actor, payload: str | None = None) -> list[Response]:
        link = decode_link(payload or "")
        return await self._run(actor, lambda ctx: _open_link(ctx, link))

    async def text(self, actor: Actor, raw: str) -> list[Response]:
        return await self._run(actor, lambda ctx: writing.text(ctx, raw))

    async def write(self, actor: Actor, link: DeepLink, raw: str) -> list[Response]:
        """A text written in a form a deep link opened (a Discord modal): the preview of it, or why not."""
        return await self._run(actor, lambda ctx: _write(ctx, link, raw))

    async def may_open(self, actor: Actor, link: DeepLink) -> list[Response]:
        """Before a platform opens a form for a deep link (a Discord modal): nothing when it may open, else
        why not (a banned member is told before writing a whole reply)."""
        return await self._run(actor, lambda ctx: _may_open(ctx, link))

    async def press(self, actor: Actor, data: str, pressed: str | None = None) -> list[Response]:
        """A button pressed. ``pressed``: the ref of the message it is on, from a platform that can edit that
        message in the press's answer (Discord): a reaction on a card is then answered with the card."""
        action = decode_action(data)
        return await self._run(actor, lambda ctx: _press(ctx, action, pressed))

    async def command(self, actor: Actor, name: str, argument: str = "") -> list[Response]:
        features = self._features.get(actor.platform, commands.ALL_FEATURES)
        use_cases: dict[commands.Command, UseCase] = {
            commands.START: lambda ctx: _open_link(ctx, decode_link(argument)),
            commands.HELP: lambda ctx: [Say(OutgoingMessage(RichText.plain(commands.help_text(features))))],
            commands.MINE: mine.my_secrets,
            commands.LANGUAGE: language.menu,
            commands.PRIVACY: privacy.notice,
            commands.EXPORT: exporting.export,
            commands.FORGET: forgetting.ask,
            commands.CANCEL: writing.cancel_pending,
            commands.LATEST: lambda ctx: browsing.feed(ctx, Page(FeedKind.LATEST, 0), edit=False),
            commands.TOP: lambda ctx: browsing.feed(ctx, Page(FeedKind.TOP, 0), edit=False),
            commands.TOPICS: browsing.topics,
            commands.DIGEST: lambda ctx: browsing.digest_time(ctx, argument),
        }
        declared = commands.command_named(name, features, actor.platform)
        use_case = use_cases.get(declared) if declared is not None else None
        if use_case is None:
            return await self._run(actor, lambda ctx: say("error.unknown_command", command=name))
        return await self._run(actor, use_case)

    async def set_language(self, actor: Actor, locale: str) -> list[Response]:
        return await self._run(actor, lambda ctx: language.set_by_name(ctx, locale))

    async def picture(
        self, actor: Actor, data: bytes | None, caption: str, size: int = 0, link: PostLink | None = None
    ) -> list[Response]:
        """A photo with its caption in DM, or in a form a deep link opened (a Discord modal; ``data`` None
        when the platform's size is over the limit and it was not fetched): the preview of a photo secret,
        or why not."""
        return await self._run(actor, lambda ctx: writing.picture(ctx, data, caption, size, link))

    async def picture_not_fetched(self, actor: Actor) -> list[Response]:
        """A photo the platform would not hand over, even on a new try (its file server failing): the
        member is asked to send it again; nothing of it was kept."""
        return await self._run(actor, lambda ctx: say("picture.not_fetched"))

    async def not_text(self, actor: Actor) -> list[Response]:
        """A photo, sticker or file: only text is published for now; nothing is kept."""
        return await self._run(actor, lambda ctx: say("error.not_text"))

    async def audit(self, actor: Actor, chat_ref: str, page: str = "") -> list[Response]:
        return await self._run(actor, lambda ctx: audit.show(ctx, chat_ref, page))

    async def sanction(self, actor: Actor, chat_ref: str, name: str, argument: str = "") -> list[Response]:
        """A moderator's command typed in a community's chat or its moderators' chat (``/remove 12``,
        ``/ban 12 24h``, ``/unban 3``, ``/bans``, ``/words add TERM``)."""
        use_cases: dict[str, UseCase] = {
            commands.REMOVE.name: lambda ctx: sanctions.remove(ctx, chat_ref, argument),
            commands.BAN.name: lambda ctx: sanctions.ban(ctx, chat_ref, argument),
            commands.UNBAN.name: lambda ctx: sanctions.unban(ctx, chat_ref, argument),
            commands.BANS.name: lambda ctx: sanctions.bans(ctx, chat_ref),
            commands.WORDS.name: lambda ctx: words.manage(ctx, chat_ref, argument),
            commands.STATS.name: lambda ctx: stats.show(ctx, chat_ref),
        }
        use_case = use_cases.get(name.lower(), lambda ctx: say("error.unknown_command", command=name))
        return await self._run(actor, use_case)

    async def settings(self, actor: Actor, chat_ref: str) -> list[Response]:
        return await self._run(actor, lambda ctx: settings.show(ctx, chat_ref))

    async def choose_topic(self, actor: Actor, chat_ref: str, topic_ref: str | None) -> list[Response]:
        return await self._run(actor, lambda ctx: places.choose_topic(ctx, chat_ref, topic_ref))

    async def link_moderation_chat_as(
        self, actor: Actor, community_id: str, moderation_chat_ref: str
    ) -> list[Response]:
        return await self._run(
            actor, lambda ctx: moderating.link_moderation_chat(ctx, community_id, moderation_chat_ref)
        )

    async def member_joined(self, actor: Actor, chat_ref: str) -> None:
        async with self._db.unit_of_work() as uow:
            await communities.member_joined(self._context(uow, actor), chat_ref)
            await uow.commit()

    # ----------------------------------------------------------------- the platform's events

    async def register_community(
        self, platform: str, chat_ref: str, title: str, settings: CommunitySettings | None = None
    ) -> Community:
        async with self._db.unit_of_work() as uow:
            community = await communities.register(uow, self._services, platform, chat_ref, title, settings)
            await uow.commit()
        return community

    async def chat_moved(self, platform: str, old_chat_ref: str, new_chat_ref: str) -> None:
        async with self._db.unit_of_work() as uow:
            await communities.chat_moved(uow, platform, old_chat_ref, new_chat_ref)
            await uow.commit()

    async def answer_waiting(
        self,
        platform: str,
        address: str,
        locale: str | None,
        *,
        form: bool,
        kept: KeptForm | None = None,
    ) -> Told | None:
        """An interaction the platform shows as waiting ("thinking…") while the core works on it: in case its
        answer never goes out (the process stops first), the outbox answers it ``PENDING_ANSWER_AFTER`` later
        at ``address`` (where the platform still takes an answer, sealed for that entry), unless the
        answer shows first: ``told`` with what this returns. A form's text ``kept`` is answered with its
        preview (``kept_form``); a form's not kept (``form``), with a request to send it again. Never raises:
        None if it could not be queued (the member then waits as before)."""
        services = self._services
        tag = secrets.token_urlsafe(16)  # not the platform's id of the interaction (PendingAnswer.tag)
        sealed = services.sealer.seal(address, answer_context(platform, tag))
        answer = PendingAnswer(
            platform,
            tag,
            base64.b64encode(sealed).decode(),
            "answer.lost_form" if form and kept is None else "answer.lost",
            resolve_locale(locale),
            kept.sealed(services.sealer, tag) if kept is not None else "",
        )
        try:
            async with self._db.unit_of_work() as uow:
                await Outbox(uow, services.clock).add(answer, PENDING_ANSWER_AFTER)
                await uow.commit()
        except Exception as error:
            log.warning("a waiting interaction's answer could not be kept: %s", where(error))
            return None
        return Told(answer_key(platform, tag))

    async def kept_form(self, form: KeptForm) -> list[OutgoingMessage]:
        """A form kept while its interaction waited (``answer_waiting``), written again as its member: what
        the member is answered (the preview, which stores the draft, or why not)."""
        link = decode_link(form.link) if form.link else None
        if form.link and link is None:
            stale = t_on(form.actor.platform, resolve_locale(form.actor.locale_hint), "error.stale")
            return [OutgoingMessage(RichText.plain(stale))]
        if link is None:
            responses = await self.text(form.actor, form.text)
        else:
            responses = await self.write(form.actor, link, form.text)
        return [
            response.message if isinstance(response, Say) else OutgoingMessage(RichText.plain(response.text))
            for response in responses
            if isinstance(response, Say | Alert)
        ]

    async def still_waiting(self, told: Told) -> None:
        """The interaction that ``answer_waiting`` kept an answer for still waits on this process, at work on
        it: the kept answer is put off ``PENDING_ANSWER_AFTER`` again, so that it stands in only for a process
        that stopped, never beside a use case slower than that (a second preview, or "send it again" before
        the real answer). Never raises: if this fails, the kept answer may go out as before."""
        try:
            async with self._db.unit_of_work() as uow:
                await uow.outbox.put_off(told.dedupe_key, self._services.clock.now() + PENDING_ANSWER_AFTER)
                await uow.commit()
        except Exception as error:
            log.warning("a waiting interaction's kept answer could not be put off: %s", where(error))

    async def told(self, told: Told) -> None:
        """An answer that carried ``told`` showed to the member: what the outbox kept in case it would not is
        called off. Never raises: if this fails, the member is told twice, the lesser harm."""
        try:
            async with self._db.unit_of_work() as uow:
                await uow.outbox.call_off(told.dedupe_key)
                await uow.commit()
        except Exception as error:
            log.warning("an answer that showed could not be noted as told: %s", where(error))

    async def card_answered(self, answer: CardAnswer, shown: OutgoingMessage | None) -> None:
        """A press's answer that edited its card showed ``shown`` (None: it did not show). The card as it is
        now is read again once the answer is in: if it differs (another press was written in between, in
        this process or another, and its answer may have shown before this one), or nothing showed, the card
        is refreshed through the outbox; the held refresh is called off. Whichever edit the platform takes
        last, the card ends with the latest counts: every edit is checked this way once it is in. The answers
        on one card that come in while its check runs are checked together next (``CardChecks``). Never
        raises: if this fails, the held refresh edits the card a few seconds later."""
        await self._card_checks.answered(answer, shown)

    async def _check_card(
        self, secret_id: int, answers: Sequence[Answered], last: Sequence[OutgoingMessage | None]
    ) -> None:
        try:
            async with self._db.unit_of_work() as uow:
                now = await card_view.current_card(uow, secret_id)
                if now is not None and any(s is None or not card_view.same_card(now, s) for s in last):
                    await Outbox(uow, self._services.clock).add(CardRefresh(secret_id))
                for answer, _ in answers:
                    await uow.outbox.call_off_entry(answer.entry)
                await uow.commit()
        except Exception as error:
            log.warning("a card edited in a press's answer could not be checked: %s", where(error))

    async def deactivate_community(self, platform: str, chat_ref: str) -> None:
        async with self._db.unit_of_work() as uow:
            await communities.deactivate(uow, platform, chat_ref)
            await uow.commit()

    async def link_moderation_chat(
        self, platform: str, community_chat_ref: str, moderation_chat_ref: str
    ) -> bool:
        async with self._db.unit_of_work() as uow:
            linked = await communities.link_moderation_chat(
                uow, platform, community_chat_ref, moderation_chat_ref
            )
            await uow.commit()
        return linked

    async def link_discussion(self, platform: str, chat_ref: str, discussion_ref: str) -> bool:
        """``chat_ref``'s replies go to ``discussion_ref`` (a Telegram channel's discussion group)."""
        async with self._db.unit_of_work() as uow:
            linked = await places.link_discussion(uow, platform, chat_ref, discussion_ref)
            await uow.commit()
        return linked

    async def card_copied(
        self, platform: str, chat_ref: str, card_ref: str, discussion_ref: str, copy_ref: str
    ) -> None:
        """A card was copied into its community's discussion chat (Telegram's automatic forward)."""
        async with self._db.unit_of_work() as uow:
            await places.card_copied(uow, platform, chat_ref, card_ref, discussion_ref, copy_ref)
            await uow.commit()

    async def sweep(self) -> int:
        async with self._db.unit_of_work() as uow:
            erased = await communities.sweep(uow, self._services)
            await uow.commit()
        while True:  # removed texts, a bounded batch per unit of work
            async with self._db.unit_of_work() as uow:
                batch = await communities.erase_removed(uow, self._services)
                await uow.commit()
            erased += batch
            if batch == 0:
                break
        await self._db.checkpoint()
        return erased

    async def run_due_digests(self, grace: timedelta = digests.DEFAULT_GRACE) -> int:
        """Queue the daily digests whose time has come (communities' and members'); returns how many."""
        return await self._digest_runs.run_due(grace)

    # ----------------------------------------------------------------- plumbing

    def _context(self, uow: UnitOfWork, actor: Actor) -> Context:
        return Context(
            uow, actor, self._services.anonymizer.keys(actor.platform, actor.user_id), self._services
        )

    async def _run(self, actor: Actor, use_case: UseCase) -> list[Response]:
        """One use case in one unit of work and the member's language, committed once; a refusal becomes
        the member's message (what was saved before it is kept), a failure a message and a rollback. A unit
        of work the database refused for another's sake (``Contention``) runs again from the start."""
        keys = self._services.anonymizer.keys(actor.platform, actor.user_id)
        lock = self._author_locks.setdefault(keys.lock_id(), asyncio.Lock())
        try:
            # One event of a member at a time (platforms deliver some concurrently): a burst of taps
            # toggles exactly as often as it was tapped.
            async with lock:
                for attempt in range(1, CONTENTION_ATTEMPTS + 1):
                    try:
                        return await self._once(actor, keys, use_case)
                    except Contention:
                        if attempt == CONTENTION_ATTEMPTS:
                            raise
                        await asyncio.sleep(CONTENTION_PAUSE_SECONDS * attempt)
                raise AssertionError("unreachable")  # pragma: no cover
        except Exception as error:
            log.error("use case failed on %s: %s", actor.platform, where(error))
            return [Say(OutgoingMessage(RichText.plain(t("error.internal"))))]

    async def _once(self, actor: Actor, keys: PersonKeys, use_case: UseCase) -> list[Response]:
        async with self._db.unit_of_work() as uow:
            ctx = Context(uow, actor, keys, self._services)
            token = current_locale.set(
                resolve_locale(await self._services.stored_locale(uow, keys.preference()), actor.locale_hint)
            )
            on = current_platform.set(actor.platform)  # the platform's words ("channel", "group")
            try:
                try:
                    answer = use_case(ctx)
                    responses = await answer if not isinstance(answer, list) else answer
                except RefusedBriefly as refusal:
                    responses = [Alert(t(refusal.key, **refusal.params))]
                except Refused as refusal:
                    responses = say(refusal.key, **refusal.params)
                # the writes of what the platform said, and the digest address's daily renewal, once the
                # use case's platform calls and scoring are over: its transaction holds the database's one
                # writer (SQLite) from its first write to its commit, and other writers wait that long
                await ctx.pending.flush()
                await browsing.refresh_digest_address(ctx)
                await uow.commit()
                return responses + [make() for make in ctx.after_commit] if ctx.after_commit else responses
            finally:
                current_platform.reset(on)
                current_locale.reset(token)


async def _open_link(ctx: Context, link: DeepLink | None) -> list[Response]:
    """``/start``, with the payload of a deep link or none."""
    match link:
        case ReplyLink():
            return await writing.begin_reply(ctx, link)
        case ReportLink():
            return await reacting.begin_report(ctx, link)
        case ReportReplyLink():
            return await replies.begin_report(ctx, link)
        case SettingsLink():
            return await settings.open_link(ctx, link)
        case PostLink():
            await membership.verify_community(ctx, link.community)
    return say("start.welcome")


async def _may_open(ctx: Context, link: DeepLink) -> list[Response]:
    if isinstance(link, ReplyLink):
        return await writing.may_reply(ctx, link)
    return []


async def _write(ctx: Context, link: DeepLink, raw: str) -> list[Response]:
    match link:
        case ReplyLink():
            return await writing.reply_text(ctx, link, raw)
        case PostLink():
            return await writing.text_after_welcome(ctx, link, raw)
    raise RefusedBriefly("error.stale")


async def _press(ctx: Context, action: Action | None, pressed: str | None = None) -> list[Response]:
    match action:
        case ChooseCommunity():
            return await writing.choose_community(ctx, action)
        case ToggleWarning():
            return await writing.toggle_warning(ctx, action)
        case ToggleNotices():
            return await writing.toggle_notices(ctx, action)
        case StopNotices():
            return await notices.stop(ctx, action)
        case KeepNotices():
            return await notices.keep(ctx, action)
        case CycleTopic():
            return await writing.cycle_topic(ctx, action)
        case Cancel():
            return await writing.cancel(ctx, action)
        case Post() | PostWithoutCrown():
            return await posting.post(ctx, action)
        case React():
            return await reacting.react(ctx, action, pressed)
        case Report():
            return await reacting.report(ctx, action)
        case ReportReply():
            return await replies.report(ctx, action)
        case DeleteReply():
            return await replies.delete(ctx, action)
        case AskDelete():
            return await mine.ask_delete(ctx, action)
        case ConfirmDelete():
            return await mine.delete(ctx, action)
        case Forget():
            return await forgetting.choose(ctx, action)
        case KeepAll():
            return forgetting.keep(ctx, action)
        case ChooseLanguage():
            return await language.choose(ctx, action)
        case Page():
            return await browsing.feed(ctx, action)
        case ToggleSubscription():
            return await browsing.toggle_subscription(ctx, action)
        case DailyDigest():
            return await browsing.toggle_dm_digest(ctx, action)
        case StopDigest():
            return await browsing.stop_dm_digest(ctx)
        case KeepDigest():
            return await browsing.keep_dm_digest(ctx)
        case Moderate():
            return await moderating.operate(ctx, action)
        case RemoveFor():
            return await moderating.remove(ctx, action)
        case SettingsHome() | OpenSetting() | ChooseSetting() | ResetSetting():
            return await settings.press(ctx, action)
    raise RefusedBriefly("error.stale")
