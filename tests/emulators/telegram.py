"""A strict local emulator of the Telegram Bot API, for driving the real python-telegram-bot offline.

Usage::

    async with TelegramEmulator() as tg:
        app = (
            ApplicationBuilder()
            .token(tg.token)
            .base_url(tg.base_url)
            .base_file_url(tg.base_file_url)
            .build()
        )
        tg.add_user(1001, "Alice")
        await app.initialize()                      # calls getMe
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await tg.user_sends(1001, 1001, "/start")
        await tg.wait_for_request("sendMessage")
        ...
        await app.updater.stop()                    # then app.stop(), then app.shutdown()
        await app.stop()
        await app.shutdown()

What we had to find out about PTB 22 (read from its source, verified by the tests beside this file):

* URL building (``telegram/_bot.py``): ``Bot._base_url = base_url + token`` unless ``base_url``
  contains ``{token}``/``{bot_token}`` (then it is formatted) or is a callable of the token; each
  call posts to ``f"{_base_url}/{endpoint}"``. So ``base_url("http://127.0.0.1:PORT/bot")`` gives
  ``http://127.0.0.1:PORT/bot<TOKEN>/sendMessage``; ``base_file_url`` is built the same way.
  The endpoint is Telegram's camelCase name (``getUpdates``, ``sendMessage``).
* Parameter encoding (``request/_requestparameter.py``, ``_requestdata.py``, ``_httpxrequest.py``):
  every call is an HTTP ``POST`` whose body is ``application/x-www-form-urlencoded`` (or
  ``multipart/form-data`` when files are uploaded). ``None`` values are dropped; ``str`` values are
  sent as they are; everything else is ``json.dumps``-ed, so ints arrive as ``"123"``, booleans as
  ``"true"``, datetimes as unix timestamps and nested objects (``reply_markup``,
  ``reply_parameters``, ``entities``, ``allowed_updates``, ``commands``, ``scope``,
  ``link_preview_options``) as JSON strings. PTB 22 never sends ``reply_to_message_id``: it wraps it
  in ``reply_parameters={"message_id": N}``. Telegram also accepts a JSON body and query strings, so
  the emulator parses all three.
* Errors (``request/_baserequest.py``): PTB reads the HTTP status, not ``error_code``: 400 ->
  ``BadRequest``, 403 -> ``Forbidden``, 401/404 -> ``InvalidToken`` (so an unknown method shows up
  as ``InvalidToken``, not ``BadRequest``), 409 -> ``Conflict``, anything else -> ``NetworkError``.
  A ``parameters.retry_after`` turns any status into ``RetryAfter`` and
  ``parameters.migrate_to_chat_id`` into ``ChatMigrated``. The exception's message is the
  ``description`` after PTB's own clean-up: a leading ``"Bad Request: "`` is removed and the rest
  is ``str.capitalize()``-d (everything after the first letter lower-cased!), so
  ``"Bad Request: can't parse entities: Unsupported start tag"`` becomes
  ``"Can't parse entities: unsupported start tag"``; ``"Forbidden: ..."`` is kept as it is. Error
  codes suffer too: ``BUTTON_DATA_INVALID`` arrives as ``"Button_data_invalid"``. Match
  case-insensitively (``match=r"(?i)message is not modified"``).
* ``RetryAfter.retry_after`` (and other duration attributes) emit ``PTBDeprecationWarning`` on
  access unless the environment has ``PTB_TIMEDELTA=true`` (read at each access; then they are
  ``datetime.timedelta``). With ``filterwarnings = error`` set it with ``monkeypatch.setenv``.
  PTB's own retry loop reads the private ``_retry_after`` and does not warn.
* ``Message.reply_text`` quotes (sends ``reply_parameters``) only in groups by default
  (``do_quote=None``); in a private chat the answer is not a reply.
* ``Bot.do_api_request`` turns the 404 of an unknown method into ``EndPointNotFound`` once the bot
  is initialized (``InvalidToken`` before).
* Polling (``ext/_updater.py``): ``start_polling`` first calls ``deleteWebhook`` (bootstrap), then
  loops ``getUpdates(offset=last+1, timeout=timeout)`` with ``poll_interval`` sleeps; the HTTP read
  timeout is ``get_updates_read_timeout`` (5 s by default) *plus* ``timeout``. ``updater.stop()``
  cancels the in-flight long poll on the client side only (the server request keeps waiting, which
  is why the emulator ends a previous poll with 409 "terminated by other getUpdates request", as
  Telegram does) and then makes one more ``getUpdates(offset, timeout=0)`` to confirm what it got.
  Keep ``timeout`` small (1 s) in tests so that nothing waits long.
* Shutdown order: ``updater.stop()`` -> ``app.stop()`` -> ``app.shutdown()`` (``shutdown`` raises
  ``RuntimeError`` while the app is still running), and only then stop the emulator. The emulator's
  ``stop()`` wakes any pending long poll so that aiohttp's cleanup does not wait for it.
* Webhooks: ``Updater.start_webhook`` needs ``tornado`` (the ``python-telegram-bot[webhooks]``
  extra); without it PTB raises ``RuntimeError`` before doing anything. It always calls
  ``setWebhook`` (with ``secret_token`` when given) and checks the
  ``X-Telegram-Bot-Api-Secret-Token`` header of every POST (403 if wrong). The custom-webhook
  pattern needs no tornado: ``ApplicationBuilder().updater(None)``, your own aiohttp route,
  ``Update.de_json(body, app.bot)`` then ``await app.update_queue.put(update)``.
* ``ApplicationBuilder`` creates a ``JobQueue`` when APScheduler is importable (it is here), and
  ``app.start()`` starts its scheduler: ``app.stop()`` is required to not leak it.
* ``editMessageText`` / ``editMessageReplyMarkup`` *without* ``reply_markup`` remove the inline
  keyboard (Telegram behaviour, emulated): pass the markup again to keep the buttons.
* In ``parse_mode=HTML`` the real server only rejects ``<``; a stray ``&`` or ``>`` passes. The
  emulator is stricter by default (``strict_html=True``), as Telegram's documentation demands.
* Telegram's webhooks must be HTTPS on port 443/80/88/8443; the emulator allows plain
  ``http://127.0.0.1`` unless ``strict_webhook_url=True``.
* Telegram POSTs updates to a webhook over up to ``max_connections`` connections at once (``setWebhook``,
  40 by default), so several are handled at the same time and may be answered out of order. The emulator
  POSTs one at a time, in order, unless ``webhook_parallel`` is raised: it then POSTs up to
  ``min(webhook_parallel, max_connections)`` at once, each retried on its own after a failure.
* Group privacy mode is on by default (as for a new bot): in groups the bot only receives
  commands, replies to its own messages and service messages, unless it is an administrator.
* Strict by default, as the real service: 20 sends or edits a minute per group and 30 a second overall
  (429 with ``parameters.retry_after``), callback queries that expire 15 s after the press ("query is
  too old"), inline keyboards of at most 100 buttons; ``latency`` delays every answer. These limits stay
  exact in tests: a test or benchmark that loosens one of them (the rate limits, the callback queries'
  expiry, the group's window) must say at that line why the real limit is not what it measures.
  Every request is also checked against the Bot API description (``tests/conformance``).
* Forum supergroups (``add_group(..., forum=True)``, ``add_topic``): a topic's id is the id of the
  service message that created it (``forum_topic_created``); a message in a topic carries
  ``message_thread_id`` and ``is_topic_message``, and one that replies to nothing there has the
  topic's creation message as its ``reply_to_message``, as Telegram sends it. A message sent with no
  ``message_thread_id`` goes to the General topic, unless it replies to a message of a topic (then it goes
  there); an unknown topic answers "message thread not found", a closed one ``TOPIC_CLOSED``, and
  ``message_thread_id`` in a chat that is no forum "message thread not found".
* Channels (``add_channel``): bots are only ever administrators there (added otherwise: the emulator
  refuses); posts carry ``sender_chat`` (the channel) and no ``from``; without admin rights sending answers
  "need administrator rights in the channel chat". A channel's linked discussion group
  (``link_discussion``) receives an automatic forward of every post: sent by Telegram's service account
  (777000) with ``sender_chat`` the channel, ``is_automatic_forward`` and a ``forward_origin`` of type
  ``channel`` naming the post; it arrives at the bot like any group message (with privacy mode on, only
  when the bot is an admin of the group), and edits of the post are carried to it. Comments are replies
  to that forward; their ``message_thread_id`` is the forward's id. ``getChat`` gives ``linked_chat_id``
  both ways and ``is_forum``.
* Unimplemented (and truly unknown) methods answer 404 ``Not Found`` (PTB: ``InvalidToken``); they
  are listed in :attr:`TelegramEmulator.unknown_methods` so a test can spot them.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import io
import itertools
import json
import math
import random
import re
import secrets
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

import aiohttp
from aiohttp import web
from PIL import Image

from tests.conformance import Conformance
from tests.conformance.telegram import check_call
from tests.emulators.telegram_text import (
    EntityParseError,
    detect_entities,
    parse_text,
    strip_text,
    utf16_len,
)

JSON = dict[str, Any]

DEFAULT_TOKEN = "123456789:AAEmulatorTokenForOfflineTests_0123456"
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_UPLOAD = 50 * 1024 * 1024  # what a bot may upload through the Bot API (sendDocument)
MAX_CALLBACK_TEXT = 200
SERVICE_ACCOUNT = {"id": 777000, "is_bot": False, "first_name": "Telegram"}  # sends automatic forwards
DEFAULT_ALLOWED = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
SEND_METHODS = frozenset({"sendmessage", "senddocument", "forwardmessage", "copymessage", "sendphoto"})
MAX_CAPTION = 1024
MAX_PHOTO_UPLOAD = 10 * 1024 * 1024  # sendPhoto: "The photo must be at most 10 MB in size"
MAX_DOWNLOAD = 20 * 1024 * 1024  # getFile: "bots can download files of up to 20MB in size"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_DEEP_LINK = re.compile(
    r"https://t\.me/(?P<bot>[A-Za-z0-9_]{5,32})\?(?P<kind>start|startgroup)=(?P<payload>[^&#]*)"
)
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")


class EmulatorError(AssertionError):
    """A test drove the emulator into something Telegram's clients cannot do (a test bug)."""


class ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass(frozen=True)
class _Fault:
    error: ApiError
    hang: float = 0.0
    after: bool = False


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


