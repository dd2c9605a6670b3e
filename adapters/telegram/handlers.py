"""Telegram updates in, the core's use cases called, its answers sent back. Nothing else."""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Awaitable, Callable

from telegram import (
    Bot,
    CallbackQuery,
    Chat,
    ChatMember,
    Document,
    LinkPreviewOptions,
    Message,
    MessageOriginChannel,
    PhotoSize,
    Update,
    User,
)
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    filters,
)

from adapters.telegram.platform import send_to
from adapters.telegram.rate_limit import FLOOD_MARGIN, flood_seconds
from adapters.telegram.render import keyboard, to_html
from adapters.telegram.retry import retried, transient
from adapters.telegram.updates import MemberOrderedUpdates
from bot import commands, pictures
from bot.actions import decode_action
from bot.actor import Actor
from bot.commands import Feature, Place, commands_for
from bot.i18n import resolve_locale, t_in
from bot.logsafe import where
from bot.messages import Alert, EditPressed, OutgoingMessage, Response, RichText, Say
from bot.service import Murmure

PLATFORM = "telegram"
# links open the bot with /start; a reply is typed as the next message; /linkmods in the moderators' group;
# /topic in a forum's topic
FEATURES = frozenset({Feature.START_LINKS, Feature.TYPED_REPLIES, Feature.LINK_COMMAND, Feature.FORUM_TOPICS})
ALERT_LIMIT = 200
# A press's use case has this long after the press reached the bot to give its answer (an alert) before the
# press is answered without it (Telegram's clients show the spinner until then; members expect it gone within
# 3 s). It counts from the press's arrival, before it waits for its member's earlier updates to be handled.
PRESS_BUDGET = 1.0
# The answer (answerCallbackQuery) is tried until this long after the press reached the bot: Telegram
# refuses it after ~15 s. A late answer still stops the member's spinner: under faults the hedged tries
# answer within the 3 s members expect; what takes longer is a starved process (a restart on a loaded
# machine), where giving up sooner would leave the press unanswered rather than answered late.
ANSWER_GIVE_UP = 12.0
ANSWER_HEDGE = 0.3  # a try with no reply after this (Telegram answers in ~0.1 s): another goes beside it
ANSWER_PAUSE = 0.05  # after a try that failed at once (a 5xx): the next one
ANSWER_TRIES_AT_ONCE = 3
PRESSES_KEPT = 4_096  # presses arrived and not yet handled, at most (the oldest are forgotten past it)
_PRESENT = {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


def _present(member: ChatMember) -> bool:
    """In the chat: a bot an admin restricted (took a right from) is still in it, not removed."""
    if member.status == ChatMemberStatus.RESTRICTED:
        return bool(getattr(member, "is_member", False))
    return member.status in _PRESENT


_ADMINS = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}
START_HINT_EVERY = 600.0  # seconds: the most often a group sees "open my DM first" (to an admin)
HINTS_KEPT = 1_024

log = logging.getLogger(__name__)


def _edits_group_message(data: str | None) -> bool:
    action = decode_action(data or "")
    return action is not None and action.edits_group_message


def topic_of(message: Message | None) -> int | None:
    """The forum topic a message was written in (None: the main one, or no forum)."""
    if message is None or not message.is_topic_message:
        return None
    return message.message_thread_id


async def linked_chat(bot: Bot, chat_id: int) -> int | None:
    """A channel's discussion group, or the channel of a discussion group (``getChat``)."""
    try:
        return (await bot.get_chat(chat_id)).linked_chat_id
    except TelegramError:
        return None  # unknown now: an automatic forward will tell


async def _downloaded(media: PhotoSize | Document) -> bytes:
    """A photo's bytes from Telegram's file server (``getFile``, then the file itself)."""
    return bytes(await (await media.get_file()).download_as_bytearray())


