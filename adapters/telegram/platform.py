"""The core's Messenger and Directory ports over a python-telegram-bot ``Bot``."""

from __future__ import annotations

import asyncio
from datetime import datetime

from telegram import Bot, InputFile, InputMediaPhoto, LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

from adapters.telegram.rate_limit import background
from adapters.telegram.render import keyboard, to_html
from bot.messages import ChatTarget, OutgoingMessage
from bot.ports import DeliveryError

MEMBER_STATUSES = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}
ADMIN_STATUSES = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR}
MAX_REMEMBERED_PHOTOS = 10_000
_GONE = ("chat not found", "bot was kicked", "bot is not a member", "group chat was deactivated")
# The bot is still in the chat but an admin took a right away: sending text or photos in a group
# ("not enough rights to send text messages to the chat", "... photos ..."; older servers: "have no rights
# to send a message", CHAT_WRITE_FORBIDDEN), posting in a channel it is no longer admin of, a closed topic.
_MISSING_RIGHT = (
    "not enough rights",
    "have no rights",
    "chat_write_forbidden",
    "need administrator rights",
    "chat_admin_required",
    "topic_closed",
)
MISSING_RIGHT_RETRY = 60.0  # seconds, where the core doesn't make the message wait itself


def as_delivery_error(error: TelegramError) -> DeliveryError:
    if isinstance(error, RetryAfter):
        seconds = error.retry_after
        retry = seconds.total_seconds() if hasattr(seconds, "total_seconds") else float(seconds)
        return DeliveryError("flood control", retry_after=retry)
    text = error.message.lower()
    if isinstance(error, Forbidden | BadRequest) and any(marker in text for marker in _MISSING_RIGHT):
        return DeliveryError("a right is missing", retry_after=MISSING_RIGHT_RETRY, missing_right=True)
    if isinstance(error, Forbidden):
        return DeliveryError("forbidden", permanent=True, chat_gone=True)
    if isinstance(error, BadRequest):
        # A bad request fails the same way when retried. Only its kind is kept: its text may quote content.
        gone = any(marker in text for marker in _GONE)
        return DeliveryError("bad request", permanent=True, chat_gone=gone)
    if isinstance(error, ChatMigrated):
        return DeliveryError("chat migrated", permanent=True, chat_gone=True)
    if isinstance(error, NetworkError):
        return DeliveryError("network")
    return DeliveryError(type(error).__name__)


async def send_to(
    bot: Bot,
    chat_id: int,
    message: OutgoingMessage,
    reply: ReplyParameters | None = None,
    *,
    topic: int | None = None,
) -> Message:
    """A message, or a document or a photo with the message as its caption, escaped as HTML, with no link
    preview; in a forum, in ``topic`` (None: the main one)."""
    if message.picture is not None:
        return await bot.send_photo(
            chat_id=chat_id,
            photo=InputFile(message.picture.data, filename=message.picture.name),
            caption=to_html(message.text),
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(message, bot.username),
            reply_parameters=reply,
            has_spoiler=message.picture.spoiler,
            message_thread_id=topic,
        )
    if message.document is not None:
        return await bot.send_document(
            chat_id=chat_id,
            document=InputFile(message.document.content, filename=message.document.name),
            caption=to_html(message.text),
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(message, bot.username),
            reply_parameters=reply,
            message_thread_id=topic,
        )
    return await bot.send_message(
        chat_id=chat_id,
        text=to_html(message.text),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(message, bot.username),
        reply_parameters=reply,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        message_thread_id=topic,
    )