@dataclass
class ApiCall:
    """One Bot API request as the emulator received it."""

    method: str
    params: JSON
    time: float
    status: int = 200
    response: JSON = field(default_factory=dict)
    answered: float = 0.0  # when the answer left (emulator time): the platform acted before this

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class User:
    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = "en"
    is_bot: bool = False
    started: bool = False  # has pressed Start in the private chat with the bot
    blocked: bool = False  # has blocked the bot

    def to_api(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code and not self.is_bot:
            data["language_code"] = self.language_code
        return data


@dataclass
class Chat:
    id: int
    type: str  # private, group, supergroup
    title: str | None = None
    username: str | None = None
    members: dict[int, str] = field(default_factory=dict)  # user id -> status
    bot_status: str = "left"
    migrated_to: int | None = None
    is_forum: bool = False
    topics: dict[int, str] = field(default_factory=dict)  # forum topic id -> name
    closed_topics: set[int] = field(default_factory=set)
    linked_chat_id: int | None = None  # a channel's discussion group, or the group's channel
    # what a restricted bot (bot_status "restricted") may still send: "messages", "photos", "documents"
    bot_may_send: set[str] = field(default_factory=set)
    next_message_id: int = 1
    sent_times: list[float] = field(default_factory=list)
    chat_instance: str = ""


@dataclass
class ChatMessage:
    """The current state of one message in a chat (what Telegram would show)."""

    chat_id: int
    message_id: int
    from_user: JSON
    date: int
    text: str | None = None
    parse_mode: str | None = None
    entities: list[JSON] = field(default_factory=list)
    reply_markup: JSON | None = None
    reply_to: int | None = None
    edit_date: int | None = None
    deleted: bool = False
    protect_content: bool = False
    source_text: str | None = None  # the text as the bot sent it, before entity parsing
    caption: str | None = None  # a document's or a photo's
    caption_entities: list[JSON] = field(default_factory=list)
    document: JSON | None = None  # the Document object of a file sent (sendDocument)
    file_content: bytes | None = None  # that file as uploaded
    thread_id: int | None = None  # the forum topic, or in a discussion group the forward commented on
    extra: JSON = field(default_factory=dict)  # service fields, forward_origin, ...
    raw: JSON = field(default_factory=dict)  # the Message object as last returned or delivered
    photo: bytes | None = None  # a photo message's bytes, as uploaded (its file is ``photo_id``)
    photo_id: str | None = None
    has_spoiler: bool = False

    @property
    def from_bot(self) -> bool:
        return bool(self.from_user.get("is_bot"))

    @property
    def buttons(self) -> list[JSON]:
        """Every inline keyboard button, row by row."""
        if not self.reply_markup:
            return []
        return [button for row in self.reply_markup.get("inline_keyboard", []) for button in row]

    def button(self, text: str) -> JSON:
        for button in self.buttons:
            if button.get("text") == text:
                return button
        raise EmulatorError(f"no button {text!r} on message {self.message_id}: {self.buttons}")

    def entity_texts(self, kind: str) -> list[str]:
        """The pieces of text covered by entities of ``kind`` (offsets are UTF-16)."""
        if self.text is None:
            return []
        units = self.text.encode("utf-16-le")
        return [
            units[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
            for e in self.entities
            if e["type"] == kind
        ]


@dataclass
class CallbackQuery:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    created: float
    update: JSON
    answer: JSON | None = None
    answered: float | None = None  # the emulator's time of the answer


@dataclass(frozen=True)
class Upload:
    """A file part of a ``multipart/form-data`` call."""

    filename: str
    content_type: str
    content: bytes


class _Params:
    """The parameters of one call, whatever their encoding (form strings, JSON body, query); uploaded files
    by the name of their part."""

    def __init__(self, raw: Mapping[str, Any], files: Mapping[str, Upload] | None = None) -> None:
        self.raw = dict(raw)
        self.files = dict(files or {})

    def has(self, name: str) -> bool:
        return self.raw.get(name) not in (None, "")

    def text(self, name: str, *, required: bool = False, empty: str | None = None) -> str | None:
        value = self.raw.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(empty or f"{name} is empty")
            return None
        if isinstance(value, (dict, list)):
            raise bad_request(f'field "{name}" must be of type String')
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str, *, required: bool = False, empty: str | None = None) -> int | None:
        value = self.raw.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(empty or f"{name} is empty")
            return None
        if isinstance(value, bool):
            raise bad_request(f'field "{name}" must be of type Integer')
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise bad_request(f'field "{name}" must be of type Integer') from None

    def number(self, name: str) -> float | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be of type Number') from None

    def flag(self, name: str) -> bool:
        value = self.raw.get(name)
        if isinstance(value, bool):
            return value
        if value is None:
            return False
        return str(value).strip().lower() in ("true", "1")

    def obj(self, name: str, *, error: str | None = None) -> Any:
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(error or f"can't parse {name} JSON object") from None
        return value

    def decoded(self) -> JSON:
        """For the request log: JSON-encoded fields decoded, the rest as received."""
        out: JSON = {}
        for key, value in self.raw.items():
            if isinstance(value, str) and value[:1] in "[{":
                try:
                    out[key] = json.loads(value)
                    continue
                except ValueError:
                    pass
            out[key] = value
        return out


class TelegramEmulator:
    """A Bot API server on 127.0.0.1 with a simulated world of users, groups and messages."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "murmure_test_bot",
        bot_name: str = "Murmure",
        privacy_mode: bool = True,
        strict_html: bool = True,
        strict_webhook_url: bool = False,
        callback_query_ttl: float | None = 15.0,
        group_per_minute: int | None = 20,
        global_per_second: int | None = 30,
        group_window: float = 60.0,
        latency: float = 0.0,
        conformance: bool = True,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot = User(self.bot_id, bot_name, username=bot_username, is_bot=True, language_code=None)
        self.privacy_mode = privacy_mode
        self.strict_html = strict_html
        self.strict_webhook_url = strict_webhook_url
        # Telegram's limits, on unless a test asks otherwise: a callback query is answered within ~15 s or
        # "query is too old"; ~20 messages (sends and edits) a minute per group, ~30 a second overall
        # (``group_window`` shrinks the minute for tests that are not about the limit); ``latency`` is
        # added to every answer, as the network would.
        self.callback_query_ttl = callback_query_ttl
        self.group_window = group_window
        self.latency = latency
        self.requests: list[ApiCall] = []
        # every request checked against the Bot API description; violations fail the test
        self.conformance = Conformance("telegram", enabled=conformance)
        self.unknown_methods: list[str] = []
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.webhook_errors: list[str] = []
        self.dropped_updates: list[JSON] = []  # filtered out by allowed_updates or privacy mode
        self._messages: dict[int, dict[int, ChatMessage]] = {}
        self._pending: list[JSON] = []
        self._update_ids = itertools.count(700_000_001)
        self._query_ids = itertools.count(4_242_000_001)
        self._file_ids = itertools.count(1)
        self._queries: dict[str, CallbackQuery] = {}
        self._allowed_updates: frozenset[str] = DEFAULT_ALLOWED
        self._webhook: JSON | None = None
        self._webhook_lock = asyncio.Lock()
        self._poll: asyncio.Future[str] | None = None
        self._changed = asyncio.Event()
        self._floods: dict[str, list[int]] = {}
        self._chat_floods: dict[int, float] = {}  # chat -> the emulator time its flood wait ends
        self._failures: dict[str, list[int]] = {}
        self.file_failures: list[int] = []  # the statuses the file server answers its next downloads with
        self._hangs: dict[str, list[_Fault]] = {}
        self._files: dict[str, bytes] = {}  # file_id -> bytes: photos users sent, photos the bot sent
        self._fault_rate = 0.0
        self._fault_methods: frozenset[str] = frozenset()
        self._fault_rng = random.Random(0)
        self._fault_hang = 0.0
        self._fault_retry_after = 1
        self.faults = []
        self._group_limit: int | None = group_per_minute
        self._global_limit: int | None = global_per_second
        self._global_times: list[float] = []
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._descriptions: dict[tuple[str, str], str] = {}  # (kind, language) -> text
        self._forwards: dict[tuple[int, int], tuple[int, int]] = {}  # channel post -> discussion copy
        self._time_offset = 0.0
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._closing = False
        self._retry_task: asyncio.Task[None] | None = None
        self._deliveries: set[asyncio.Task[None]] = set()  # webhook POSTs in flight
        self.webhook_retry_interval = 0.1
        self.webhook_parallel = 1  # webhook POSTs at once (Telegram: up to max_connections)
        self._posting: set[int] = set()  # update ids being POSTed (webhook_parallel > 1)
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))

    async def stop(self) -> None:
        self._closing = True
        self._wake_poll("closing")
        if self._retry_task is not None:
            self._retry_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._retry_task
            self._retry_task = None
        for task in list(self._deliveries):
            task.cancel()
        if self._deliveries:
            await asyncio.wait(list(self._deliveries))
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- time, flood control -------------------------------------------------------------------

    def now(self) -> float:
        return time.time() + self._time_offset

    def advance_time(self, seconds: float) -> None:
        """Moves the emulator's clock (message dates, rate windows, callback query expiry)."""
        self._time_offset += seconds

    def flood(self, method: str, times: int = 1, retry_after: int = 3) -> None:
        """The next ``times`` calls of ``method`` answer 429 with ``parameters.retry_after``."""
        self._floods.setdefault(method.lower(), []).extend([retry_after] * times)

    def flood_chat(self, chat_id: int, retry_after: int) -> None:
        """Sends and edits to ``chat_id`` answer 429 for the next ``retry_after`` seconds (a group that
        Telegram holds back), each with the seconds left; other chats are not affected."""
        self._chat_floods[chat_id] = self.now() + retry_after

    def inject_faults(
        self, rate: float, methods: Iterable[str], seed: int = 16, hang: float = 1.0, retry_after: int = 1
    ) -> None:
        """From now on, ``rate`` of the calls of ``methods`` fail, each fault drawn evenly among: 429 with
        ``retry_after``, 500, 502, a hang of ``hang`` seconds then 504 before acting, and a hang then 502
        after acting (the server did it, the answer is lost). ``rate=0`` stops them."""
        self._fault_rate = rate
        self._fault_methods = frozenset(method.lower() for method in methods)
        self._fault_rng = random.Random(seed)
        self._fault_hang = hang
        self._fault_retry_after = retry_after
        self.faults: list[tuple[str, str]] = []  # (method, kind) of each fault injected

    def _fault(self, method: str) -> _Fault | None:
        if not self._fault_rate or method.lower() not in self._fault_methods:
            return None
        if self._fault_rng.random() >= self._fault_rate:
            return None
        kind = self._fault_rng.choice(["429", "500", "502", "hang_before", "hang_after"])
        self.faults.append((method, kind))
        if kind == "429":
            retry = self._fault_retry_after
            return _Fault(ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry}))
        if kind == "500":
            return _Fault(ApiError(500, "Internal Server Error"))
        if kind == "502":
            return _Fault(ApiError(502, "Bad Gateway"))
        if kind == "hang_before":
            return _Fault(ApiError(504, "Gateway Timeout"), hang=self._fault_hang)
        return _Fault(ApiError(502, "Bad Gateway"), hang=self._fault_hang, after=True)

    def hang(self, method: str, times: int = 1, seconds: float = 5.0, *, after: bool = False) -> None:
        """The next ``times`` calls of ``method`` hang ``seconds`` then answer 504 (before acting), or, with
        ``after``, act, hang, then answer 502 (the answer lost)."""
        error = ApiError(502, "Bad Gateway") if after else ApiError(504, "Gateway Timeout")
        self._hangs.setdefault(method.lower(), []).extend([_Fault(error, seconds, after)] * times)

    def fail(self, method: str, times: int = 1, status: int = 502) -> None:
        """The next ``times`` calls of ``method`` fail as an overloaded server does (PTB: ``NetworkError``)."""
        self._failures.setdefault(method.lower(), []).extend([status] * times)

    def limit_rates(
        self,
        *,
        per_group_per_minute: int | None = 20,
        global_per_second: int | None = 30,
        group_window: float = 60.0,
    ) -> None:
        """Telegram's broadcast limits on sent and edited messages (``None`` turns one off)."""
        self._group_limit = per_group_per_minute
        self._global_limit = global_per_second
        self.group_window = group_window

    # -- world building --------------------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str,
        username: str | None = None,
        language_code: str | None = "en",
        *,
        last_name: str | None = None,
    ) -> User:
        if user_id <= 0:
            raise EmulatorError("user ids are positive")
        user = User(user_id, first_name, username=username, last_name=last_name, language_code=language_code)
        self.users[user_id] = user
        self.chats[user_id] = Chat(
            user_id, "private", members={user_id: "member"}, chat_instance=self._instance()
        )
        return user

    def add_group(
        self,
        chat_id: int,
        title: str,
        members: Iterable[int] = (),
        admins: Iterable[int] = (),
        supergroup: bool = True,
        *,
        owner: int | None = None,
        username: str | None = None,
        forum: bool = False,
        channel: bool = False,
    ) -> Chat:
        """A group the bot is not in yet (see :meth:`add_bot_to_group`). Unknown user ids are created."""
        if chat_id >= 0:
            raise EmulatorError("group chat ids are negative (supergroups: -100...)")
        if (forum or channel) and not supergroup:
            raise EmulatorError("forums and channels are supergroup-like chats (-100...)")
        chat = Chat(
            chat_id,
            "channel" if channel else "supergroup" if supergroup else "group",
            title=title,
            username=username,
            chat_instance=self._instance(),
            is_forum=forum,
        )
        for user_id in members:
            self._ensure_user(user_id)
            chat.members[user_id] = "member"
        for user_id in admins:
            self._ensure_user(user_id)
            chat.members[user_id] = "administrator"
        if owner is not None:
            self._ensure_user(owner)
            chat.members[owner] = "creator"
        self.chats[chat_id] = chat
        return chat

    def add_channel(
        self,
        chat_id: int,
        title: str,
        subscribers: Iterable[int] = (),
        admins: Iterable[int] = (),
        *,
        owner: int | None = None,
        username: str | None = None,
    ) -> Chat:
        """A channel the bot is not in yet; its subscribers are ``member``s, as getChatMember says."""
        return self.add_group(
            chat_id, title, subscribers, admins, owner=owner, username=username, channel=True
        )

    def link_discussion(self, channel_id: int, group_id: int) -> None:
        """The channel's comments go to this supergroup (Telegram: channel settings, Discussion)."""
        channel, group = self._group(channel_id), self._group(group_id)
        if channel.type != "channel" or group.type != "supergroup" or group.is_forum:
            raise EmulatorError("a channel's discussion group is a supergroup that is not a forum")
        channel.linked_chat_id, group.linked_chat_id = group_id, channel_id

    async def add_topic(self, chat_id: int, name: str, by_user: int | None = None) -> int:
        """A forum topic is created; returns its id (its creation message's id)."""
        chat = self._group(chat_id)
        if not chat.is_forum:
            raise EmulatorError(f"chat {chat_id} is not a forum")
        created = self._store(chat, self._ensure_user(by_user or self._owner(chat)).to_api(), None, [], None)
        created.extra["forum_topic_created"] = {"name": name, "icon_color": 7322096}
        created.thread_id = topic = created.message_id
        chat.topics[topic] = name
        if chat.bot_status in ("member", "administrator", "restricted"):
            await self._emit("message", self._message_json(created))
        return topic

    def close_topic(self, chat_id: int, topic: int) -> None:
        self._group(chat_id).closed_topics.add(topic)

    def _ensure_user(self, user_id: int) -> User:
        if user_id not in self.users:
            self.add_user(user_id, f"User{user_id}")
        return self.users[user_id]

    def _instance(self) -> str:
        return str(next(self._query_ids) * 7919)

    def _group(self, chat_id: int) -> Chat:
        chat = self.chats.get(chat_id)
        if chat is None or chat.type == "private":
            raise EmulatorError(f"no group {chat_id} in the emulator")
        return chat

    def _user(self, user_id: int) -> User:
        user = self.users.get(user_id)
        if user is None:
            raise EmulatorError(f"no user {user_id} in the emulator")
        return user

    # -- simulation: membership ------------------------------------------------------------------

    async def add_bot_to_group(self, chat_id: int, by_user: int, *, admin: bool = False) -> JSON:
        """The bot is added (or promoted): ``my_chat_member`` update plus the service message."""
        chat = self._group(chat_id)
        self._user(by_user)
        if chat.members.get(by_user) not in ("creator", "administrator", "member"):
            raise EmulatorError(f"user {by_user} is not in group {chat_id}")
        if chat.type == "channel" and (not admin or chat.members.get(by_user) == "member"):
            raise EmulatorError("bots are added to channels as administrators, by an administrator")
        old = chat.bot_status
        chat.bot_status = "administrator" if admin else "member"
        update = await self._emit(
            "my_chat_member", self._member_change(chat, by_user, self.bot, old, chat.bot_status)
        )
        if old in ("left", "kicked") and chat.type != "channel":
            await self._service_message(chat, by_user, {"new_chat_members": [self.bot.to_api()]})
        return update

    async def remove_bot_from_group(self, chat_id: int, by_user: int, *, kicked: bool = True) -> JSON:
        """The bot is removed: ``my_chat_member`` to ``kicked`` (or ``left``); sending there then fails."""
        chat = self._group(chat_id)
        old = chat.bot_status
        chat.bot_status = "kicked" if kicked else "left"
        return await self._emit(
            "my_chat_member", self._member_change(chat, by_user, self.bot, old, chat.bot_status)
        )

    async def restrict_bot(
        self, chat_id: int, by_user: int, *, messages: bool = False, photos: bool = False
    ) -> JSON:
        """An admin takes rights from the bot in a group (it stays in it): ``my_chat_member`` to
        ``restricted`` (``is_member`` true). Sending what it may no longer send then fails as Telegram
        fails it: ``400 Bad Request: not enough rights to send text messages to the chat`` (or photos).
        ``messages=True, photos=True`` gives every right back (a plain member again)."""
        chat = self._group(chat_id)
        if chat.type == "channel":
            raise EmulatorError("channel admins demote the bot (set_bot_admin), they don't restrict it")
        old = chat.bot_status
        if messages and photos:
            chat.bot_status, chat.bot_may_send = "member", set()
        else:
            chat.bot_status = "restricted"
            chat.bot_may_send = {"messages"} if messages else set()
            if photos:
                chat.bot_may_send.add("photos")
        return await self._emit(
            "my_chat_member", self._member_change(chat, by_user, self.bot, old, chat.bot_status)
        )

    def _may_send(self, chat: Chat, what: str, error: str) -> None:
        if chat.type != "private" and chat.bot_status == "restricted" and what not in chat.bot_may_send:
            raise bad_request(f"not enough rights to send {error} to the chat")

    async def set_bot_admin(self, chat_id: int, by_user: int, admin: bool = True) -> JSON:
        chat = self._group(chat_id)
        old = chat.bot_status
        chat.bot_status = "administrator" if admin else "member"
        return await self._emit(
            "my_chat_member", self._member_change(chat, by_user, self.bot, old, chat.bot_status)
        )

    async def join_group(self, user_id: int, chat_id: int) -> JSON | None:
        """A user joins: ``chat_member`` update (if allowed) and the service message; returns the latter."""
        return await self._set_member(chat_id, user_id, "member", user_id, {"new_chat_members": [user_id]})

    async def leave_group(self, user_id: int, chat_id: int) -> JSON | None:
        return await self._set_member(chat_id, user_id, "left", user_id, {"left_chat_member": user_id})

    async def ban_user(self, chat_id: int, user_id: int, by_user: int) -> JSON | None:
        return await self._set_member(chat_id, user_id, "kicked", by_user, {"left_chat_member": user_id})

    async def set_admin(
        self, chat_id: int, user_id: int, admin: bool = True, *, by_user: int | None = None
    ) -> None:
        chat = self._group(chat_id)
        await self._set_member(
            chat_id, user_id, "administrator" if admin else "member", by_user or self._owner(chat), None
        )

    def _owner(self, chat: Chat) -> int:
        for user_id, status in chat.members.items():
            if status == "creator":
                return user_id
        return next(iter(chat.members), self.bot_id)

    async def _set_member(
        self, chat_id: int, user_id: int, status: str, by_user: int, service: JSON | None
    ) -> JSON | None:
        chat = self._group(chat_id)
        user = self._ensure_user(user_id)
        old = chat.members.get(user_id, "left")
        chat.members[user_id] = status
        await self._emit("chat_member", self._member_change(chat, by_user, user, old, status))
        if service is None:
            return None
        fields: JSON = {}
        for key, value in service.items():
            if key == "new_chat_members":
                fields[key] = [self._user(v).to_api() for v in value]
            else:
                fields[key] = self._user(value).to_api()
        return await self._service_message(chat, by_user, fields)

    async def user_blocks_bot(self, user_id: int, blocked: bool = True) -> JSON:
        user = self._user(user_id)
        user.blocked = blocked
        chat = self.chats[user_id]
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        return await self._emit("my_chat_member", self._member_change(chat, user_id, self.bot, old, new))

    async def migrate_group(self, chat_id: int, new_chat_id: int) -> None:
        """A basic group becomes a supergroup: later calls to the old id fail with ChatMigrated."""
        old = self._group(chat_id)
        new = Chat(
            new_chat_id,
            "supergroup",
            title=old.title,
            members=dict(old.members),
            bot_status=old.bot_status,
            chat_instance=self._instance(),
        )
        self.chats[new_chat_id] = new
        old.migrated_to = new_chat_id
        owner = self._owner(old)
        await self._service_message(old, owner, {"migrate_to_chat_id": new_chat_id})
        await self._service_message(new, owner, {"migrate_from_chat_id": chat_id})

    # -- simulation: messages and clicks ---------------------------------------------------------

    async def user_sends(
        self, user_id: int, chat_id: int, text: str, *, reply_to: int | None = None, topic: int | None = None
    ) -> JSON:
        """A user sends a text message (in a forum, in ``topic``, or General when None); returns the Message
        dict (delivered or not, see privacy mode)."""
        user = self._user(user_id)
        chat = self.chats.get(chat_id)
        if chat is None:
            raise EmulatorError(f"no chat {chat_id}")
        if chat.type == "channel":
            raise EmulatorError("users don't write in channels (admins post as the channel: channel_post)")
        if topic is not None and topic not in chat.topics:
            raise EmulatorError(f"no topic {topic} in chat {chat_id}")
        if chat.type == "private":
            if chat_id != user_id:
                raise EmulatorError("a private chat's id is the user's id")
            if user.blocked:
                raise EmulatorError(
                    f"user {user_id} has blocked the bot; unblock with user_blocks_bot(..., False)"
                )
            user.started = True
        elif chat.members.get(user_id) not in ("creator", "administrator", "member"):
            raise EmulatorError(f"user {user_id} is not a member of {chat_id}")
        if not text or utf16_len(text) > MAX_TEXT:
            raise EmulatorError("Telegram clients send 1-4096 characters")
        if reply_to is not None:
            self._existing(chat_id, reply_to)
        entities = detect_entities(text, [])
        message = self._store(chat, user.to_api(), text, entities, None, reply_to=reply_to)
        message.thread_id = topic if reply_to is None else self._thread_of(chat, reply_to)
        body = self._message_json(message)
        delivered = chat.type == "private" or (
            chat.bot_status in ("member", "administrator", "restricted") and self._bot_sees(chat, message)
        )
        if delivered:
            await self._emit("message", body)
        else:
            self.dropped_updates.append({"message": body})
        return body

    def _thread_of(self, chat: Chat, replied_id: int) -> int | None:
        """The thread a reply joins: the replied message's topic, or in a discussion group the automatic
        forward it comments on (comments on a comment stay in the forward's thread)."""
        replied = self._messages.get(chat.id, {}).get(replied_id)
        if replied is None:
            return None
        if replied.thread_id is not None:
            return replied.thread_id
        if replied.extra.get("is_automatic_forward"):
            return replied.message_id
        return None

    def _new_file(self, data: bytes) -> str:
        file_id = "AgAC" + secrets.token_hex(16)
        self._files[file_id] = data
        return file_id

    @staticmethod
    def _dimensions(data: bytes) -> tuple[int, int] | None:
        try:
            with Image.open(io.BytesIO(data)) as image:
                return image.size
        except (OSError, ValueError):
            return None

    def _photo_size(self, file_id: str, data: bytes) -> JSON:
        width, height = self._dimensions(data) or (0, 0)
        return {
            "file_id": file_id,
            "file_unique_id": file_id[-16:],
            "width": width,
            "height": height,
            "file_size": len(data),
        }

    async def user_sends_photo(
        self, user_id: int, data: bytes, caption: str = "", *, as_document: str | None = None
    ) -> JSON:
        """A user sends a photo to the bot in private, with a caption: as a photo (Telegram's clients
        re-encode photos and keep no EXIF; ``data`` stands for what they upload), or as a file named
        ``as_document`` (sent as it is, metadata included)."""
        user = self._user(user_id)
        chat = self.chats.get(user_id)
        if chat is None or user.blocked:
            raise EmulatorError(f"user {user_id} has no open private chat with the bot")
        if utf16_len(caption) > MAX_CAPTION:
            raise EmulatorError("Telegram clients send captions of 0-1024 characters")
        user.started = True
        message = self._store(chat, user.to_api(), None, [], None)
        file_id = self._new_file(data)
        if as_document is None:
            if self._dimensions(data) is None:
                raise EmulatorError("a photo message carries an image")
            message.photo, message.photo_id = data, file_id
            message.caption = caption or None
        else:
            message.extra["document"] = {
                "file_id": file_id,
                "file_unique_id": file_id[-16:],
                "file_name": as_document,
                "mime_type": "image/jpeg" if as_document.lower().endswith((".jpg", ".jpeg")) else "image/png",
                "file_size": len(data),
            }
            if caption:
                message.extra["caption"] = caption
        body = self._message_json(message)
        await self._emit("message", body)
        return body

    def _bot_sees(self, chat: Chat, message: ChatMessage) -> bool:
        if not self.privacy_mode or chat.bot_status == "administrator":
            return True
        if message.reply_to is not None:
            replied = self._messages.get(chat.id, {}).get(message.reply_to)
            if replied is not None and replied.from_user.get("id") == self.bot_id:
                return True
        text = message.text or ""
        match = re.match(r"/[A-Za-z0-9_]+(?:@([A-Za-z0-9_]+))?", text)
        if match is None:
            return False
        target = match.group(1)
        return target is None or target.lower() == (self.bot.username or "").lower()

    async def user_opens_deep_link(self, user_id: int, payload: str) -> JSON:
        """``t.me/<bot>?start=PAYLOAD`` opened: the client sends ``/start PAYLOAD`` in the private chat."""
        if not _PAYLOAD.fullmatch(payload):
            raise EmulatorError(
                f"deep-link payload {payload!r} is invalid: Telegram allows 1-64 characters A-Z a-z 0-9 _ -"
            )
        return await self.user_sends(user_id, user_id, f"/start {payload}")

    def deep_link(self, url: str) -> str:
        """Parses ``https://t.me/<bot_username>?start=PAYLOAD`` into PAYLOAD (validated like Telegram)."""
        match = _DEEP_LINK.fullmatch(url)
        if match is None:
            raise EmulatorError(f"not a t.me deep link: {url!r}")
        if match.group("bot").lower() != (self.bot.username or "").lower():
            raise EmulatorError(f"deep link to another bot: {url!r}")
        payload = match.group("payload")
        if not _PAYLOAD.fullmatch(payload):
            raise EmulatorError(f"deep-link payload {payload!r} is invalid (1-64 of A-Z a-z 0-9 _ -)")
        return payload

    async def user_clicks(
        self,
        user_id: int,
        message: ChatMessage | Mapping[str, Any],
        callback_data: str,
        *,
        forged: bool = False,
    ) -> JSON:
        """A user taps a callback button; the button must exist on the message's *current* keyboard,
        unless ``forged``: a modified client sending data of its own."""
        user = self._user(user_id)
        if isinstance(message, ChatMessage):
            chat_id, message_id = message.chat_id, message.message_id
        else:
            chat_id, message_id = int(message["chat"]["id"]), int(message["message_id"])
        stored = self._messages.get(chat_id, {}).get(message_id)
        if stored is None or stored.deleted:
            raise EmulatorError(f"message {message_id} in chat {chat_id} does not exist (deleted?)")
        chat = self.chats[chat_id]
        if chat.type == "private" and chat_id != user_id:
            raise EmulatorError(f"user {user_id} cannot see private chat {chat_id}")
        if chat.type != "private" and chat.members.get(user_id) not in ("creator", "administrator", "member"):
            raise EmulatorError(f"user {user_id} is not a member of {chat_id}")
        if not forged and not any(b.get("callback_data") == callback_data for b in stored.buttons):
            raise EmulatorError(
                f"no button with callback_data {callback_data!r} on message {message_id}: {stored.buttons}"
            )
        query_id = str(next(self._query_ids))
        body: JSON = {
            "id": query_id,
            "from": user.to_api(),
            "message": self._message_json(stored),
            "chat_instance": chat.chat_instance,
            "data": callback_data,
        }
        update = await self._emit("callback_query", body)
        self._queries[query_id] = CallbackQuery(
            query_id, user_id, chat_id, message_id, callback_data, self.now(), update
        )
        return update

    # -- inspection --------------------------------------------------------------------------------

    def messages(self, chat_id: int, *, include_deleted: bool = False) -> list[ChatMessage]:
        """Every message of a chat in order, in its current state (copies)."""
        return [
            copy.deepcopy(m)
            for _, m in sorted(self._messages.get(chat_id, {}).items())
            if include_deleted or not m.deleted
        ]

    def bot_messages(self, chat_id: int) -> list[ChatMessage]:
        return [m for m in self.messages(chat_id) if m.from_bot]

    def last_message(self, chat_id: int) -> ChatMessage:
        found = self.bot_messages(chat_id)
        if not found:
            raise EmulatorError(f"the bot has no message in chat {chat_id}")
        return found[-1]

    def calls(self, method: str, *, ok: bool | None = None) -> list[ApiCall]:
        wanted = method.lower()
        return [c for c in self.requests if c.method.lower() == wanted and (ok is None or c.ok == ok)]

    def unanswered_callback_queries(self) -> list[JSON]:
        return [q.update for q in self._queries.values() if q.answer is None]

    def answer_delays(self) -> dict[str, float]:
        """Seconds from each press to its answer, per answered callback query id."""
        return {q.id: q.answered - q.created for q in self._queries.values() if q.answered is not None}

    def callback_answer(self, query_id: str) -> JSON | None:
        return self._queries[query_id].answer

    @property
    def pending_updates(self) -> list[JSON]:
        return list(self._pending)

    def description(self, language_code: str = "", *, short: bool = False) -> str:
        """What a user with ``language_code`` sees: its own description, else the default one's."""
        kind = "short_description" if short else "description"
        return self._descriptions.get((kind, language_code)) or self._descriptions.get((kind, ""), "")

    def commands(self, language_code: str = "", scope: JSON | None = None) -> list[JSON]:
        return list(self._commands.get((self._scope_key(scope), language_code), []))

    async def wait_until(self, predicate: Callable[[], bool], within: float = 5.0) -> None:
        """Waits until ``predicate()`` holds, re-checking after every request and update."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {within}s")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.05))

    async def wait_for_request(
        self,
        method: str,
        *,
        count: int = 1,
        where: Callable[[ApiCall], bool] | None = None,
        within: float = 5.0,
    ) -> ApiCall:
        """Waits until ``count`` calls of ``method`` (matching ``where``) were made; returns the last."""

        def matching() -> list[ApiCall]:
            return [c for c in self.calls(method) if where is None or where(c)]

        await self.wait_until(lambda: len(matching()) >= count, within)
        return matching()[count - 1]

    async def wait_updates_consumed(self, within: float = 5.0) -> None:
        """Waits until the bot confirmed every queued update (next getUpdates offset / webhook 200)."""
        await self.wait_until(lambda: not self._pending, within)

    # -- updates ---------------------------------------------------------------------------------

    async def send_raw_update(self, kind: str, body: JSON) -> JSON:
        """An update exactly as given, unchecked: what an older or broken Bot API server may send (a poll
        without the fields the library requires, say)."""
        return await self._emit(kind, body)

    async def _emit(self, kind: str, body: JSON) -> JSON:
        update: JSON = {"update_id": next(self._update_ids), kind: body}
        if kind not in self._allowed_updates:
            self.dropped_updates.append(update)
            return update
        self._pending.append(update)
        self._wake_poll("update")
        self._changed.set()
        if self._webhook is not None:
            # Telegram POSTs to the webhook on its own time: an update emitted while the bot handles
            # another (its own message in a group, say) must not wait for that handling's answer
            task = asyncio.get_running_loop().create_task(self.deliver_pending())
            self._deliveries.add(task)
            task.add_done_callback(self._deliveries.discard)
        return update

    def _schedule_retry(self) -> None:
        """Telegram retries a failing webhook later; so does the emulator, every ``webhook_retry_interval``."""
        if self._closing or (self._retry_task is not None and not self._retry_task.done()):
            return

        async def retry() -> None:
            while self._webhook is not None and self._pending and not self._closing:
                await asyncio.sleep(self.webhook_retry_interval)
                await self.deliver_pending(retrying=True)

        self._retry_task = asyncio.get_running_loop().create_task(retry())

    async def deliver_pending(self, *, retrying: bool = False) -> None:
        """POSTs the queued updates, in order, to the webhook; stops at the first failure (retried later)."""
        if self._webhook is None or self._session is None:
            return
        if self.webhook_parallel > 1:
            self._post_in_parallel()
            return
        async with self._webhook_lock:
            while self._pending and self._webhook is not None:
                update = self._pending[0]
                headers = {"Content-Type": "application/json"}
                if self._webhook.get("secret_token"):
                    headers["X-Telegram-Bot-Api-Secret-Token"] = self._webhook["secret_token"]
                try:
                    async with self._session.post(
                        self._webhook["url"], data=json.dumps(update), headers=headers
                    ) as response:
                        await response.read()
                        status = response.status
                except (aiohttp.ClientError, TimeoutError) as error:
                    self._webhook_failed(f"Connection error: {error!r}")
                    if not retrying:
                        self._schedule_retry()
                    return
                if not 200 <= status < 300:
                    self._webhook_failed(f"Wrong response from the webhook: {status}")
                    if not retrying:
                        self._schedule_retry()
                    return
                self._pending.pop(0)
                self._changed.set()

    def _post_in_parallel(self) -> None:
        """Starts POSTs of the queued updates not being POSTed, up to the connections allowed at once."""
        if self._webhook is None or self._closing:
            return
        room = min(self.webhook_parallel, int(self._webhook["max_connections"])) - len(self._posting)
        for update in [u for u in self._pending if u["update_id"] not in self._posting][: max(room, 0)]:
            self._posting.add(update["update_id"])
            task = asyncio.get_running_loop().create_task(self._post_one(update))
            self._deliveries.add(task)
            task.add_done_callback(self._deliveries.discard)

    async def _post_one(self, update: JSON) -> None:
        assert self._webhook is not None and self._session is not None
        headers = {"Content-Type": "application/json"}
        if self._webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = self._webhook["secret_token"]
        failure = None
        try:
            async with self._session.post(
                self._webhook["url"], data=json.dumps(update), headers=headers
            ) as response:
                await response.read()
                if not 200 <= response.status < 300:
                    failure = f"Wrong response from the webhook: {response.status}"
        except (aiohttp.ClientError, TimeoutError) as error:
            failure = f"Connection error: {error!r}"
        finally:
            self._posting.discard(update["update_id"])
        if self._webhook is None:
            return
        if failure is not None:
            self._webhook_failed(failure)
            self._schedule_retry()
            return
        self._pending = [u for u in self._pending if u["update_id"] != update["update_id"]]
        self._changed.set()
        self._post_in_parallel()

    def _webhook_failed(self, message: str) -> None:
        assert self._webhook is not None
        self._webhook["last_error_date"] = int(self.now())
        self._webhook["last_error_message"] = message
        self.webhook_errors.append(message)

    def _wake_poll(self, reason: str) -> None:
        if self._poll is not None and not self._poll.done():
            self._poll.set_result(reason)

    def _member_change(self, chat: Chat, by_user: int, user: User, old: str, new: str) -> JSON:
        return {
            "chat": self._chat_json(chat),
            "from": self._ensure_user(by_user).to_api() if by_user != self.bot_id else self.bot.to_api(),
            "date": int(self.now()),
            "old_chat_member": self._member_json(chat, user, old),
            "new_chat_member": self._member_json(chat, user, new),
        }

    async def _service_message(self, chat: Chat, by_user: int, fields: JSON) -> JSON:
        message = self._store(chat, self._ensure_user(by_user).to_api(), None, [], None)
        message.extra.update(fields)
        body = self._message_json(message)
        if chat.bot_status in ("member", "administrator", "restricted"):
            await self._emit("message", body)
        return body

    # -- state helpers -----------------------------------------------------------------------------

    def _chat_json(self, chat: Chat) -> JSON:
        if chat.type == "private":
            user = self.users[chat.id]
            data: JSON = {"id": chat.id, "type": "private", "first_name": user.first_name}
            if user.last_name:
                data["last_name"] = user.last_name
            if user.username:
                data["username"] = user.username
            return data
        data = {"id": chat.id, "type": chat.type, "title": chat.title}
        if chat.username:
            data["username"] = chat.username
        if chat.is_forum:
            data["is_forum"] = True
        if chat.type == "group":
            data["all_members_are_administrators"] = False
        return data

    def _member_json(self, chat: Chat, user: User, status: str) -> JSON:
        data: JSON = {"user": user.to_api(), "status": status}
        if status == "creator":
            data["is_anonymous"] = False
        elif status == "administrator":
            rights = dict.fromkeys(
                (
                    "can_manage_chat",
                    "can_delete_messages",
                    "can_manage_video_chats",
                    "can_restrict_members",
                    "can_change_info",
                    "can_invite_users",
                    "can_post_stories",
                    "can_edit_stories",
                    "can_delete_stories",
                    "can_pin_messages",
                ),
                True,
            )
            data.update(rights, can_be_edited=user.is_bot, is_anonymous=False, can_promote_members=False)
            if chat.type == "supergroup":
                data["can_manage_topics"] = False
            if chat.type == "channel":
                data.update(can_post_messages=True, can_edit_messages=True)
        elif status == "kicked":
            data["until_date"] = 0
        elif status == "restricted":
            may = chat.bot_may_send if user.id == self.bot_id else set()
            data.update(
                is_member=True,
                can_send_messages="messages" in may,
                can_send_photos="photos" in may,
                can_send_documents="documents" in may,
                **dict.fromkeys(
                    (
                        "can_send_audios",
                        "can_send_videos",
                        "can_send_video_notes",
                        "can_send_voice_notes",
                        "can_send_polls",
                        "can_send_other_messages",
                        "can_add_web_page_previews",
                        "can_change_info",
                        "can_invite_users",
                        "can_pin_messages",
                        "can_manage_topics",
                    ),
                    False,
                ),
                until_date=0,
            )
        return data

    def _store(
        self,
        chat: Chat,
        sender: JSON,
        text: str | None,
        entities: list[JSON],
        reply_markup: JSON | None,
        *,
        reply_to: int | None = None,
        parse_mode: str | None = None,
        source_text: str | None = None,
        protect: bool = False,
    ) -> ChatMessage:
        message = ChatMessage(
            chat_id=chat.id,
            message_id=chat.next_message_id,
            from_user=sender,
            date=int(self.now()),
            text=text,
            parse_mode=parse_mode,
            entities=entities,
            reply_markup=reply_markup,
            reply_to=reply_to,
            protect_content=protect,
            source_text=source_text,
        )
        chat.next_message_id += 1
        self._messages.setdefault(chat.id, {})[message.message_id] = message
        message.raw = self._message_json(message)
        return message

    def _message_json(self, message: ChatMessage, *, with_reply: bool = True) -> JSON:
        chat = self.chats[message.chat_id]
        data: JSON = {"message_id": message.message_id}
        if chat.type == "channel":
            data["sender_chat"] = self._chat_json(chat)  # posts are signed by the channel, not a user
        else:
            data["from"] = dict(message.from_user)
        data |= {"chat": self._chat_json(chat), "date": message.date}
        if message.thread_id is not None:
            data["message_thread_id"] = message.thread_id
            if chat.is_forum:
                data["is_topic_message"] = True
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        replied_id = message.reply_to
        if replied_id is None and chat.is_forum and message.thread_id not in (None, message.message_id):
            replied_id = message.thread_id  # Telegram: a topic's message "replies" to the topic's creation
        if with_reply and replied_id is not None:
            replied = self._messages.get(message.chat_id, {}).get(replied_id)
            if replied is not None and not replied.deleted:
                data["reply_to_message"] = self._message_json(replied, with_reply=False)
        if message.text is not None:
            data["text"] = message.text
            if message.entities:
                data["entities"] = copy.deepcopy(message.entities)
        if message.document is not None:
            data["document"] = copy.deepcopy(message.document)
        if message.caption:
            data["caption"] = message.caption
            if message.caption_entities:
                data["caption_entities"] = copy.deepcopy(message.caption_entities)
        if message.reply_markup is not None:
            data["reply_markup"] = copy.deepcopy(message.reply_markup)
        if message.protect_content:
            data["has_protected_content"] = True
        if message.photo is not None and message.photo_id is not None:
            data["photo"] = [self._photo_size(message.photo_id, message.photo)]
            if message.has_spoiler:
                data["has_media_spoiler"] = True
        data.update(copy.deepcopy(message.extra))
        message.raw = data
        return data

    def _existing(self, chat_id: int, message_id: int) -> ChatMessage:
        message = self._messages.get(chat_id, {}).get(message_id)
        if message is None or message.deleted:
            raise EmulatorError(f"no message {message_id} in chat {chat_id}")
        return message

    # -- HTTP ------------------------------------------------------------------------------------

    async def _handle_file(self, request: web.Request) -> web.Response:
        """A file's bytes at the ``file_path`` getFile gave, for the bot's own token only."""
        if self.file_failures:
            status = self.file_failures.pop(0)
            return web.json_response(
                {"ok": False, "error_code": status, "description": "Bad Gateway"}, status=status
            )
        path = request.match_info["path"]
        data = self._files.get(path.rpartition("/")[2].partition(".")[0])
        if request.match_info["token"] != self.token or data is None or not path.startswith("photos/"):
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        return web.Response(body=data, content_type="application/octet-stream")

    async def _read_params(self, request: web.Request) -> tuple[JSON, dict[str, Upload]]:
        """The call's parameters as received, and its uploaded files by part name. A file part is shown to
        the parameters as ``<file NAME>``; one sent under another name and referred to as ``attach://NAME``
        is not a parameter of its own."""
        params: JSON = dict(request.query)
        files: dict[str, Upload] = {}
        if request.method != "POST" or not request.can_read_body:
            return params, files
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON encoded request body") from None
            if not isinstance(body, dict):
                raise bad_request("JSON object expected")
            params.update(body)
            return params, files
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, str):
                params[key] = value
                continue
            filename = getattr(value, "filename", "") or ""
            content = value.file.read() if isinstance(value, web.FileField) else bytes(value)
            files[key] = Upload(filename, getattr(value, "content_type", "") or "", content)
            params[key] = f"<file {filename}>"
        attached = {
            v.removeprefix("attach://")
            for v in params.values()
            if isinstance(v, str) and v.startswith("attach://")
        }
        # a part named inside a JSON parameter (InputMediaPhoto's "media": "attach://NAME") too
        attached |= set(re.findall(r"attach://([A-Za-z0-9_-]+)", json.dumps(params, default=str)))
        for name in attached & set(files):
            params.pop(name, None)
        return params, files

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        call = ApiCall(method, {}, self.now())
        try:
            raw, files = await self._read_params(request)
            self.conformance.record(method, check_call(method, raw))
            params = _Params(raw, files)
            call.params = params.decoded()
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            handler = getattr(self, f"_api_{method.lower()}", None)
            self.requests.append(call)
            if handler is None:
                self.unknown_methods.append(method)
                raise ApiError(404, "Not Found")
            if self.latency:
                await asyncio.sleep(self.latency)
            self._check_flood(method)
            fault = self._fault(method)
            hangs = self._hangs.get(method.lower())
            if fault is None and hangs:
                fault = hangs.pop(0)
            if fault is not None and not fault.after:
                await asyncio.sleep(fault.hang)
                raise fault.error
            result = await handler(params)
            if fault is not None:  # acted, then the answer is lost
                await asyncio.sleep(fault.hang)
                raise fault.error
            body: JSON = {"ok": True, "result": result}
            call.response = body
        except ApiError as error:
            if call not in self.requests:
                self.requests.append(call)
            body = error.body()
            call.status = error.code
            call.response = body
        response = web.json_response(body, status=call.status)
        with contextlib.suppress(ConnectionError):  # the bot is gone (killed): its answer is lost
            # written before the moment is taken: a benchmark's window from this answer to the bot's
            # recording counts no time the emulator's process took before the answer left
            await response.prepare(request)
            await response.write_eof()
        call.answered = self.now()
        self._changed.set()
        return response

    def _check_flood(self, method: str) -> None:
        failures = self._failures.get(method.lower())
        if failures:
            status = failures.pop(0)
            raise ApiError(status, "Bad Gateway" if status == 502 else "Internal Server Error")
        queue = self._floods.get(method.lower())
        if queue:
            retry_after = queue.pop(0)
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})

    def _check_rate(self, chat: Chat) -> None:
        now = self.now()
        flooded_until = self._chat_floods.get(chat.id)
        if flooded_until is not None and now < flooded_until:
            retry = max(1, math.ceil(flooded_until - now))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})
        window = self.group_window
        chat.sent_times[:] = [t for t in chat.sent_times if now - t < window]
        limit = self._group_limit
        if limit is not None and chat.type != "private" and len(chat.sent_times) >= limit:
            retry = max(1, math.ceil(window - (now - chat.sent_times[0])))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})
        self._global_times[:] = [t for t in self._global_times if now - t < 1]
        if self._global_limit is not None and len(self._global_times) >= self._global_limit:
            raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        chat.sent_times.append(now)
        self._global_times.append(now)

    def _chat_for(self, params: _Params, name: str = "chat_id", *, sending: bool = True) -> Chat:
        """Resolves ``chat_id`` (int or @username) and applies Telegram's access rules."""
        raw = params.text(name, required=True)
        assert raw is not None
        chat: Chat | None = None
        if raw.startswith("@"):
            chat = next((c for c in self.chats.values() if c.username and f"@{c.username}" == raw), None)
        else:
            try:
                chat = self.chats.get(int(raw))
            except ValueError:
                raise bad_request("chat not found") from None
        if chat is None:
            raise bad_request("chat not found")
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if chat.type == "private":
            user = self.users[chat.id]
            if not sending and not user.started:
                raise bad_request("chat not found")
            if user.blocked and sending:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if not user.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        elif chat.bot_status == "kicked":
            raise ApiError(403, f"Forbidden: bot was kicked from the {chat.type} chat")
        elif chat.bot_status == "left":
            raise ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")
        elif chat.type == "channel" and chat.bot_status != "administrator":
            raise bad_request("need administrator rights in the channel chat")
        return chat

    # -- validation --------------------------------------------------------------------------------

    def _parse_message_text(
        self, params: _Params, field_name: str = "text"
    ) -> tuple[str, list[JSON], str | None]:
        source = params.text(field_name)
        if source is None:
            raise bad_request("message text is empty")
        parse_mode = params.text("parse_mode")
        if parse_mode is not None and parse_mode.lower() not in ("html", "markdown", "markdownv2"):
            raise bad_request("unsupported parse_mode")
        explicit = params.obj("entities")
        if explicit is not None:
            if not isinstance(explicit, list):
                raise bad_request("can't parse entities JSON object")
            text, entities = source, explicit
        else:
            try:
                text, entities = parse_text(source, parse_mode, strict=self.strict_html)
            except EntityParseError as error:
                raise bad_request(f"can't parse entities: {error}") from None
        text, entities = strip_text(text, entities)
        if not text:
            raise bad_request("message text is empty")
        if utf16_len(text) > MAX_TEXT:
            raise bad_request("message is too long")
        return text, detect_entities(text, entities), parse_mode

    def _parse_markup(self, params: _Params) -> tuple[JSON | None, bool]:
        """Returns (inline keyboard or None, whether any reply_markup was given)."""
        markup = params.obj("reply_markup", error="can't parse reply keyboard markup JSON object")
        if markup is None:
            return None, False
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            return self._validate_inline_keyboard(markup), True
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
            return None, True
        if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
            return None, True
        raise bad_request('can\'t find field "inline_keyboard"')

    def _validate_inline_keyboard(self, markup: JSON) -> JSON:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list):
            raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
        count = 0
        for row in rows:
            if not isinstance(row, list):
                raise bad_request(
                    'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
                )
            for button in row:
                count += 1
                self._validate_button(button)
        if count > 100:
            raise bad_request("reply markup is too long")
        return {"inline_keyboard": [[dict(b) for b in row] for row in rows if row]}

    def _validate_button(self, button: Any) -> None:
        if not isinstance(button, dict):
            raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
        text = button.get("text")
        if not isinstance(text, str):
            raise bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
        if not text.strip():
            raise bad_request("BUTTON_TEXT_INVALID")
        actions = [name for name in BUTTON_ACTIONS if name in button]
        if not actions:
            raise bad_request(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
            )
        if len(actions) > 1:
            raise bad_request(
                f"can't parse inline keyboard button: exactly one of the optional fields must be used, got {actions}"
            )
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                raise bad_request("BUTTON_DATA_INVALID")
        if "url" in button:
            url = button["url"]
            problem = _url_problem(url) if isinstance(url, str) else "Wrong HTTP URL"
            if problem:
                raise bad_request(f"inline keyboard button URL '{url}' is invalid: {problem}")

    def _reply_target(self, params: _Params, chat: Chat) -> int | None:
        reply = params.obj("reply_parameters")
        message_id: int | None = None
        allow_missing = params.flag("allow_sending_without_reply")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow_missing = bool(reply.get("allow_sending_without_reply", allow_missing))
            if reply.get("chat_id") not in (None, chat.id):
                raise bad_request("replying to messages of other chats is not emulated")
        elif reply is not None:
            raise bad_request("can't parse reply parameters JSON object")
        else:
            message_id = params.integer("reply_to_message_id")
        if message_id is None:
            return None
        target = self._messages.get(chat.id, {}).get(int(message_id))
        if target is None or target.deleted:
            if allow_missing:
                return None
            raise bad_request("message to be replied not found")
        return int(message_id)

    # -- Bot API methods ---------------------------------------------------------------------------

    async def _api_getme(self, params: _Params) -> JSON:
        return {
            **self.bot.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _api_getupdates(self, params: _Params) -> list[JSON]:
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
            )
        offset = params.integer("offset")
        limit = params.integer("limit") or 100
        timeout = params.number("timeout") or 0.0
        allowed = params.obj("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) if allowed else DEFAULT_ALLOWED
        limit = min(max(limit, 1), 100)
        # Only one getUpdates at a time: Telegram ends the older one with 409.
        self._wake_poll("conflict")
        self._confirm(offset)
        if not self._pending and timeout > 0 and not self._closing:
            poll: asyncio.Future[str] = asyncio.get_running_loop().create_future()
            self._poll = poll
            try:
                await asyncio.wait({poll}, timeout=timeout)
            finally:
                if self._poll is poll:
                    self._poll = None
            if poll.done() and poll.result() == "webhook":
                raise ApiError(409, "Conflict: terminated by setWebhook request")
            if poll.done() and poll.result() == "conflict":
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                )
            if not poll.done():
                poll.cancel()
        return copy.deepcopy(self._pending[:limit])

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        before = len(self._pending)
        if offset < 0:
            self._pending = self._pending[offset:]
        else:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        if len(self._pending) != before:
            self._changed.set()

    async def _api_setwebhook(self, params: _Params) -> bool:
        url = params.text("url")
        if not url:
            self._webhook = None
            return True
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise bad_request("bad webhook: Failed to resolve host: Name or service not known")
        if self.strict_webhook_url:
            if parsed.scheme != "https":
                raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
            if (parsed.port or 443) not in (443, 80, 88, 8443):
                raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        secret = params.text("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("secret token contains unallowed characters")
        allowed = params.obj("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) if allowed else DEFAULT_ALLOWED
        if params.flag("drop_pending_updates"):
            self._pending.clear()
        self._wake_poll("webhook")
        self._webhook = {
            "url": url,
            "secret_token": secret,
            "max_connections": params.integer("max_connections") or 40,
        }
        if self._pending:
            self._schedule_retry()
        return True

    async def _api_deletewebhook(self, params: _Params) -> bool:
        self._webhook = None
        if params.flag("drop_pending_updates"):
            self._pending.clear()
        return True

    async def _api_getwebhookinfo(self, params: _Params) -> JSON:
        info: JSON = {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._pending)}
        if self._webhook is not None:
            info["url"] = self._webhook["url"]
            info["max_connections"] = self._webhook["max_connections"]
            if self._allowed_updates != DEFAULT_ALLOWED:
                info["allowed_updates"] = sorted(self._allowed_updates)
            for key in ("last_error_date", "last_error_message"):
                if key in self._webhook:
                    info[key] = self._webhook[key]
        return info

    async def _api_sendmessage(self, params: _Params) -> JSON:
        chat = self._chat_for(params)
        self._may_send(chat, "messages", "text messages")
        source = params.text("text")
        text, entities, parse_mode = self._parse_message_text(params)
        keyboard, _ = self._parse_markup(params)
        reply_to = self._reply_target(params, chat)
        thread = self._send_thread(params, chat, reply_to)
        self._check_rate(chat)
        message = self._store(
            chat,
            self.bot.to_api(),
            text,
            entities,
            keyboard,
            reply_to=reply_to,
            parse_mode=parse_mode,
            source_text=source,
            protect=params.flag("protect_content"),
        )
        message.thread_id = thread
        body = self._message_json(message)
        await self._forward_to_discussion(chat, message)
        return body

    def _send_thread(self, params: _Params, chat: Chat, reply_to: int | None) -> int | None:
        """The thread a message the bot sends goes to: its ``message_thread_id`` (a forum's topic), else
        the one of the message it replies to; General (None) in a forum otherwise."""
        topic = params.integer("message_thread_id")
        if topic is not None:
            if not chat.is_forum or topic not in chat.topics:
                raise bad_request("message thread not found")
            if topic in chat.closed_topics and chat.bot_status != "administrator":
                raise bad_request("TOPIC_CLOSED")
            return topic
        return self._thread_of(chat, reply_to) if reply_to is not None else None

    async def _forward_to_discussion(self, chat: Chat, post: ChatMessage) -> None:
        """A channel post is forwarded by Telegram to the channel's discussion group, where comments go."""
        group = (
            self.chats.get(chat.linked_chat_id) if chat.type == "channel" and chat.linked_chat_id else None
        )
        if group is None:
            return
        copy_ = self._store(group, dict(SERVICE_ACCOUNT), post.text, list(post.entities), None)
        copy_.extra.update(
            sender_chat=self._chat_json(chat),
            is_automatic_forward=True,
            forward_origin={
                "type": "channel",
                "chat": self._chat_json(chat),
                "message_id": post.message_id,
                "date": post.date,
            },
        )
        self._forwards[(chat.id, post.message_id)] = (group.id, copy_.message_id)
        body = self._message_json(copy_)
        if group.bot_status in ("member", "administrator", "restricted") and self._bot_sees(group, copy_):
            await self._emit("message", body)
        else:
            self.dropped_updates.append({"message": body})

    def forward_of(self, channel_id: int, post_id: int) -> ChatMessage:
        """The automatic forward of a channel post in its discussion group."""
        group_id, copy_id = self._forwards[(channel_id, post_id)]
        return self._existing(group_id, copy_id)

    def _upload(self, params: _Params, name: str) -> Upload:
        """The file a parameter gives: uploaded in its own part, or as ``attach://PART``. A file id or URL
        (a string) names no file the emulator knows."""
        value = params.raw.get(name)
        if value is None or value == "":
            raise bad_request(f"there is no {name} in the request")
        part = (
            value.removeprefix("attach://")
            if isinstance(value, str) and value.startswith("attach://")
            else name
        )
        upload = params.files.get(part)
        if upload is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if not upload.content:
            raise bad_request("file must be non-empty")
        if len(upload.content) > MAX_UPLOAD:
            raise ApiError(413, "Request Entity Too Large")
        return upload

    def _parse_caption(self, params: _Params) -> tuple[str | None, list[JSON]]:
        source = params.text("caption")
        if source is None:
            return None, []
        parse_mode = params.text("parse_mode")
        if parse_mode is not None and parse_mode.lower() not in ("html", "markdown", "markdownv2"):
            raise bad_request("unsupported parse_mode")
        try:
            text, entities = parse_text(source, parse_mode, strict=self.strict_html)
        except EntityParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
        text, entities = strip_text(text, entities)
        if utf16_len(text) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        return (text or None), detect_entities(text, entities) if text else []

    async def _api_senddocument(self, params: _Params) -> JSON:
        chat = self._chat_for(params)
        self._may_send(chat, "documents", "documents")
        upload = self._upload(params, "document")
        caption, entities = self._parse_caption(params)
        keyboard, _ = self._parse_markup(params)
        reply_to = self._reply_target(params, chat)
        self._check_rate(chat)
        message = self._store(
            chat,
            self.bot.to_api(),
            None,
            [],
            keyboard,
            reply_to=reply_to,
            parse_mode=params.text("parse_mode"),
            source_text=params.text("caption"),
            protect=params.flag("protect_content"),
        )
        number = next(self._file_ids)
        message.caption, message.caption_entities = caption, entities
        message.file_content = upload.content
        message.document = {
            "file_id": f"BQACAgQAAxkDAAI{number:08d}",
            "file_unique_id": f"AgAD{number:06d}",
            "file_name": upload.filename or "document",
            "mime_type": upload.content_type or "application/octet-stream",
            "file_size": len(upload.content),
        }
        return self._message_json(message)

    def _photo_upload(self, params: _Params, value: object, part: str) -> bytes:
        """The photo of a sendPhoto (its own part, ``part``) or of an InputMediaPhoto (``attach://NAME``),
        or a file_id of a file Telegram has."""
        data: bytes | None = None
        if isinstance(value, str) and value.startswith("attach://"):
            upload = params.files.get(value.removeprefix("attach://"))
            data = upload.content if upload is not None else None
        elif part in params.files:
            data = params.files[part].content
        elif isinstance(value, str) and value:
            data = self._files.get(value)
            if data is None:
                raise bad_request("wrong remote file identifier specified: wrong string length")
        if data is None:
            raise bad_request("there is no photo in the request")
        if len(data) > MAX_PHOTO_UPLOAD:
            raise bad_request("file is too big")
        if self._dimensions(data) is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        return data

    def _caption(self, params: _Params) -> tuple[str | None, list[JSON], str | None]:
        if not params.has("caption"):
            return None, [], None
        caption, entities, parse_mode = self._parse_message_text(params, "caption")
        if utf16_len(caption) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        return caption, entities, parse_mode

    async def _api_sendphoto(self, params: _Params) -> JSON:
        chat = self._chat_for(params)
        self._may_send(chat, "photos", "photos")
        data = self._photo_upload(params, params.raw.get("photo"), "photo")
        caption, entities, parse_mode = self._caption(params)
        keyboard, _ = self._parse_markup(params)
        reply_to = self._reply_target(params, chat)
        self._check_rate(chat)
        message = self._store(chat, self.bot.to_api(), None, [], keyboard, reply_to=reply_to)
        message.photo, message.photo_id = data, self._new_file(data)
        message.caption, message.caption_entities, message.parse_mode = caption, entities, parse_mode
        message.has_spoiler = params.flag("has_spoiler")
        return self._message_json(message)

    async def _api_editmessagecaption(self, params: _Params) -> JSON:
        chat, message = self._editable(params)
        if message.photo is None:
            raise bad_request("there is no caption in the message to edit")
        caption, entities, parse_mode = self._caption(params)
        keyboard, _ = self._parse_markup(params)
        if (
            caption == message.caption
            and entities == message.caption_entities
            and (keyboard == message.reply_markup)
        ):
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        self._check_rate(chat)
        message.caption, message.caption_entities, message.parse_mode = caption, entities, parse_mode
        message.reply_markup = keyboard
        message.edit_date = int(self.now())
        return self._message_json(message)

    async def _api_editmessagemedia(self, params: _Params) -> JSON:
        chat, message = self._editable(params)
        media = params.obj("media")
        if not isinstance(media, dict) or media.get("type") != "photo":
            raise bad_request("can't parse InputMedia: media type is not emulated (photo only)")
        if message.photo is None:
            raise bad_request("there is no media in the message to edit")
        data = self._photo_upload(params, media.get("media"), "")
        inner = _Params({k: v for k, v in media.items() if k in ("caption", "parse_mode")})
        caption, entities, parse_mode = self._caption(inner)
        keyboard, _ = self._parse_markup(params)
        self._check_rate(chat)
        message.photo, message.photo_id = data, self._new_file(data)
        message.caption, message.caption_entities, message.parse_mode = caption, entities, parse_mode
        message.has_spoiler = bool(media.get("has_spoiler"))
        message.reply_markup = keyboard
        message.edit_date = int(self.now())
        return self._message_json(message)

    async def _api_getfile(self, params: _Params) -> JSON:
        file_id = params.text("file_id", required=True)
        data = self._files.get(file_id or "")
        if data is None:
            raise bad_request("wrong file_id or the file is temporarily unavailable")
        if len(data) > MAX_DOWNLOAD:
            raise bad_request("file is too big")
        return {
            "file_id": file_id,
            "file_unique_id": (file_id or "")[-16:],
            "file_size": len(data),
            "file_path": f"photos/{file_id}.jpg",
        }

    def _editable(self, params: _Params) -> tuple[Chat, ChatMessage]:
        if params.has("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._chat_for(params)
        message_id = params.integer("message_id", required=True, empty="message identifier is not specified")
        assert message_id is not None
        message = self._messages.get(chat.id, {}).get(message_id)
        if message is None or message.deleted:
            raise bad_request("message to edit not found")
        if not message.from_bot or message.from_user.get("id") != self.bot_id:
            raise bad_request("message can't be edited")
        return chat, message

    async def _api_editmessagetext(self, params: _Params) -> JSON:
        chat, message = self._editable(params)
        if message.text is None or message.photo is not None:
            raise bad_request("there is no text in the message to edit")
        text, entities, parse_mode = self._parse_message_text(params)
        keyboard, _ = self._parse_markup(params)
        if text == message.text and entities == message.entities and keyboard == message.reply_markup:
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        self._check_rate(chat)
        message.text, message.entities, message.parse_mode = text, entities, parse_mode
        message.source_text = params.text("text")
        message.reply_markup = keyboard
        message.edit_date = int(self.now())
        forwarded = self._forwards.get((chat.id, message.message_id))
        if forwarded is not None:  # Telegram edits the discussion group's copy of a channel post too
            copied = self._messages[forwarded[0]][forwarded[1]]
            copied.text, copied.entities, copied.edit_date = text, entities, message.edit_date
        return self._message_json(message)

    async def _api_editmessagereplymarkup(self, params: _Params) -> JSON:
        chat, message = self._editable(params)
        keyboard, _ = self._parse_markup(params)
        if keyboard == message.reply_markup:
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        self._check_rate(chat)
        message.reply_markup = keyboard
        message.edit_date = int(self.now())
        return self._message_json(message)

    def _delete(self, chat: Chat, message_id: int) -> None:
        message = self._messages.get(chat.id, {}).get(message_id)
        if message is None or message.deleted:
            raise bad_request("message to delete not found")
        if (
            chat.type != "private"
            and message.from_user.get("id") != self.bot_id
            and chat.bot_status != "administrator"
        ):
            raise bad_request("message can't be deleted")
        message.deleted = True

    async def _api_deletemessage(self, params: _Params) -> bool:
        chat = self._chat_for(params)
        message_id = params.integer("message_id", required=True, empty="message identifier is not specified")
        assert message_id is not None
        self._delete(chat, message_id)
        return True

    async def _api_deletemessages(self, params: _Params) -> bool:
        chat = self._chat_for(params)
        ids = params.obj("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message_ids must be a list of 1-100 identifiers")
        for message_id in ids:
            message = self._messages.get(chat.id, {}).get(int(message_id))
            if message is not None and not message.deleted:
                self._delete(chat, int(message_id))
        return True

    async def _api_answercallbackquery(self, params: _Params) -> bool:
        query_id = params.text("callback_query_id", required=True, empty="QUERY_ID_INVALID")
        query = self._queries.get(query_id or "")
        if query is None or query.answer is not None:
            raise bad_request(QUERY_TOO_OLD.removeprefix("Bad Request: "))
        if self.callback_query_ttl is not None and self.now() - query.created > self.callback_query_ttl:
            raise bad_request(QUERY_TOO_OLD.removeprefix("Bad Request: "))
        text = params.text("text")
        if text is not None and len(text) > MAX_CALLBACK_TEXT:
            raise bad_request("MESSAGE_TOO_LONG")
        url = params.text("url")
        if url is not None:
            try:  # only game URLs and t.me/<this bot>?start=... links are allowed; games are not emulated
                self.deep_link(url)
            except EmulatorError:
                raise bad_request("URL_INVALID") from None
        query.answer = {
            "text": text,
            "url": url,
            "show_alert": params.flag("show_alert"),
            "cache_time": params.integer("cache_time"),
        }
        query.answered = self.now()
        return True

    async def _api_getchatmember(self, params: _Params) -> JSON:
        chat = self._chat_for(params, sending=False)
        user_id = params.integer("user_id", required=True)
        assert user_id is not None
        if user_id == self.bot_id:
            return self._member_json(chat, self.bot, chat.bot_status if chat.type != "private" else "member")
        user = self.users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        if chat.type == "private":
            return self._member_json(chat, user, "member" if user_id == chat.id else "left")
        return self._member_json(chat, user, chat.members.get(user_id, "left"))

    async def _api_getchatadministrators(self, params: _Params) -> list[JSON]:
        chat = self._chat_for(params, sending=False)
        if chat.type == "private":
            raise bad_request("there are no administrators in the private chat")
        admins = [
            self._member_json(chat, self.users[user_id], status)
            for user_id, status in chat.members.items()
            if status in ("creator", "administrator")
        ]
        if chat.bot_status == "administrator":
            admins.append(self._member_json(chat, self.bot, "administrator"))
        return admins

    async def _api_getchatmembercount(self, params: _Params) -> int:
        chat = self._chat_for(params, sending=False)
        if chat.type == "private":
            return 2
        humans = sum(
            1 for s in chat.members.values() if s in ("creator", "administrator", "member", "restricted")
        )
        return humans + (1 if chat.bot_status in ("member", "administrator", "restricted") else 0)

    async def _api_getchat(self, params: _Params) -> JSON:
        chat = self._chat_for(params, sending=False)
        linked = {"linked_chat_id": chat.linked_chat_id} if chat.linked_chat_id else {}
        return {
            **self._chat_json(chat),
            **linked,
            "accent_color_id": chat.id % 7,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    @staticmethod
    def _scope_key(scope: Any) -> str:
        if not scope:
            return json.dumps({"type": "default"})
        return json.dumps(scope, sort_keys=True)

    def _commands_key(self, params: _Params) -> tuple[str, str]:
        scope = params.obj("scope")
        if scope is not None and (not isinstance(scope, dict) or "type" not in scope):
            raise bad_request("can't parse BotCommandScope JSON object")
        language = params.text("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code specified")
        return self._scope_key(scope), language

    async def _api_setmycommands(self, params: _Params) -> bool:
        commands = params.obj("commands")
        if commands is None:
            raise bad_request("commands is empty")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND.fullmatch(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            description = command.get("description")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self._commands[self._commands_key(params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def _api_getmycommands(self, params: _Params) -> list[JSON]:
        return list(self._commands.get(self._commands_key(params), []))

    async def _api_deletemycommands(self, params: _Params) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _language(self, params: _Params) -> str:
        language = params.text("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code specified")
        return language

    async def _api_setmydescription(self, params: _Params) -> bool:
        text = params.text("description") or ""
        if len(text) > 512:
            raise bad_request("BOT_DESCRIPTION_INVALID")
        self._descriptions[("description", self._language(params))] = text
        return True

    async def _api_setmyshortdescription(self, params: _Params) -> bool:
        text = params.text("short_description") or ""
        if len(text) > 120:
            raise bad_request("BOT_ABOUT_INVALID")
        self._descriptions[("short_description", self._language(params))] = text
        return True

    async def _api_getmydescription(self, params: _Params) -> JSON:
        return {"description": self.description(self._language(params))}

    async def _api_getmyshortdescription(self, params: _Params) -> JSON:
        return {"short_description": self.description(self._language(params), short=True)}

    async def _copy_source(self, params: _Params) -> ChatMessage:
        from_chat = self._chat_for(params, "from_chat_id")
        message_id = params.integer("message_id", required=True, empty="message identifier is not specified")
        assert message_id is not None
        source = self._messages.get(from_chat.id, {}).get(message_id)
        if source is None or source.deleted:
            raise bad_request("message to forward not found")
        if source.protect_content:
            raise bad_request("message can't be forwarded")
        return source

    async def _api_forwardmessage(self, params: _Params) -> JSON:
        chat = self._chat_for(params)
        source = await self._copy_source(params)
        self._check_rate(chat)
        message = self._store(chat, self.bot.to_api(), source.text, list(source.entities), None)
        message.extra["forward_origin"] = {
            "type": "user",
            "sender_user": source.from_user,
            "date": source.date,
        }
        return self._message_json(message)

    async def _api_copymessage(self, params: _Params) -> JSON:
        chat = self._chat_for(params)
        source = await self._copy_source(params)
        self._check_rate(chat)
        keyboard, given = self._parse_markup(params)
        self._store(chat, self.bot.to_api(), source.text, list(source.entities), keyboard if given else None)
        return {"message_id": chat.next_message_id - 1}

    async def _api_close(self, params: _Params) -> bool:
        return True

    async def _api_logout(self, params: _Params) -> bool:
        return True


def _url_problem(url: str) -> str | None:
    """Why Telegram would refuse ``url`` on an inline button, or None."""
    if not url or any(ch.isspace() for ch in url):
        return "Wrong HTTP URL"
    parsed = urllib.parse.urlsplit(url)
    scheme = parsed.scheme.lower()
    if scheme == "tg":
        return None
    if scheme not in ("http", "https"):
        return "Unsupported URL protocol" if scheme else "Wrong HTTP URL"
    host = parsed.hostname or ""
    if "." not in host or host.startswith(".") or host.endswith("."):
        return "Wrong HTTP URL"
    if not re.fullmatch(r"[A-Za-z0-9.-]+", host):
        return "Wrong HTTP URL"
    return None