def actor_of(user: User) -> Actor:
    # A private chat's id is the user's id: the core seals it, never stores it in the clear.
    return Actor(PLATFORM, str(user.id), str(user.id), user.language_code)


class _Press:
    """A button press from the moment it reached the bot: answered by its handler with what its use case says
    (an alert), or without it once ``PRESS_BUDGET`` has passed (``early``), whether its use case is slow or
    the press still waits for its member's earlier updates to be handled."""

    __slots__ = ("early", "received", "timer")

    def __init__(self, received: float) -> None:
        self.received = received
        self.early = False
        self.timer: asyncio.TimerHandle | None = None

    def in_time(self) -> bool:
        """The handler answers it (the early answer is called off), unless the early answer has started."""
        if self.timer is not None:
            self.timer.cancel()
        return not self.early


class TelegramHandlers:
    def __init__(self, service: Murmure) -> None:
        self._service = service
        # what a press sends after its answer goes out in the order of the presses, one chat at a time
        self._chat_order: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        self._hinted: dict[int, float] = {}  # group -> when it last saw the "open my DM" hint
        self._presses: dict[str, _Press] = {}  # callback query id -> its press, arrived and not yet handled
        self._answering: set[asyncio.Future[None]] = set()  # presses answered early, their answers on the way
        self._bot: ExtBot[int] | None = None

    def install(self, application: Application) -> None:  # type: ignore[type-arg]
        self._bot = application.bot
        processor = application.update_processor
        if isinstance(processor, MemberOrderedUpdates):
            processor.on_arrival = self.arrived
        private = filters.ChatType.PRIVATE
        application.add_handler(ChatMemberHandler(self.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
        application.add_handler(CommandHandler(commands.START.name, self.on_start, filters=private))
        routed = [c.name for c in commands_for(Place.PRIVATE, FEATURES) if c is not commands.START]
        application.add_handler(CommandHandler(routed, self.on_command, filters=private))
        groups = filters.ChatType.GROUPS
        in_groups = {
            commands.LINK_MODERATORS: self.on_link_moderators,
            commands.TOPIC: self.on_topic,
            commands.SETTINGS: self.on_settings,
            commands.AUDIT: self.on_audit,
            **dict.fromkeys(commands.SANCTIONS, self.on_sanction),
        }
        for command in commands_for(Place.GROUP, FEATURES) + commands_for(Place.ADMIN, FEATURES):
            application.add_handler(CommandHandler(command.name, in_groups[command], filters=groups))
        application.add_handler(
            MessageHandler(groups & filters.StatusUpdate.NEW_CHAT_MEMBERS, self.on_joined)
        )
        application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, self.on_migrated))
        application.add_handler(MessageHandler(groups & filters.IS_AUTOMATIC_FORWARD, self.on_card_copied))
        application.add_handler(MessageHandler(private & filters.COMMAND, self.on_command))
        application.add_handler(MessageHandler(private & filters.TEXT, self.on_text))
        photos = filters.PHOTO | filters.Document.IMAGE
        application.add_handler(MessageHandler(private & photos, self.on_photo))
        application.add_handler(MessageHandler(private & ~filters.TEXT, self.on_not_text))
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_error_handler(self.on_error)

    async def _reply(
        self, chat: Chat, bot_username: str, responses: list[Response], topic: int | None = None
    ) -> None:
        """Answers in the chat of the event (in a forum, in the topic it was written in)."""
        for response in responses:
            if isinstance(response, Say | EditPressed):
                await self._send(chat, bot_username, response.message, topic)
            elif isinstance(response, Alert):
                await self._send(chat, bot_username, OutgoingMessage(RichText.plain(response.text)), topic)

    @staticmethod
    async def _send(
        chat: Chat, bot_username: str, message: OutgoingMessage, topic: int | None = None
    ) -> None:
        await retried(lambda: send_to(chat.get_bot(), chat.id, message, topic=topic))

    async def on_my_chat_member(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The bot added to a group or channel: a community; to a channel's discussion group: where that
        channel's replies go (not a community of its own). Removed: the community is inactive."""
        change = update.my_chat_member
        if change is None or change.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP, ChatType.CHANNEL):
            return
        was, now = _present(change.old_chat_member), _present(change.new_chat_member)
        chat_ref = str(change.chat.id)
        if now and not was:
            linked = await linked_chat(context.bot, change.chat.id)
            if change.chat.type == ChatType.CHANNEL:
                await self._service.register_community(PLATFORM, chat_ref, change.chat.title or "")
                if linked is not None:
                    await self._service.link_discussion(PLATFORM, chat_ref, str(linked))
            elif linked is not None:  # a channel's discussion group: the channel's comments go there
                await self._service.link_discussion(PLATFORM, str(linked), chat_ref)
            else:
                await self._service.register_community(PLATFORM, chat_ref, change.chat.title or "")
        elif was and not now:
            await self._service.deactivate_community(PLATFORM, chat_ref)

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_user is None or update.effective_chat is None:
            return
        payload = context.args[0] if context.args else None
        responses = await self._service.start(actor_of(update.effective_user), payload)
        await self._reply(update.effective_chat, context.bot.username, responses)

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if (
            update.effective_user is None
            or update.effective_chat is None
            or message is None
            or not message.text
        ):
            return
        name = message.text.split()[0].lstrip("/").split("@")[0]
        argument = " ".join(context.args or [])
        responses = await self._service.command(actor_of(update.effective_user), name, argument)
        await self._reply(update.effective_chat, context.bot.username, responses)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if update.effective_user is None or update.effective_chat is None or message is None:
            return
        responses = await self._service.text(actor_of(update.effective_user), message.text or "")
        await self._reply(update.effective_chat, context.bot.username, responses)

    async def on_not_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_user is None or update.effective_chat is None:
            return
        responses = await self._service.not_text(actor_of(update.effective_user))
        await self._reply(update.effective_chat, context.bot.username, responses)

    async def on_photo(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A photo (or an image sent as a file) with its caption: fetched when within the size limit, then
        re-encoded by the core; never forwarded."""
        message = update.effective_message
        if update.effective_user is None or update.effective_chat is None or message is None:
            return
        media = message.photo[-1] if message.photo else message.document
        if media is None:
            return
        size = media.file_size or 0
        actor = actor_of(update.effective_user)
        data: bytes | None = None
        try:
            if size <= pictures.MAX_BYTES:
                data = await retried(lambda: _downloaded(media))
        except TelegramError as error:  # the file server still failing, or the file gone meanwhile
            log.warning("a photo could not be fetched: %s", where(error))
            responses = await self._service.picture_not_fetched(actor)
        else:
            responses = await self._service.picture(actor, data, message.caption or "", size)
        await self._reply(update.effective_chat, context.bot.username, responses)

    async def on_link_moderators(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/linkmods COMMUNITY_ID`` in the moderators' group, by an admin of that community."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        if chat.username:  # a public group: anyone could read the queue
            text = t_in(resolve_locale(user.language_code), "moderation.link_not_here")
            await self._in_group(update, context, [Say(OutgoingMessage(RichText.plain(text)))])
            return
        responses = await self._service.link_moderation_chat_as(
            actor_of(user), " ".join(context.args or []), str(chat.id)
        )
        await self._in_group(update, context, responses)

    async def on_joined(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        for member in message.new_chat_members or ():
            if not member.is_bot:
                await self._service.member_joined(actor_of(member), str(chat.id))

    async def on_card_copied(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Telegram forwarded a channel's post to its discussion group: if it is a card, its comments are
        replies to that copy."""
        message = update.effective_message
        origin = message.forward_origin if message is not None else None
        if message is None or not isinstance(origin, MessageOriginChannel):
            return
        await self._service.card_copied(
            PLATFORM,
            str(origin.chat.id),
            str(origin.message_id),
            str(message.chat.id),
            str(message.message_id),
        )

    async def on_topic(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/topic`` in a forum's topic, by an admin: the community's cards go there (answered in DM)."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        topic = topic_of(update.effective_message)
        responses = await self._service.choose_topic(
            actor_of(user), str(chat.id), str(topic) if topic is not None else None
        )
        await self._in_group(update, context, responses)

    async def on_migrated(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A group became a supergroup, with a new id: the community (or moderators' chat) follows it."""
        message = update.effective_message
        if message is None:
            return
        if message.migrate_to_chat_id:
            old, new = message.chat.id, message.migrate_to_chat_id
        elif message.migrate_from_chat_id:
            old, new = message.migrate_from_chat_id, message.chat.id
        else:
            return
        await self._service.chat_moved(PLATFORM, str(old), str(new))

    async def on_settings(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Typed in the group (or its moderators'), answered only in the asker's DM: the panel for its admins,
        the refusal for anyone else (``_in_group``): the welcome's Settings button opens it there too."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        await self._in_group(update, context, await self._service.settings(actor_of(user), str(chat.id)))

    async def on_audit(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Asked in the group, answered in the asker's DM: the log is for its admins only."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        page = " ".join(context.args or [])
        await self._in_group(update, context, await self._service.audit(actor_of(user), str(chat.id), page))

    async def on_sanction(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/remove 12``, ``/ban 12 24h``, ``/unban 3``, ``/bans`` in a community's or its moderators' chat,
        by its admins: answered in the asker's DM (the group sees the card change, not the answer)."""
        chat, user, message = update.effective_chat, update.effective_user, update.effective_message
        if chat is None or user is None or message is None or not message.text:
            return
        name = message.text.split()[0].lstrip("/").split("@")[0]
        argument = " ".join(context.args or [])
        responses = await self._service.sanction(actor_of(user), str(chat.id), name, argument)
        await self._in_group(update, context, responses)

    async def _in_group(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, responses: list[Response]
    ) -> None:
        """The answers to a command typed in a group go to the typer's DM, never to the group: a member
        typing commands there must not make the bot write in it, nor spend its rate limit. Only an answer
        meant for the whole chat (``to_chat``) goes there. If the typer never opened the bot's DM, an admin
        of the group gets one hint there, at most every few minutes per group; anyone else gets nothing."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        try:
            for response in responses:
                if isinstance(response, Say) and response.to_chat:  # in the forum topic it was asked in
                    await self._send(
                        chat, context.bot.username, response.message, topic_of(update.effective_message)
                    )
                elif isinstance(response, Say):  # a file (/stats's chart) as a document, as drawn
                    await self._send_private(user.id, response.message, context)()
        except Forbidden:
            await self._hint_start(chat, user, context, topic_of(update.effective_message))

    async def _hint_start(
        self, chat: Chat, user: User, context: ContextTypes.DEFAULT_TYPE, topic: int | None
    ) -> None:
        now = time.monotonic()
        last = self._hinted.get(chat.id)
        if last is not None and now - last < START_HINT_EVERY:
            return
        try:
            member = await context.bot.get_chat_member(chat.id, user.id)
        except TelegramError:
            return
        if member.status not in _ADMINS:
            return
        if len(self._hinted) >= HINTS_KEPT:
            self._hinted.clear()
        self._hinted[chat.id] = now
        await chat.send_message(
            t_in(resolve_locale(user.language_code), "audit.start_me"), message_thread_id=topic
        )

    def arrived(self, update: object) -> None:
        """An update arrived (before waiting for its member's earlier ones): a press's clock starts."""
        if isinstance(update, Update) and update.callback_query is not None:
            if len(self._presses) >= PRESSES_KEPT:  # presses whose handler never ran (a stop): the oldest go
                for old in list(self._presses)[: PRESSES_KEPT // 4]:
                    del self._presses[old]
            self._presses[update.callback_query.id] = self._start(update.callback_query)

    def _start(self, query: CallbackQuery) -> _Press:
        press = _Press(time.monotonic())
        press.timer = asyncio.get_running_loop().call_later(PRESS_BUDGET, self._answer_early, query, press)
        return press

    def _answer_early(self, query: CallbackQuery, press: _Press) -> None:
        """``PRESS_BUDGET`` passed and the press's use case gave no answer yet: it is answered now, within
        Telegram's deadline and the member's patience, and what it did follows."""
        press.early = True
        # held here until done: the loop holds tasks weakly, and nothing else waits for this one
        answering = asyncio.ensure_future(self._answer(query.id, None, press.received))
        self._answering.add(answering)
        answering.add_done_callback(self._answering.discard)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        # its clock started as it arrived, or now (an update processor that does not tell arrivals)
        press = self._presses.pop(query.id, None) or self._start(query)
        try:
            responses = await self._service.press(actor_of(query.from_user), query.data or "")
        except BaseException:
            if press.in_time():  # every callback query is answered, even after a failure
                await self._answer(query.id, None, press.received)
            raise
        early = not press.in_time()
        alert: str | None = None
        then: list[Callable[[], Awaitable[None]]] = []
        for response in responses:
            if isinstance(response, Alert):
                alert = response.text[:ALERT_LIMIT]
            elif isinstance(response, EditPressed) and query.message is not None:
                if query.message.chat.type != ChatType.PRIVATE and not _edits_group_message(query.data):
                    # forged data on a group message: never turn a public card into a private answer
                    alert = t_in(resolve_locale(query.from_user.language_code), "error.stale")
                    continue
                photo = bool(getattr(query.message, "photo", None))
                then.append(
                    self._edit(query.message.chat.id, query.message.message_id, response, context, photo)
                )
            elif isinstance(response, Say):
                # Private answers to a press go to the member's DM, never to the group.
                then.append(self._send_private(query.from_user.id, response.message, context))
        if early:
            if (
                alert is not None
                and query.message is not None
                and query.message.chat.type == ChatType.PRIVATE
            ):
                # too late for the press's answer: in the member's DM, it is said as a message instead
                said = OutgoingMessage(RichText.plain(alert))
                then.insert(0, self._send_private(query.from_user.id, said, context))
        else:
            # Answered before anything goes out: edits and sends wait behind Telegram's rate limits (20 a
            # minute in a group), and a press left spinning for ~15 s can no longer be answered. What the
            # press did goes out even if the answer didn't (a preview turned into "Sent!" is how its author
            # learns the secret was accepted).
            await self._answer(query.id, alert, press.received)
        if then:
            chat_id = query.message.chat.id if query.message is not None else query.from_user.id
            context.application.create_task(self._in_order(chat_id, then), update=update)

    async def _answer(self, query_id: str, alert: str | None, received: float) -> None:
        """The press answered within seconds while Telegram fails: a try with no reply after
        ``ANSWER_HEDGE`` gets another beside it (a hanging request must not spend the member's 3 seconds),
        one that failed at once (a 5xx) is tried again after ``ANSWER_PAUSE``, and a flood wait holds back
        this press's tries only (the rate limiter's pause is this press's too). The first success ends it;
        so does "query is too old": another try reached Telegram though its reply was lost, or the press was
        handled too late to be answered (it waited through a restart or an outage). ``ANSWER_GIVE_UP`` after
        the press arrived, it is given up (the member can press again). A failure to answer is logged, not
        raised, so that what the press did still goes out."""
        assert self._bot is not None
        bot = self._bot
        deadline = received + ANSWER_GIVE_UP
        tries: set[asyncio.Future[bool]] = set()
        next_try = time.monotonic()  # when the next try may go
        try:
            while True:
                now = time.monotonic()
                if now >= deadline or (not tries and next_try >= deadline):
                    log.warning("a button press could not be answered in time; given up")
                    return
                if len(tries) < ANSWER_TRIES_AT_ONCE and now >= next_try:
                    # the rate limiter does not retry it: a flood wait comes back here at once
                    tries.add(
                        asyncio.ensure_future(
                            bot.answer_callback_query(query_id, text=alert, rate_limit_args=0)
                        )
                    )
                    next_try = now + ANSWER_HEDGE
                until = deadline if len(tries) >= ANSWER_TRIES_AT_ONCE else min(next_try, deadline)
                if not tries:  # a flood wait or a failed try's pause, none on its way
                    await asyncio.sleep(max(0.0, until - now))
                    continue
                done, tries = await asyncio.wait(
                    tries, timeout=max(0.0, until - now), return_when=asyncio.FIRST_COMPLETED
                )
                errors = [task.exception() for task in done]  # each one read: none left unretrieved
                failed = [error for error in errors if error is not None]
                if len(failed) < len(errors):
                    return
                for error in failed:
                    if isinstance(error, RetryAfter):
                        next_try = max(next_try, time.monotonic() + flood_seconds(error) + FLOOD_MARGIN)
                    elif isinstance(error, BadRequest) and "query is too old" in error.message.lower():
                        log.info("a button press was answered already, or too late (query too old)")
                        return
                    elif transient(error):
                        next_try = min(next_try, time.monotonic() + ANSWER_PAUSE)
                    else:
                        log.warning("a button press could not be answered: %s", where(error))
                        return
                    log.info("a button press's answer failed for a moment, trying again: %s", where(error))
        finally:
            for task in tries:
                task.cancel()

    async def _in_order(self, chat_id: int, steps: list[Callable[[], Awaitable[None]]]) -> None:
        lock = self._chat_order.get(chat_id)
        if lock is None:
            lock = self._chat_order[chat_id] = asyncio.Lock()
        async with lock:
            for step in steps:
                await step()

    def _edit(
        self,
        chat_id: int,
        message_id: int,
        response: EditPressed,
        context: ContextTypes.DEFAULT_TYPE,
        photo: bool = False,
    ) -> Callable[[], Awaitable[None]]:
        async def edit() -> None:
            await self._edit_pressed(chat_id, message_id, response.message, context, photo)
            if response.told is not None:
                await self._service.told(response.told)

        return edit

    @staticmethod
    def _send_private(
        user_id: int, message: OutgoingMessage, context: ContextTypes.DEFAULT_TYPE
    ) -> Callable[[], Awaitable[None]]:
        async def send() -> None:
            await retried(lambda: send_to(context.bot, user_id, message))

        return send

    @staticmethod
    async def _edit_pressed(
        chat_id: int,
        message_id: int,
        message: OutgoingMessage,
        context: ContextTypes.DEFAULT_TYPE,
        photo: bool = False,
    ) -> None:
        """The pressed message edited (retried); a photo message keeps its photo and gets the text as its
        caption. If Telegram keeps failing in a private chat, the answer is sent as a new message instead,
        so that a member always learns what their press did ("Sent!")."""

        async def edit() -> None:
            try:
                if photo:
                    await context.bot.edit_message_caption(
                        chat_id=chat_id,
                        message_id=message_id,
                        caption=to_html(message.text),
                        parse_mode=ParseMode.HTML,
                        reply_markup=keyboard(message, context.bot.username),
                    )
                    return
                await context.bot.edit_message_text(
                    to_html(message.text),
                    chat_id=chat_id,
                    message_id=message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard(message, context.bot.username),
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
            except BadRequest as error:
                if "message is not modified" not in error.message.lower():
                    raise

        try:
            await retried(edit)
        except NetworkError as error:
            if chat_id < 0 or not transient(error):
                raise
            await retried(lambda: send_to(context.bot, chat_id, message))

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        # The kind of failure only: a Telegram error's text can quote the update.
        log.error("telegram update failed: %s", where(error) if error is not None else "unknown")