class TelegramMessenger:
    def __init__(self, bot: Bot) -> None:
        self._bot = bot
        # the photo each photo message shows (its file name), so that an edit re-uploads only a new photo
        self._shown: dict[tuple[str, str], str] = {}

    async def send(self, target: ChatTarget, message: OutgoingMessage) -> str:
        reply = None
        if target.reply_to is not None:
            reply = ReplyParameters(message_id=int(target.reply_to), allow_sending_without_reply=True)
        picture = message.picture
        try:
            topic = int(target.topic_ref) if target.topic_ref else None
            with background():  # the outbox's: answers to members go first
                sent = await send_to(self._bot, int(target.chat_ref), message, reply, topic=topic)
            if picture is not None:
                self._remember(target.chat_ref, str(sent.message_id), picture.name)
        except TelegramError as error:
            raise as_delivery_error(error) from None
        return str(sent.message_id)

    def _remember(self, chat_ref: str, message_ref: str, name: str) -> None:
        if len(self._shown) >= MAX_REMEMBERED_PHOTOS:
            self._shown.clear()  # forgotten photos are uploaded again at their next edit: nothing lost
        self._shown[(chat_ref, message_ref)] = name

    async def _edit_photo(self, target: ChatTarget, message_ref: str, message: OutgoingMessage) -> None:
        """A photo message: its caption edited, or its photo replaced when another one is shown (a card
        hidden shows a placeholder instead, a card restored its photo again)."""
        picture = message.picture
        assert picture is not None
        chat_id, message_id = int(target.chat_ref), int(message_ref)
        markup = keyboard(message, self._bot.username)
        if self._shown.get((target.chat_ref, message_ref)) == picture.name:
            await self._bot.edit_message_caption(
                chat_id=chat_id,
                message_id=message_id,
                caption=to_html(message.text),
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
            return
        media = InputMediaPhoto(
            InputFile(picture.data, filename=picture.name, attach=True),
            caption=to_html(message.text),
            parse_mode=ParseMode.HTML,
            has_spoiler=picture.spoiler,
        )
        await self._bot.edit_message_media(media, chat_id=chat_id, message_id=message_id, reply_markup=markup)
        self._remember(target.chat_ref, message_ref, picture.name)

    async def edit(self, target: ChatTarget, message_ref: str, message: OutgoingMessage) -> None:
        try:
            with background():
                if message.picture is not None:
                    await self._edit_photo(target, message_ref, message)
                    return
                await self._bot.edit_message_text(
                    chat_id=int(target.chat_ref),
                    message_id=int(message_ref),
                    text=to_html(message.text),
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard(message, self._bot.username),
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
        except BadRequest as error:
            if "message is not modified" in error.message.lower():
                return  # the card already shows this: nothing to do
            raise as_delivery_error(error) from None
        except TelegramError as error:
            raise as_delivery_error(error) from None


class TelegramDirectory:
    """Membership and admin rights as Telegram says them now (``getChatMember``)."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def _status(self, chat_ref: str, user_id: str) -> str | None:
        try:
            member = await self._bot.get_chat_member(chat_id=int(chat_ref), user_id=int(user_id))
        except (BadRequest, Forbidden):  # a definite no: no such member, or the bot is not in the chat
            return None
        # other errors (network, flood, migrated chat) propagate: "unknown" is not "not a member"
        if member.status == ChatMemberStatus.RESTRICTED and getattr(member, "is_member", False):
            return ChatMemberStatus.MEMBER
        return member.status

    async def is_member(self, chat_ref: str, user_id: str) -> bool:
        return await self._status(chat_ref, user_id) in MEMBER_STATUSES

    async def is_admin(self, chat_ref: str, user_id: str) -> bool:
        return await self._status(chat_ref, user_id) in ADMIN_STATUSES

    async def joined_at(self, chat_ref: str, user_id: str) -> datetime | None:
        return None  # Telegram doesn't say when a member joined: the core counts from its first sight

    async def reader_count(self, chat_ref: str) -> int | None:
        """Telegram's member count, less the bots it lets the bot see: itself and the bots among the
        admins (bots that are plain members can't be listed). A network error is "unknown", not 0. Both are
        asked at once (one round trip, not two)."""
        chat_id = int(chat_ref)
        members, admins = await asyncio.gather(
            self._bot.get_chat_member_count(chat_id=chat_id),
            self._bot.get_chat_administrators(chat_id=chat_id),
            return_exceptions=True,
        )
        failed = [answer for answer in (members, admins) if isinstance(answer, BaseException)]
        if any(isinstance(error, BadRequest | Forbidden) for error in failed):
            return 0  # no such chat, or the bot is out of it: nobody reads it through us
        for error in failed:
            if not isinstance(error, TelegramError):
                raise error
        if isinstance(members, BaseException) or isinstance(admins, BaseException):
            return None  # a network error, a flood wait: unknown
        other_bots = sum(1 for admin in admins if admin.user.is_bot and admin.user.id != self._bot.id)
        return max(0, members - 1 - other_bots)

    async def admin_chats(self, chat_ref: str) -> list[str]:
        """The group's human admins' private chats (a user's is their id): the bot can write to those who
        opened it, the others refuse, which the core expects."""
        try:
            admins = await self._bot.get_chat_administrators(chat_id=int(chat_ref))
        except TelegramError:
            return []
        return [str(admin.user.id) for admin in admins if not admin.user.is_bot]

    async def only_admins_read(self, moderators_chat_ref: str, community_chat_ref: str) -> bool | None:
        """Whether everyone in the moderators' chat is an admin of the community. Telegram lists a group's
        admins, not its members: the moderators' chat's people (its count less the bot and the bots among
        its admins) must all be found among the community's human admins present there. A bot that is a
        plain member can't be listed: it counts as someone who isn't an admin."""
        try:
            count = await self._bot.get_chat_member_count(chat_id=int(moderators_chat_ref))
            their_admins = await self._bot.get_chat_administrators(chat_id=int(moderators_chat_ref))
            community_admins = await self._bot.get_chat_administrators(chat_id=int(community_chat_ref))
            people = count - 1 - sum(1 for a in their_admins if a.user.is_bot and a.user.id != self._bot.id)
            present = 0
            for admin in community_admins:
                if not admin.user.is_bot and await self.is_member(moderators_chat_ref, str(admin.user.id)):
                    present += 1
        except (BadRequest, Forbidden):  # the bot is out of one of them: the queue can't go there
            return False
        except TelegramError:
            return None
        return people <= present
