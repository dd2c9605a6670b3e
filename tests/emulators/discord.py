"""A strict local emulator of the Discord REST API v10 and gateway, for driving the real discord.py 2.7 offline.

Usage::

    async with DiscordEmulator() as dc:
        dc.add_user(ALICE, "alice", "Alice", locale="fr")
        await dc.add_guild(GUILD, "Office", owner_id=ALICE, channels=[(GENERAL, "general")], members=[ALICE])
        with dc.patch_discord():                     # Route.BASE + DiscordWebSocket.DEFAULT_GATEWAY
            client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05)
            tree = app_commands.CommandTree(client)
            await client.login(dc.token)
            task = asyncio.create_task(client.connect())
            await asyncio.wait_for(client.wait_until_ready(), 5)
            await tree.sync()
            pending = await dc.user_runs_command(ALICE, GUILD, GENERAL, "ping")
            callback = await pending.response()       # the first POST .../callback body
            ...
            await client.close()                      # then await the connect() task
            await task

Simulation: ``add_user``, ``add_guild`` (async; GUILD_CREATE when live), ``remove_bot_from_guild``,
``grant``/``make_moderator``/``add_role``, ``set_channel_access``, ``user_runs_command``,
``user_clicks``, ``user_submits_modal``, ``user_sends_dm``, ``user_sends`` (all async; each returns a
:class:`PendingInteraction` or :class:`Message`), ``rate_limit``, ``disconnect_gateway``,
``invalidate_sessions``. Inspection: ``requests``/``calls``, ``messages``/``message``/``last_message``,
``threads``, ``commands``, ``interaction_responses``, ``ack_delays``, ``identify_payloads``,
``resume_payloads``, ``gateway_queries``, ``sent_events``; ``wait_until``/``wait_for_request``.
A test that asks for something a Discord user cannot do gets :class:`EmulatorError`.

Facts about discord.py 2.7.1 (read from its source, proven by ``test_discord_emulator.py``):

* REST base URL: every call builds ``Route.BASE + path`` in ``Route.__init__`` (``http.py``), and
  ``Route.BASE`` is a *class* attribute (``https://discord.com/api/v10``), read at each call. Setting
  ``discord.http.Route.BASE = emulator.api_base`` (``http://127.0.0.1:PORT/api/v10``) redirects
  everything, including interaction callbacks and webhook followups (``webhook/async_.py`` builds
  its URLs with the same ``Route``). It is process-global: restore it (``patch_discord()`` does).
* Gateway URL: a plain ``discord.Client`` never calls ``GET /gateway`` or ``GET /gateway/bot``. Its
  first connection goes to the class attribute ``DiscordWebSocket.DEFAULT_GATEWAY``
  (``wss://gateway.discord.gg/``, ``gateway.py``), and later (resume) connections go to READY's
  ``resume_gateway_url``; after an INVALID_SESSION(false) it falls back to ``DEFAULT_GATEWAY``. So
  ``DEFAULT_GATEWAY`` must be patched to ``yarl.URL(emulator.gateway_url)``. Only
  ``AutoShardedClient`` calls ``GET /gateway/bot`` and uses its ``url`` (and then READY needs
  ``shard``). A ``ws://`` URL is accepted everywhere (yarl + aiohttp ``ws_connect``).
* The client adds ``?v=10&encoding=json&compress=zlib-stream`` (``zstd-stream`` when ``zstandard``
  or Python 3.14's ``compression.zstd`` is importable; not the case in our venv). ``Client`` offers
  no switch to turn transport compression off (``from_client(compress=True)`` is hard-wired), and
  it only decompresses *binary* frames: text frames are parsed as plain JSON. The emulator honours
  ``compress=zlib-stream`` (one zlib stream per connection, each payload flushed with
  ``Z_SYNC_FLUSH``, sent as binary), sends text frames without ``compress``, answers HTTP 400 to
  ``zstd-stream`` (unless ``zstandard`` is installed) and to ``encoding=etf``. IDENTIFY always says
  ``"compress": True`` (payload compression): ignored, as Discord does with transport compression.
* IDENTIFY carries ``intents`` = ``Intents.value``; the emulator records them
  (``identify_payloads``), closes with 4004 on a wrong token, 4014 for privileged intents not
  enabled (discord.py raises ``PrivilegedIntentsRequired``), 4005 on a second IDENTIFY, 4003
  before IDENTIFY. ``Intents.default()`` has no ``members``/``presences``/``message_content``:
  GUILD_CREATE then lists only the bot as member (``guild.get_member(user)`` is ``None``; use
  ``interaction.user``, a ``Member`` with ``permissions``, or ``guild.fetch_member``), and guild
  MESSAGE_CREATE arrive with empty ``content`` unless the bot is mentioned (DMs keep their content).
* ``wait_until_ready()`` fires only ``guild_ready_timeout`` seconds (default 2 s!) after the last
  GUILD_CREATE: pass ``guild_ready_timeout=0.05`` to ``Client`` in tests. With the ``members``
  intent ``chunk_guilds_at_startup`` defaults to True and the client sends op 8 for every guild:
  the emulator answers GUILD_MEMBERS_CHUNK.
* ``login()`` calls ``GET /users/@me`` (401 -> ``LoginFailure``) then ``GET /oauth2/applications/@me``
  (the application id used by command sync and callbacks).
* Rate limits (``http.py``): a 429 is retried only if the response has a ``Via`` header (otherwise
  discord.py assumes a Cloudflare ban and raises ``HTTPException``) and a JSON body with
  ``retry_after``; it then sleeps ``retry_after`` and retries (5 tries in all). ``global: true``
  blocks every request. ``X-RateLimit-Remaining: 0`` makes discord.py wait ``Reset-After`` before
  the next request of that bucket. The emulator sends Discord's headers on every answer and
  ``Via: 1.1 google`` on 429. The webhook adapter (callbacks/followups) has the same ``Via`` rule.
* Interaction callbacks are posted to ``/interactions/{id}/{token}/callback?with_response=1``; the
  answer (200) is an ``InteractionCallbackResponse`` ``{"interaction": {...}, "resource": {...}}``;
  without ``with_response`` Discord answers 204. discord.py refuses a second response locally
  (``InteractionResponded``) without any HTTP call; the emulator rejects one that reaches it with
  400 code 40060. Discord's 3-second deadline for the first answer is emulated (``ack_deadline``,
  404 code 10062 "Unknown interaction"); followups work for 15 minutes.
* Strict by default: per-route buckets (message writes 5 per 5 s per channel, ``route_limits``), a global
  limit of 50 requests a second (429 with ``"global": true`` and ``X-RateLimit-Global``; interaction
  callbacks and followups are exempt, as on Discord), the 3-second deadline and 15-minute tokens,
  10003/10008/50001/50013 where Discord gives them, ``latency`` added to every REST answer. Every
  request is also checked against Discord's OpenAPI description (``tests/conformance``).
* After a deferred response (type 5) the first followup ``POST /webhooks/{app}/{token}`` *replaces*
  the "thinking" original message (its ephemerality comes from the defer, not from the followup).
* Components are dispatched by ``(component_type, custom_id)`` looked up for the message id first,
  then among persistent views (``client.add_view(view)`` with ``timeout=None`` and explicit
  ``custom_id`` s), then by ``DynamicItem`` templates (``client.add_dynamic_items``); modals by
  ``custom_id`` only (the ``Modal`` object is stored when ``send_modal`` is called, so a modal can
  only be submitted to the process that opened it). Modal submissions mirror the modal: action row
  (type 1) or label (type 18) wrappers around ``{"type": 4, "custom_id", "value"}``; a file upload
  (type 19, in a label only) as ``{"type": 19, "custom_id", "values": [attachment ids]}`` with the
  attachments in ``data.resolved.attachments`` (served by the emulator's CDN, like DM attachments).
* Shards: an IDENTIFY with ``"shard": [shard_id, num_shards]`` (discord.py's ``Client(shard_id=...,
  shard_count=...)``) gets only its guilds, as Discord routes them (``(guild_id >> 22) % num_shards ==
  shard_id``: READY's guild list, GUILD_CREATE, messages, interactions), and the DMs only on shard 0; a shard
  id out of range closes with 4010. Without ``shard`` a session gets everything.
* Discord echoes a bot's own messages through MESSAGE_CREATE (with content): ``on_message`` must
  ignore ``message.author == client.user``. Ephemeral messages are never dispatched.
* Shutdown: ``await client.close()`` closes the socket with 1000 (which ends the session: no resume
  later) and the aiohttp session; then await the ``connect()`` task (it returns). Closing the
  emulator first makes the client reconnect in a loop. Server-side closes with 4000 (or 1000) are
  resumed at ``resume_gateway_url`` with op 6; the emulator replays the events the client missed
  then sends RESUMED (``on_resumed``).
* Every JSON answer must carry ``Content-Type: application/json`` *exactly*: ``json_or_text`` compares
  the header with ``==``, so aiohttp's ``json_response`` (``...; charset=utf-8``) makes discord.py
  treat the body as a string (``login()`` then dies with ``TypeError: string indices``).
* ``DEFAULT_GATEWAY`` ends with ``/``: the emulator serves ``/gateway`` and ``/gateway/``. If the very
  first gateway connection fails (e.g. a 404), discord.py 2.7.1's ``connect()`` crashes with
  ``AttributeError: 'NoneType' object has no attribute 'sequence'`` instead of retrying.
* ``import discord`` imports the stdlib ``audioop`` (``discord/player.py``), deprecated on 3.11/3.12:
  under ``filterwarnings = error`` the import itself fails; import it inside
  ``warnings.catch_warnings()`` (as the tests do) or add an ``ignore`` filter for that message.
* A persistent view registered with ``client.add_view(MyView())`` after a restart is the *bare*
  view: answering a click with ``edit_message(view=self)`` replaces the message's components with
  it (dropping e.g. ``DynamicItem`` buttons added per message). Edit without ``view`` to keep them.
* A first answer after the deadline raises ``discord.NotFound`` (10062) inside the command, which the
  tree reports as ``CommandInvokeError`` (``__cause__`` is the ``NotFound``).
* ``message.create_thread()`` posts ``/channels/{cid}/messages/{mid}/threads``; the thread's id is the
  message id. discord.py needs ``thread_metadata``, ``message_count``, ``member_count`` in it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import datetime as dt
import hashlib
import itertools
import json
import math
import re
import secrets
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, Self

import aiohttp
from aiohttp import web

from tests.conformance import Conformance
from tests.conformance.discord import check_request

JSON = dict[str, Any]

DISCORD_EPOCH_MS = 1_420_070_400_000
DEFAULT_BOT_ID = 1_200_000_000_000_000_001
API_PREFIX = "/api/v10"
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024  # a bot's upload limit in a server without boosts
FILE_UPLOAD = 19  # a modal's file upload component (inside a label, type 18)
NONCE_WINDOW = 300.0  # seconds: "the past few minutes" in which Discord finds an enforced nonce again

# Permissions (https://discord.com/developers/docs/topics/permissions)
CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
CHANGE_NICKNAME = 1 << 26
USE_APPLICATION_COMMANDS = 1 << 31
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
SEND_MESSAGES_IN_THREADS = 1 << 38
ALL_PERMISSIONS = (1 << 51) - 1
EVERYONE_PERMISSIONS = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS
    | CREATE_PUBLIC_THREADS
    | SEND_MESSAGES_IN_THREADS
)
BOT_PERMISSIONS = EVERYONE_PERMISSIONS | MANAGE_MESSAGES | MANAGE_THREADS

# Gateway intents
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT

# Channel and message constants
GUILD_TEXT = 0
DM = 1
PUBLIC_THREAD = 11
EPHEMERAL = 1 << 6
LOADING = 1 << 7
HAS_THREAD = 1 << 5
SUPPRESS_EMBEDS = 1 << 2
SUPPRESS_NOTIFICATIONS = 1 << 12
IS_COMPONENTS_V2 = 1 << 15
SENDABLE_FLAGS = SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2
INTERACTION_FLAGS = SENDABLE_FLAGS | EPHEMERAL

LOCALES = frozenset(
    [
        "id",
        "da",
        "de",
        "en-GB",
        "en-US",
        "es-ES",
        "es-419",
        "fr",
        "hr",
        "it",
        "lt",
        "hu",
        "nl",
        "no",
        "pl",
        "pt-BR",
        "ro",
        "fi",
        "sv-SE",
        "vi",
        "tr",
        "cs",
        "el",
        "bg",
        "ru",
        "uk",
        "hi",
        "th",
        "zh-CN",
        "ja",
        "zh-TW",
        "ko",
    ]
)
_COMMAND_NAME = re.compile(r"^[-_'\w\u0900-\u097F\u0E00-\u0E7F]{1,32}$")
_MENTION = re.compile(r"<@(?P<role>&)?!?(?P<id>\d{15,21})>")
SELECT_TYPES = frozenset({3, 5, 6, 7, 8})

# Interaction types / callback types
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
CHAT_INPUT, USER_COMMAND, MESSAGE_COMMAND = 1, 2, 3  # application command types
PONG, CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 1, 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9


class EmulatorError(AssertionError):
    """A test asked for something no Discord user could do (a test bug), or the emulator misses a feature."""


class ApiError(Exception):
    """An error answer of the REST API, with Discord's JSON body."""

    def __init__(self, status: int, code: int, message: str, errors: JSON | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> JSON:
        body: JSON = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


class FormErrors:
    """Collects Discord's nested ``errors`` object for a 50035 "Invalid Form Body"."""

    def __init__(self) -> None:
        self.tree: JSON = {}

    def add(self, path: Iterable[str | int], code: str, message: str) -> None:
        node = self.tree
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def length(self, path: Iterable[str | int], value: Any, low: int, high: int) -> None:
        if not isinstance(value, str):
            self.add(path, "BASE_TYPE_STRING", "Must be a string.")
        elif not low <= len(value) <= high:
            if low == 0:
                self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {high} or fewer in length.")
            else:
                self.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")

    def raise_if_any(self) -> None:
        if self.tree:
            raise ApiError(400, 50035, "Invalid Form Body", self.tree)


def not_found(code: int, what: str) -> ApiError:
    return ApiError(404, code, f"Unknown {what}")


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat()


@dataclass
class Request:
    """One REST request as the emulator received it (``path`` without ``/api/v10``)."""

    method: str
    path: str
    json: Any
    query: dict[str, str]
    time: float
    status: int = 0
    response: Any = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class User:
    id: int
    username: str
    global_name: str | None = None
    locale: str = "en-US"
    bot: bool = False
    dms_open: bool = True  # False: the bot gets 403 50007 "Cannot send messages to this user"

    def to_api(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "username": self.username,
            "global_name": self.global_name,
            "discriminator": "0",
            "avatar": None,
            "avatar_decoration_data": None,
            "public_flags": 0,
            "primary_guild": None,
            "collectibles": None,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass
class Role:
    id: int
    name: str
    permissions: int
    position: int = 0
    managed: bool = False

    def to_api(self) -> JSON:
        return {
            "id": str(self.id),
            "name": self.name,
            "description": None,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": False,
            "flags": 0,
        }


@dataclass
class Channel:
    id: int
    type: int
    name: str | None = None
    guild_id: int | None = None
    parent_id: int | None = None
    position: int = 0
    recipient_id: int | None = None  # DM channels
    owner_id: int | None = None  # threads
    bot_can_see: bool = True
    auto_archive_duration: int = 1440
    created: float = 0.0
    last_message_id: int | None = None
    overwrites: list[JSON] = field(default_factory=list)  # permission overwrites, as Discord sends them

    def to_api(self, emulator: DiscordEmulator) -> JSON:
        if self.type == DM:
            assert self.recipient_id is not None
            return {
                "id": str(self.id),
                "type": DM,
                "flags": 0,
                "last_message_id": _opt(self.last_message_id),
                "recipients": [emulator.users[self.recipient_id].to_api()],
            }
        data: JSON = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "parent_id": _opt(self.parent_id),
            "flags": 0,
            "last_message_id": _opt(self.last_message_id),
            "rate_limit_per_user": 0,
        }
        if self.type == PUBLIC_THREAD:
            count = len(emulator.messages(self.id))
            data |= {
                "owner_id": str(self.owner_id),
                "message_count": count,
                "total_message_sent": count,
                "member_count": 1,
                "thread_metadata": {
                    "archived": False,
                    "auto_archive_duration": self.auto_archive_duration,
                    "archive_timestamp": _iso(self.created),
                    "locked": False,
                    "create_timestamp": _iso(self.created),
                },
            }
        else:
            data |= {
                "position": self.position,
                "topic": None,
                "nsfw": False,
                "permission_overwrites": self.overwrites,
            }
        return data


@dataclass
class Member:
    user_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined: float = field(default_factory=time.time)


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    preferred_locale: str = "en-US"
    channels: list[int] = field(default_factory=list)
    roles: dict[int, Role] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    bot_member: bool = True


@dataclass
class Message:
    """The current state of one message (what Discord would show)."""

    id: int
    channel_id: int
    guild_id: int | None
    author: JSON
    content: str = ""
    components: list[JSON] = field(default_factory=list)
    embeds: list[JSON] = field(default_factory=list)
    flags: int = 0
    allowed_mentions: JSON | None = None  # as the bot sent it (None: not sent, Discord's default applies)
    type: int = 0
    timestamp: float = 0.0
    edited: float | None = None
    deleted: bool = False
    thread_id: int | None = None
    interaction_id: int | None = None  # set when the message is an interaction response or followup
    interaction_metadata: JSON | None = None
    webhook_id: int | None = None
    visible_to: int | None = None  # ephemeral messages: the only user who sees them
    attachments: list[JSON] = field(default_factory=list)
    message_reference: JSON | None = None
    edits: list[JSON] = field(default_factory=list)  # bodies of every PATCH / UPDATE_MESSAGE

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def from_interaction(self) -> bool:
        return self.interaction_id is not None

    @property
    def author_id(self) -> int:
        return int(self.author["id"])

    def walk_components(self) -> Iterator[JSON]:
        yield from _walk(self.components)

    @property
    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in self.walk_components() if "custom_id" in c]

    def component(self, custom_id: str) -> JSON | None:
        return next((c for c in self.walk_components() if c.get("custom_id") == custom_id), None)

    def button(self, label: str) -> JSON:
        for component in self.walk_components():
            if component.get("type") == 2 and component.get("label") == label:
                return component
        raise EmulatorError(f"no button {label!r} on message {self.id}: {self.custom_ids}")

    def notified(self, emulator: DiscordEmulator) -> set[str]:
        """Who this message pings: user ids, ``&role`` ids, ``everyone``, per ``allowed_mentions``."""
        allowed = self.allowed_mentions or {"parse": ["users", "roles", "everyone"]}
        parse = set(allowed.get("parse", []))
        users = {str(u) for u in allowed.get("users", [])}
        roles = {str(r) for r in allowed.get("roles", [])}
        out: set[str] = set()
        for match in _MENTION.finditer(self.content):
            ident = match["id"]
            if match["role"]:
                if "roles" in parse or ident in roles:
                    out.add("&" + ident)
            elif ("users" in parse or ident in users) and int(ident) in emulator.users:
                out.add(ident)
        if ("@everyone" in self.content or "@here" in self.content) and "everyone" in parse:
            out.add("everyone")
        replied = self.message_reference and allowed.get("replied_user", False)
        if replied and self.message_reference:
            target = emulator._messages.get(int(self.message_reference["message_id"]))
            if target is not None:
                out.add(str(target.author_id))
        return out


def _walk(components: Iterable[JSON]) -> Iterator[JSON]:
    for component in components:
        yield component
        yield from _walk(component.get("components", []))
        if isinstance(component.get("component"), dict):
            yield from _walk([component["component"]])
        if isinstance(component.get("accessory"), dict):
            yield from _walk([component["accessory"]])


def _valid_name(kind: int, name: str) -> bool:
    """Slash commands: 1-32 lower-case word characters or dashes; user and message commands (context
    menus): 1-32 characters, any case, spaces allowed."""
    if kind == 1:
        return bool(_COMMAND_NAME.fullmatch(name)) and name == name.lower()
    return 1 <= len(name) <= 32 and name == name.strip()


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _opt(value: int | None) -> str | None:
    return None if value is None else str(value)


@dataclass
class Callback:
    """One answer of the bot to an interaction (a callback, an @original edit or a followup)."""

    kind: str  # "callback", "edit_original", "delete_original", "followup", "edit_followup"
    type: int | None  # the callback type for kind == "callback"
    data: JSON
    time: float
    status: int


class PendingInteraction:
    """An interaction the emulator dispatched; await :meth:`response` for the bot's first answer."""

    def __init__(self, emulator: DiscordEmulator, payload: JSON, user_id: int, channel_id: int) -> None:
        self.emulator = emulator
        self.payload = payload
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.user_id = user_id
        self.channel_id = channel_id
        self.guild_id: int | None = int(payload["guild_id"]) if "guild_id" in payload else None
        self.message_id: int | None = int(payload["message"]["id"]) if "message" in payload else None
        self.dispatched_at = time.monotonic()
        self.created_at = time.time()
        self.acked_at: float | None = None
        self.ack_type: int | None = None
        self.answers: list[Callback] = []
        self.modal: JSON | None = None
        self.modal_submitted = False
        self.original_id: int | None = None
        self.followup_ids: list[int] = []
        self._first: asyncio.Future[JSON] = asyncio.get_running_loop().create_future()

    @property
    def acknowledged(self) -> bool:
        return self.ack_type is not None

    @property
    def ack_delay(self) -> float | None:
        return None if self.acked_at is None else self.acked_at - self.dispatched_at

    async def response(self, within: float = 3.0) -> JSON:
        """The first callback body (``{"type": ..., "data": ...}``) the bot posted."""
        return await asyncio.wait_for(asyncio.shield(self._first), within)

    def original(self) -> Message:
        if self.original_id is None:
            raise EmulatorError(f"interaction {self.id} has no original response message")
        return self.emulator._messages[self.original_id]

    def followups(self) -> list[Message]:
        return [self.emulator._messages[i] for i in self.followup_ids]

    def __repr__(self) -> str:
        return f"<PendingInteraction id={self.id} type={self.type} ack={self.ack_type}>"


class _Connection:
    """One gateway websocket."""

    def __init__(self, ws: web.WebSocketResponse, compress: bool) -> None:
        self.ws = ws
        self.compressor = zlib.compressobj() if compress else None
        self.lock = asyncio.Lock()
        self.session: _Session | None = None
        self.heartbeats = 0
        self.closed_by_server = False

    async def close(self, code: int, message: str) -> None:
        self.closed_by_server = True
        await self.ws.close(code=code, message=message.encode())

    async def send(self, payload: JSON) -> None:
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        async with self.lock:
            if self.ws.closed:
                return
            with contextlib.suppress(ConnectionError, RuntimeError):
                if self.compressor is not None:
                    data = self.compressor.compress(text.encode()) + self.compressor.flush(zlib.Z_SYNC_FLUSH)
                    await self.ws.send_bytes(data)
                else:
                    await self.ws.send_str(text)


@dataclass
class _Session:
    id: str
    intents: int
    shard: list[int] | None
    seq: int = 0
    events: list[JSON] = field(default_factory=list)
    conn: _Connection | None = None
    alive: bool = True


_Handler = Callable[["DiscordEmulator", web.Request, Any, dict[str, str]], Any]


class DiscordEmulator:
    """A Discord REST + gateway server on 127.0.0.1 with a simulated world of users, guilds and messages."""

    def __init__(
        self,
        *,
        bot_id: int = DEFAULT_BOT_ID,
        bot_username: str = "Murmure",
        heartbeat_interval_ms: int = 41_250,
        ack_deadline: float = 3.0,
        token_ttl: float = 15 * 60,
        enabled_privileged_intents: int = PRIVILEGED_INTENTS,
        rest_limit: int = 50,
        rest_window: float = 1.0,
        global_limit: int | None = 50,
        latency: float = 0.0,
        conformance: bool = True,
    ) -> None:
        self.bot_id = bot_id
        self.application_id = bot_id
        secret = base64.urlsafe_b64encode(hashlib.sha256(str(bot_id).encode()).digest()).decode()[:38]
        self.token = f"{base64.b64encode(str(bot_id).encode()).decode().rstrip('=')}.GEmuLt.{secret}"
        self.bot = User(bot_id, bot_username, None, bot=True)
        self.owner = User(1_100_000_000_000_000_001, "app-owner", "App Owner")
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.ack_deadline = ack_deadline
        self.token_ttl = token_ttl
        self.enabled_privileged_intents = enabled_privileged_intents
        # Discord's limits, on unless a test asks otherwise: per-route buckets keyed by the route and its
        # major parameter (``route_limits``, else ``rest_limit`` per ``rest_window``), a global limit of
        # ``global_limit`` requests a second for everything but interaction callbacks and followups, the
        # 3-second acknowledgement deadline, 15-minute interaction tokens; ``latency`` seconds are added
        # to every REST answer, as the network would.
        self.rest_limit = rest_limit
        self.rest_window = rest_window
        self.route_limits: dict[str, tuple[int, float]] = dict(ROUTE_LIMITS)
        self.global_limit = global_limit
        self.latency = latency
        self._global_times: list[float] = []
        self.requests: list[Request] = []
        self.attachment_contents: dict[int, bytes] = {}  # an uploaded file's bytes, by attachment id
        self.cdn_failures: list[int] = []  # the statuses the CDN answers its next downloads with
        self.cdn_stalls: list[float] = []  # seconds the CDN waits before answering its next downloads
        # every REST request checked against Discord's OpenAPI description; violations fail the test
        self.conformance = Conformance("discord", enabled=conformance)
        self.unknown_routes: list[str] = []
        self.users: dict[int, User] = {bot_id: self.bot}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.threads: dict[int, Channel] = {}
        self.identify_payloads: list[JSON] = []
        self.resume_payloads: list[JSON] = []
        self.gateway_connections = 0
        self.gateway_queries: list[dict[str, str]] = []  # the query string of every gateway connection
        self.sent_events: list[JSON] = []  # every dispatch as built (before intent filtering)
        self._messages: dict[int, Message] = {}
        self._by_channel: dict[int, list[int]] = {}
        self._dms: dict[int, int] = {}  # user id -> DM channel id
        self._commands: dict[int | None, list[JSON]] = {}
        self._interactions: dict[int, PendingInteraction] = {}
        self._sessions: dict[str, _Session] = {}
        self._connections: set[_Connection] = set()
        self._rate_limits: list[tuple[re.Pattern[str], list[float]]] = []
        self._drops: list[tuple[re.Pattern[str], list[None]]] = []  # answers lost after the server acted
        self._after_acting: list[tuple[re.Pattern[str], Callable[[], object], list[None]]] = []
        self._holds: list[tuple[re.Pattern[str], asyncio.Event]] = []  # requests kept back before acting
        self._nonces: dict[str, tuple[float, int]] = {}  # an enforced nonce -> when, and its message
        self._buckets: dict[str, tuple[int, float]] = {}
        self._last_snowflake = 0
        self._runner: web.AppRunner | None = None
        self._changed = asyncio.Event()
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=25 * 1024 * 1024)
        app.router.add_route("GET", "/gateway", self._gateway)
        app.router.add_route("GET", "/gateway/", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._handle)
        app.router.add_route("GET", r"/attachments/{attachment_id:\d+}/{name}", self._cdn)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        for conn in list(self._connections):
            with contextlib.suppress(Exception):
                await conn.close(1001, "emulator stopping")
        for pending in self._interactions.values():
            if not pending._first.done():
                pending._first.cancel()
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
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """The value for ``discord.http.Route.BASE``."""
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @contextlib.contextmanager
    def patch_discord(self) -> Iterator[None]:
        """Points discord.py (process-wide) at this emulator: ``Route.BASE`` and ``DEFAULT_GATEWAY``."""
        import discord.gateway
        import discord.http
        import yarl

        old_base = discord.http.Route.BASE
        old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url + "/")
        try:
            yield
        finally:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    # -- ids, world building -----------------------------------------------------------------------

    def snowflake(self) -> int:
        value = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last_snowflake = max(value, self._last_snowflake + 1)
        return self._last_snowflake

    def add_user(
        self, user_id: int, username: str, global_name: str | None = None, locale: str = "en-US"
    ) -> User:
        if locale not in LOCALES:
            raise EmulatorError(f"{locale!r} is not a Discord locale")
        user = User(user_id, username, global_name, locale)
        self.users[user_id] = user
        return user

    async def add_guild(
        self,
        guild_id: int,
        name: str,
        owner_id: int,
        channels: Iterable[int | tuple[int, str]] = (),
        members: Iterable[int | Member] = (),
        *,
        roles: Iterable[Role] = (),
        preferred_locale: str = "en-US",
        bot_permissions: int = BOT_PERMISSIONS,
    ) -> Guild:
        """Creates a guild the bot is in (GUILD_CREATE is dispatched when a session is live)."""
        guild = Guild(guild_id, name, owner_id, preferred_locale)
        guild.roles[guild_id] = Role(guild_id, "@everyone", EVERYONE_PERMISSIONS)
        bot_role = Role(self.snowflake(), self.bot.username, bot_permissions, position=1, managed=True)
        guild.roles[bot_role.id] = bot_role
        for role in roles:
            guild.roles[role.id] = role
        for position, spec in enumerate(channels):
            channel_id, channel_name = spec if isinstance(spec, tuple) else (spec, f"channel-{position}")
            channel = Channel(
                channel_id, GUILD_TEXT, channel_name, guild_id, position=position, created=time.time()
            )
            self.channels[channel_id] = channel
            guild.channels.append(channel_id)
        self._user(owner_id)
        guild.members[owner_id] = Member(owner_id)
        for entry in members:
            member = entry if isinstance(entry, Member) else Member(entry)
            self._user(member.user_id)
            guild.members[member.user_id] = member
        guild.members[self.bot_id] = Member(self.bot_id, [bot_role.id])
        self.guilds[guild_id] = guild
        await self._dispatch(
            "GUILD_CREATE", lambda session: self._guild_create(guild, session.intents), guild_id=guild_id
        )
        return guild

    async def remove_bot_from_guild(self, guild_id: int) -> None:
        """The bot is kicked: GUILD_DELETE without ``unavailable``; REST answers 403 afterwards."""
        guild = self._guild(guild_id)
        guild.bot_member = False
        guild.members.pop(self.bot_id, None)
        await self._dispatch("GUILD_DELETE", {"id": str(guild_id)}, guild_id=guild_id)

    def add_role(self, guild_id: int, name: str, permissions: int, *, role_id: int | None = None) -> Role:
        guild = self._guild(guild_id)
        role = Role(role_id or self.snowflake(), name, permissions, position=len(guild.roles))
        guild.roles[role.id] = role
        return role

    def grant(self, guild_id: int, user_id: int, permissions: int, role_name: str | None = None) -> Role:
        """Gives a member a new role with ``permissions`` (e.g. ``MANAGE_GUILD | MANAGE_MESSAGES``)."""
        guild = self._guild(guild_id)
        role = self.add_role(guild_id, role_name or f"perm-{permissions}", permissions)
        guild.members.setdefault(user_id, Member(user_id)).roles.append(role.id)
        return role

    def make_moderator(self, guild_id: int, user_id: int) -> Role:
        return self.grant(guild_id, user_id, MANAGE_GUILD | MANAGE_MESSAGES, "Moderators")

    def make_private(self, channel_id: int, members: Iterable[int]) -> None:
        """@everyone can't view the channel; the given members (and the bot) can. Set before GUILD_CREATE."""
        channel = self._channel(channel_id)
        assert channel.guild_id is not None
        channel.overwrites = [
            {"id": str(channel.guild_id), "type": 0, "allow": "0", "deny": str(VIEW_CHANNEL)},
            *(
                {"id": str(user_id), "type": 1, "allow": str(VIEW_CHANNEL), "deny": "0"}
                for user_id in (*members, self.bot_id)
            ),
        ]

    def revoke_bot_permissions(self, guild_id: int, permissions: int) -> None:
        """An admin takes permissions (e.g. ``CREATE_PUBLIC_THREADS``) from the bot's role; REST needing them
        then answers 403 "Missing Permissions" (50013)."""
        guild = self._guild(guild_id)
        for role_id in guild.members[self.bot_id].roles:
            guild.roles[role_id].permissions &= ~permissions
        guild.roles[guild_id].permissions &= ~permissions

    async def delete_by_hand(self, message_id: int) -> None:
        """A moderator deletes a message in the Discord client (MESSAGE_DELETE; REST on it answers 10008)."""
        await self._delete(self.message(message_id))

    def set_channel_access(self, channel_id: int, bot_can_see: bool) -> None:
        """``bot_can_see=False``: REST on the channel answers 403 "Missing Access" (50001)."""
        self._channel(channel_id).bot_can_see = bot_can_see

    def permissions(self, guild_id: int, user_id: int) -> int:
        guild = self._guild(guild_id)
        if user_id == guild.owner_id:
            return ALL_PERMISSIONS
        member = guild.members.get(user_id)
        if member is None:
            return 0
        value = guild.roles[guild_id].permissions
        for role_id in member.roles:
            value |= guild.roles[role_id].permissions
        return ALL_PERMISSIONS if value & ADMINISTRATOR else value

    # -- rate limits -------------------------------------------------------------------------------

    def rate_limit(self, pattern: str, times: int = 1, retry_after: float = 0.1) -> None:
        """The next ``times`` requests whose ``"METHOD /path"`` matches ``pattern`` (regex search,
        path without ``/api/v10``) answer 429 ``{"retry_after": retry_after, "global": false}``."""
        self._rate_limits.append((re.compile(pattern), [retry_after] * times))

    def drop_after_acting(self, pattern: str, times: int = 1) -> None:
        """The next ``times`` requests whose ``"METHOD /path"`` matches ``pattern`` are carried out, then
        their connection is closed with no answer (a crash or a network cut after Discord acted)."""
        self._drops.append((re.compile(pattern), [None] * times))

    def after_acting(self, pattern: str, action: Callable[[], object], times: int = 1) -> None:
        """The next ``times`` requests whose ``"METHOD /path"`` matches ``pattern`` are carried out, then
        ``action`` runs before their answer leaves (a test kills the bot's process there: inside its window
        between Discord's answer and the commit recording it)."""
        self._after_acting.append((re.compile(pattern), action, [None] * times))

    def hold_before_acting(self, pattern: str) -> asyncio.Event:
        """The next request whose ``"METHOD /path"`` matches ``pattern`` waits, before Discord acts on it,
        until the returned event is set (a request slow on its way: two answers racing, the later-sent one
        taken first). Its time counts, as on Discord (an interaction's 3 s)."""
        release = asyncio.Event()
        self._holds.append((re.compile(pattern), release))
        return release

    # -- inspection --------------------------------------------------------------------------------

    def messages(self, channel_id: int, *, include_deleted: bool = False) -> list[Message]:
        ids = self._by_channel.get(channel_id, [])
        return [self._messages[i] for i in ids if include_deleted or not self._messages[i].deleted]

    def message(self, message_id: int) -> Message:
        try:
            return self._messages[message_id]
        except KeyError:
            raise EmulatorError(f"no message {message_id}") from None

    def last_message(self, channel_id: int) -> Message:
        found = self.messages(channel_id)
        if not found:
            raise EmulatorError(f"no message in channel {channel_id}")
        return found[-1]

    def dm_channel_id(self, user_id: int) -> int | None:
        return self._dms.get(user_id)

    def interaction(self, interaction_id: int) -> PendingInteraction:
        return self._interactions[interaction_id]

    def interaction_responses(self, interaction: PendingInteraction | int) -> list[Callback]:
        pending = (
            interaction if isinstance(interaction, PendingInteraction) else self._interactions[interaction]
        )
        return list(pending.answers)

    def ack_delays(self) -> dict[int, float]:
        """Seconds from dispatch to the first successful callback, per interaction id."""
        return {i: p.ack_delay for i, p in self._interactions.items() if p.ack_delay is not None}

    def commands(self, guild_id: int | None = None) -> list[JSON]:
        return copy.deepcopy(self._commands.get(guild_id, []))

    def calls(self, method: str, path_pattern: str, *, status: int | None = None) -> list[Request]:
        regex = re.compile(path_pattern)
        return [
            r
            for r in self.requests
            if r.method == method and regex.fullmatch(r.path) and (status is None or r.status == status)
        ]

    def live_sessions(self) -> list[str]:
        return [s.id for s in self._sessions.values() if s.alive and s.conn is not None]

    async def wait_until(self, predicate: Callable[[], bool], within: float = 3.0) -> None:
        deadline = time.monotonic() + within
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {within}s")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.05))

    async def wait_for_request(
        self, method: str, path_pattern: str, *, count: int = 1, within: float = 3.0
    ) -> list[Request]:
        await self.wait_until(lambda: len(self.calls(method, path_pattern)) >= count, within)
        return self.calls(method, path_pattern)

    def _touch(self) -> None:
        self._changed.set()

    # -- simulated users ---------------------------------------------------------------------------

    async def user_runs_command(
        self,
        user_id: int,
        guild_id: int | None,
        channel_id: int | None,
        name: str,
        options: Mapping[str, Any] | None = None,
        subcommand: str | None = None,
    ) -> PendingInteraction:
        """A slash command, as the Discord client sends it (``subcommand`` may be ``"group sub"``)."""
        user = self._user(user_id)
        if guild_id is not None:
            guild = self._guild(guild_id)
            if user_id not in guild.members:
                raise EmulatorError(f"user {user_id} is not a member of guild {guild_id}")
            if channel_id is None or self._channel(channel_id).guild_id != guild_id:
                raise EmulatorError(f"channel {channel_id} is not in guild {guild_id}")
        else:
            channel_id = self._open_dm(user_id).id
        command, scope = self._find_command(name, guild_id)
        if guild_id is not None and command.get("default_member_permissions") is not None:
            needed = int(command["default_member_permissions"])
            if self.permissions(guild_id, user_id) & needed != needed:
                raise EmulatorError(f"/{name} is hidden from user {user_id} (default_member_permissions)")
        schema_options: list[JSON] = command.get("options") or []
        resolved: JSON = {}
        if subcommand:
            parts = subcommand.split()
            wrappers: list[JSON] = []
            for part in parts:
                sub = next((o for o in schema_options if o["name"] == part and o["type"] in (1, 2)), None)
                if sub is None:
                    raise EmulatorError(f"/{name} has no subcommand {part!r}")
                wrappers.append({"type": sub["type"], "name": part})
                schema_options = sub.get("options") or []
            leaf = self._command_options(schema_options, options or {}, guild_id, resolved)
            wrappers[-1]["options"] = leaf
            for outer, inner in itertools.pairwise(wrappers):
                outer["options"] = [inner]
            data_options = [wrappers[0]]
        else:
            if any(o["type"] in (1, 2) for o in schema_options):
                raise EmulatorError(f"/{name} needs a subcommand")
            data_options = self._command_options(schema_options, options or {}, guild_id, resolved)
        data: JSON = {"id": command["id"], "name": command["name"], "type": command.get("type", 1)}
        if data_options:
            data["options"] = data_options
        if resolved:
            data["resolved"] = resolved
        if scope is not None:
            data["guild_id"] = str(scope)
        return await self._interact(APPLICATION_COMMAND, user, guild_id, channel_id, data)

    async def user_runs_message_command(
        self, user_id: int, message: Message | int, name: str
    ) -> PendingInteraction:
        """A message's context menu (Apps > NAME) in a guild channel, as the Discord client sends it: the
        target message resolved in full (its content comes with message commands without the message
        content intent)."""
        user = self._user(user_id)
        target = self.message(message if isinstance(message, int) else message.id)
        channel = self._channel(target.channel_id)
        if channel.guild_id is None:
            raise EmulatorError("message commands are run on guild messages here")
        if user_id not in self._guild(channel.guild_id).members:
            raise EmulatorError(f"user {user_id} is not a member of guild {channel.guild_id}")
        command, scope = self._find_command(name, channel.guild_id, kind=MESSAGE_COMMAND)
        data: JSON = {
            "id": command["id"],
            "name": command["name"],
            "type": MESSAGE_COMMAND,
            "target_id": str(target.id),
            "resolved": {"messages": {str(target.id): self._message_json(target)}},
        }
        if scope is not None:
            data["guild_id"] = str(scope)
        return await self._interact(APPLICATION_COMMAND, user, channel.guild_id, channel.id, data)

    async def user_clicks(
        self,
        user_id: int,
        message: Message | int,
        custom_id: str,
        values: list[str] | None = None,
        *,
        forged: bool = False,
        component_type: int = 2,
    ) -> PendingInteraction:
        """A click on a button (or a choice in a select menu) of a message the bot posted.

        ``forged=True`` skips every check (a crafted request, e.g. a ``custom_id`` that never existed)."""
        msg = self._messages[message] if isinstance(message, int) else self._messages[message.id]
        user = self._user(user_id)
        data: JSON = {"custom_id": custom_id, "component_type": component_type}
        if not forged:
            if msg.deleted:
                raise EmulatorError(f"message {msg.id} was deleted")
            if msg.visible_to is not None and msg.visible_to != user_id:
                raise EmulatorError(f"user {user_id} cannot see ephemeral message {msg.id}")
            if msg.guild_id is not None and user_id not in self._guild(msg.guild_id).members:
                raise EmulatorError(f"user {user_id} is not in guild {msg.guild_id}")
            component = msg.component(custom_id)
            if component is None:
                raise EmulatorError(f"no component {custom_id!r} on message {msg.id}: {msg.custom_ids}")
            if component.get("disabled"):
                raise EmulatorError(f"component {custom_id!r} is disabled")
            data["component_type"] = component["type"]
            if component["type"] in SELECT_TYPES:
                values = list(values or [])
                low, high = component.get("min_values", 1), component.get("max_values", 1)
                if not low <= len(values) <= high:
                    raise EmulatorError(f"select {custom_id!r} takes {low}..{high} values, got {values}")
                if component["type"] == 3:
                    allowed = {o["value"] for o in component.get("options", [])}
                    if not set(values) <= allowed:
                        raise EmulatorError(f"values {values} not among options {sorted(allowed)}")
            elif values is not None:
                raise EmulatorError("values are only for select menus")
        if values is not None:
            data["values"] = values
        return await self._interact(
            MESSAGE_COMPONENT, user, msg.guild_id, msg.channel_id, data, message=self._message_json(msg)
        )

    async def user_submits_modal(
        self,
        user_id: int,
        modal_response_from_bot: PendingInteraction,
        values: Mapping[str, str | list[str] | list[tuple[str, bytes, str]]],
    ) -> PendingInteraction:
        """Submits the modal the bot opened (callback type 9) in answer to ``modal_response_from_bot``; a file
        upload's value is a list of (file name, bytes, content type), sent as attachments the interaction's
        ``data.resolved.attachments`` carries and the component's ``values`` name by id."""
        source = modal_response_from_bot
        if source.modal is None:
            raise EmulatorError(f"the bot answered interaction {source.id} without a modal")
        if source.user_id != user_id:
            raise EmulatorError("only the user who got the modal can submit it")
        if source.modal_submitted:
            raise EmulatorError("this modal was already submitted (Discord closes it)")
        remaining = dict(values)
        resolved: JSON = {}
        components = [self._submit_component(c, remaining, resolved) for c in source.modal["components"]]
        if remaining:
            raise EmulatorError(f"the modal has no input {sorted(remaining)}")
        source.modal_submitted = True
        data = {"custom_id": source.modal["custom_id"], "components": components}
        if resolved:
            data["resolved"] = resolved
        extra: JSON = {}
        if source.message_id is not None:
            extra["message"] = self._message_json(self._messages[source.message_id])
        return await self._interact(
            MODAL_SUBMIT, self._user(user_id), source.guild_id, source.channel_id, data, **extra
        )

    async def user_sends_dm(
        self, user_id: int, text: str, files: list[tuple[str, bytes, str]] | None = None
    ) -> Message:
        """The user writes to the bot in their DM channel (MESSAGE_CREATE with DIRECT_MESSAGES), with
        files attached as (file name, bytes, content type)."""
        user = self._user(user_id)
        channel = self._open_dm(user_id)
        if not text and not files:
            raise EmulatorError("Discord clients send no empty message")
        if len(files or []) > 10 or any(len(data) > MAX_USER_UPLOAD for _, data, _ in files or []):
            raise EmulatorError("Discord clients attach at most 10 files of 500 MiB each (with Nitro)")
        attachments = [
            _attachment(self, {"filename": name, "size": len(data), "content": data, "content_type": kind})
            for name, data, kind in files or []
        ]
        message = self._store(channel, user.to_api(), text, attachments=attachments)
        await self._dispatch_message("MESSAGE_CREATE", message)
        return message

    async def user_edits_dm(self, message: Message, text: str) -> None:
        """The user edits a message they sent the bot in DM (MESSAGE_UPDATE with DIRECT_MESSAGES)."""
        if message.guild_id is not None or message.author_id == self.bot_id:
            raise EmulatorError("only a user's own DM to the bot is edited here")
        if not text and not message.attachments:
            raise EmulatorError("Discord clients leave no message empty")
        message.content = text
        message.edited = time.time()
        await self._dispatch_message("MESSAGE_UPDATE", message)

    async def user_submits_forged_modal(
        self, user_id: int, guild_id: int | None, channel_id: int | None, data: JSON
    ) -> PendingInteraction:
        """A modal submission no modal was opened for (a crafted request, or a modal the bot opened before
        it restarted): ``data`` is sent as it is (``custom_id``, ``components``)."""
        if channel_id is None:
            channel_id = self._open_dm(user_id).id
        return await self._interact(MODAL_SUBMIT, self._user(user_id), guild_id, channel_id, data)

    async def user_interacts_altered(
        self,
        user_id: int,
        guild_id: int | None,
        channel_id: int | None,
        kind: int,
        data: JSON,
        alter: Callable[[JSON], None],
    ) -> PendingInteraction:
        """An interaction built as Discord builds it, then changed by ``alter`` before it is dispatched (an
        unknown guild or channel, a field of the wrong type): what a broken or hostile client could send.
        Answers to it land in ``channel_id`` as usual."""
        if channel_id is None:
            channel_id = self._open_dm(user_id).id
        return await self._interact(kind, self._user(user_id), guild_id, channel_id, data, alter=alter)

    async def user_sends(self, user_id: int, channel_id: int, text: str) -> Message:
        """The user writes in a guild channel or thread (MESSAGE_CREATE with GUILD_MESSAGES)."""
        channel = self._channel(channel_id)
        if channel.guild_id is None or user_id not in self._guild(channel.guild_id).members:
            raise EmulatorError(f"user {user_id} cannot write in channel {channel_id}")
        message = self._store(channel, self._user(user_id).to_api(), text)
        await self._dispatch_message("MESSAGE_CREATE", message)
        return message

    # -- gateway control ---------------------------------------------------------------------------

    async def disconnect_gateway(self, code: int = 4000) -> None:
        """Closes every live gateway socket with ``code``; sessions stay resumable (unless 4004/4009/...)."""
        for conn in list(self._connections):
            session = conn.session
            if session is not None and code in (4004, 4007, 4009, 4010, 4011, 4012, 4013, 4014):
                session.alive = False
            await conn.close(code, "emulator disconnect")

    async def invalidate_sessions(self, resumable: bool = False) -> None:
        """Sends op 9 INVALID_SESSION to every live socket."""
        for conn in list(self._connections):
            if conn.session is not None and not resumable:
                conn.session.alive = False
            await conn.send({"op": 9, "d": resumable, "s": None, "t": None})

    async def dispatch_raw(self, event: str, data: JSON) -> None:
        """Dispatches any event as it is (for events the emulator does not model)."""
        await self._dispatch(event, data)

    # -- internals: world --------------------------------------------------------------------------

    def _user(self, user_id: int) -> User:
        try:
            return self.users[user_id]
        except KeyError:
            raise EmulatorError(f"unknown user {user_id}: add_user() first") from None

    def _guild(self, guild_id: int) -> Guild:
        try:
            return self.guilds[guild_id]
        except KeyError:
            raise EmulatorError(f"unknown guild {guild_id}") from None

    def _channel(self, channel_id: int) -> Channel:
        try:
            return self.channels[channel_id]
        except KeyError:
            raise EmulatorError(f"unknown channel {channel_id}") from None

    def _open_dm(self, user_id: int) -> Channel:
        if user_id not in self._dms:
            channel = Channel(self.snowflake(), DM, recipient_id=user_id, created=time.time())
            self.channels[channel.id] = channel
            self._dms[user_id] = channel.id
        return self.channels[self._dms[user_id]]

    def _member_json(self, guild: Guild, user_id: int, *, with_user: bool = True) -> JSON:
        member = guild.members[user_id]
        data: JSON = {
            "roles": [str(r) for r in member.roles],
            "nick": member.nick,
            "avatar": None,
            "banner": None,
            "joined_at": _iso(member.joined),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.users[user_id].to_api()
        return data

    def _guild_json(self, guild: Guild) -> JSON:
        return {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(guild.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 1,
            "default_message_notifications": 1,
            "explicit_content_filter": 2,
            "roles": [r.to_api() for r in guild.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": _opt(guild.channels[0] if guild.channels else None),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": guild.preferred_locale,
            "max_members": 500000,
            "max_video_channel_users": 25,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "region": "deprecated",
        }

    def _guild_create(self, guild: Guild, intents: int) -> JSON:
        data = self._guild_json(guild)
        members = guild.members if intents & INTENT_GUILD_PRESENCES else {self.bot_id: None}
        data |= {
            "joined_at": _iso(guild.members[self.bot_id].joined),
            "large": False,
            "unavailable": False,
            "member_count": len(guild.members),
            "members": [self._member_json(guild, uid) for uid in members if uid in guild.members],
            "channels": [self.channels[c].to_api(self) for c in guild.channels],
            "threads": [t.to_api(self) for t in self.threads.values() if t.guild_id == guild.id],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "embedded_activities": [],
        }
        return data

    def _store(self, channel: Channel, author: JSON, content: str, **fields: Any) -> Message:
        message = Message(
            self.snowflake(), channel.id, channel.guild_id, author, content, timestamp=time.time(), **fields
        )
        self._messages[message.id] = message
        self._by_channel.setdefault(channel.id, []).append(message.id)
        channel.last_message_id = message.id
        self._touch()
        return message

    def _message_json(self, message: Message, *, gateway: bool = False, intents: int = 0) -> JSON:
        mentions = [
            self.users[int(m["id"])].to_api()
            for m in _MENTION.finditer(message.content)
            if not m["role"] and int(m["id"]) in self.users
        ]
        data: JSON = {
            "id": str(message.id),
            "channel_id": str(message.channel_id),
            "author": message.author,
            "content": message.content,
            "timestamp": _iso(message.timestamp),
            "edited_timestamp": None if message.edited is None else _iso(message.edited),
            "tts": False,
            "mention_everyone": "everyone" in message.notified(self),
            "mentions": mentions,
            "mention_roles": [m["id"] for m in _MENTION.finditer(message.content) if m["role"]],
            "attachments": message.attachments,
            "embeds": message.embeds,
            "pinned": False,
            "type": message.type,
            "flags": message.flags,
            "components": message.components,
        }
        if message.webhook_id is not None:
            data["webhook_id"] = str(message.webhook_id)
            data["application_id"] = str(self.application_id)
        if message.interaction_metadata is not None:
            data["interaction_metadata"] = message.interaction_metadata
        if message.message_reference is not None:
            data["message_reference"] = message.message_reference
        if message.thread_id is not None and message.thread_id in self.threads:
            data["thread"] = self.threads[message.thread_id].to_api(self)
        if gateway:
            if message.guild_id is not None:
                data["guild_id"] = str(message.guild_id)
                guild = self.guilds[message.guild_id]
                if message.author_id in guild.members:
                    data["member"] = self._member_json(guild, message.author_id, with_user=False)
            privileged = (
                intents & INTENT_MESSAGE_CONTENT
                or message.guild_id is None
                or message.author_id == self.bot_id
                or str(self.bot_id) in {m["id"] for m in mentions}
            )
            if not privileged:
                data |= {"content": "", "embeds": [], "components": [], "attachments": []}
        return copy.deepcopy(data)

    # -- internals: gateway ------------------------------------------------------------------------

    async def _dispatch(
        self,
        event: str,
        data: JSON | Callable[[_Session], JSON],
        *,
        newest_only: bool = False,
        needed: int = 0,
        guild_id: int | Literal["auto"] | None = "auto",
    ) -> int:
        """Sends a dispatch to every live (or resumable) session of the shard it belongs to (its guild's, read
        from the payload's ``guild_id`` unless given; no guild: shard 0's); returns how many got it."""
        if guild_id == "auto":
            named = data.get("guild_id") if isinstance(data, dict) else None
            guild_id = int(named) if named is not None else None
        sessions = [
            s
            for s in self._sessions.values()
            if s.alive and s.intents & needed == needed and self._serves(s, guild_id)
        ]
        if newest_only:
            sessions = sessions[-1:]
        for session in sessions:
            payload = data(session) if callable(data) else data
            await self._send_event(session, event, payload)
        return len(sessions)

    async def _dispatch_message(self, event: str, message: Message) -> None:
        if message.ephemeral:
            return
        needed = INTENT_DIRECT_MESSAGES if message.guild_id is None else INTENT_GUILD_MESSAGES
        for session in [s for s in self._sessions.values() if s.alive and self._serves(s, message.guild_id)]:
            if session.intents & needed:
                payload = self._message_json(message, gateway=True, intents=session.intents)
                await self._send_event(session, event, payload)

    @staticmethod
    def _serves(session: _Session, guild_id: int | None) -> bool:
        """Whether the session's shard gets the events of this guild (DMs: shard 0), as Discord routes them:
        ``(guild_id >> 22) % num_shards == shard_id``."""
        if session.shard is None:
            return True
        shard_id, count = session.shard
        return shard_id == 0 if guild_id is None else (guild_id >> 22) % count == shard_id

    async def _send_event(self, session: _Session, event: str, data: JSON) -> None:
        session.seq += 1
        payload = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.events.append(payload)
        self.sent_events.append(payload)
        if session.conn is not None:
            await session.conn.send(payload)
        self._touch()

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        if request.query.get("v", "10") != "10":
            raise web.HTTPBadRequest(text="unsupported gateway version")
        if request.query.get("encoding", "json") != "json":
            raise web.HTTPBadRequest(text="only encoding=json is emulated")
        compress = request.query.get("compress")
        if compress not in (None, "zlib-stream"):
            raise web.HTTPBadRequest(text=f"compress={compress} is not emulated")
        self.gateway_queries.append(dict(request.query))
        ws = web.WebSocketResponse(autoping=True, max_msg_size=16 * 1024 * 1024)
        await ws.prepare(request)
        conn = _Connection(ws, compress == "zlib-stream")
        self._connections.add(conn)
        self.gateway_connections += 1
        try:
            await conn.send(
                {
                    "op": 10,
                    "d": {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": ["emu"]},
                    "s": None,
                    "t": None,
                }
            )
            async for msg in ws:
                if msg.type is aiohttp.WSMsgType.TEXT:
                    await self._on_gateway_message(conn, msg.data)
                elif msg.type is aiohttp.WSMsgType.BINARY:
                    await conn.close(4002, "Error while decoding payload.")
        finally:
            self._connections.discard(conn)
            session = conn.session
            if session is not None and session.conn is conn:
                session.conn = None
                if ws.close_code in (1000, 1001) and not conn.closed_by_server:
                    session.alive = False
            self._touch()
        return ws

    async def _on_gateway_message(self, conn: _Connection, text: str) -> None:
        try:
            msg = json.loads(text)
            op = msg["op"]
        except (ValueError, KeyError, TypeError):
            await conn.close(4002, "Error while decoding payload.")
            return
        data = msg.get("d")
        if op == 1:
            conn.heartbeats += 1
            await conn.send({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            await self._identify(conn, data)
        elif op == 6:
            await self._resume(conn, data)
        elif conn.session is None:
            await conn.close(4003, "Not authenticated.")
        elif op == 8:
            await self._request_members(conn, data)
        elif op in (3, 4):
            pass  # presence and voice state updates: accepted, not modelled
        else:
            await conn.close(4001, "Unknown opcode.")

    async def _identify(self, conn: _Connection, data: JSON) -> None:
        self.identify_payloads.append(data)
        if conn.session is not None:
            await conn.close(4005, "Already authenticated.")
            return
        if data.get("token") != self.token:
            await conn.close(4004, "Authentication failed.")
            return
        intents = data.get("intents")
        if not isinstance(intents, int) or intents < 0 or intents >= 1 << 26:
            await conn.close(4013, "Invalid intent(s).")
            return
        if intents & PRIVILEGED_INTENTS & ~self.enabled_privileged_intents:
            await conn.close(4014, "Disallowed intent(s).")
            return
        shard = data.get("shard")
        if shard is not None and not (
            isinstance(shard, list)
            and len(shard) == 2
            and all(isinstance(n, int) for n in shard)
            and 0 <= shard[0] < shard[1]
        ):
            await conn.close(4010, "Invalid shard.")
            return
        session = _Session(secrets.token_hex(16), intents, shard)
        self._sessions[session.id] = session
        session.conn = conn
        conn.session = session
        ready: JSON = {
            "v": 10,
            "user": self.bot.to_api() | {"verified": True, "mfa_enabled": False, "flags": 0, "email": None},
            "guilds": [
                {"id": str(g.id), "unavailable": True}
                for g in self.guilds.values()
                if g.bot_member and self._serves(session, g.id)
            ],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "user_settings": {},
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "auth": {},
            "_trace": ["emulator"],
        }
        if session.shard is not None:
            ready["shard"] = session.shard
        await self._send_event(session, "READY", ready)
        for guild in list(self.guilds.values()):
            if guild.bot_member and self._serves(session, guild.id):
                await self._send_event(session, "GUILD_CREATE", self._guild_create(guild, intents))

    async def _resume(self, conn: _Connection, data: JSON) -> None:
        self.resume_payloads.append(data)
        session = self._sessions.get(str(data.get("session_id")))
        if data.get("token") != self.token:
            await conn.close(4004, "Authentication failed.")
            return
        if session is None or not session.alive:
            await conn.send({"op": 9, "d": False, "s": None, "t": None})
            return
        seq = data.get("seq") or 0
        if session.conn is not None and session.conn is not conn:
            await session.conn.close(4000, "Session resumed elsewhere.")
        session.conn = conn
        conn.session = session
        for payload in list(session.events):
            if payload["s"] > seq:
                await conn.send(payload)
        await self._send_event(session, "RESUMED", {"_trace": ["emulator"]})

    async def _request_members(self, conn: _Connection, data: JSON) -> None:
        assert conn.session is not None
        guild = self.guilds.get(int(data["guild_id"]))
        if guild is None:
            return
        ids = {int(u) for u in data.get("user_ids") or []}
        query = (data.get("query") or "").lower()
        found = [
            uid
            for uid in guild.members
            if (not ids or uid in ids) and self.users[uid].username.lower().startswith(query)
        ]
        limit = data.get("limit") or 0
        if limit:
            found = found[:limit]
        chunk: JSON = {
            "guild_id": str(guild.id),
            "members": [self._member_json(guild, uid) for uid in found],
            "chunk_index": 0,
            "chunk_count": 1,
        }
        if ids:
            chunk["not_found"] = [str(i) for i in ids - set(found)]
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        await self._send_event(conn.session, "GUILD_MEMBERS_CHUNK", chunk)

    # -- internals: interactions -------------------------------------------------------------------

    def _find_command(self, name: str, guild_id: int | None, kind: int = 1) -> tuple[JSON, int | None]:
        if guild_id is not None:
            for command in self._commands.get(guild_id, []):
                if command["name"] == name and command.get("type", 1) == kind:
                    return command, guild_id
        for command in self._commands.get(None, []):
            if command["name"] == name and command.get("type", 1) == kind:
                contexts = command.get("contexts")
                if guild_id is None and (
                    command.get("dm_permission") is False or (contexts and 1 not in contexts)
                ):
                    raise EmulatorError(f"/{name} is not available in DMs")
                if guild_id is not None and contexts and 0 not in contexts:
                    raise EmulatorError(f"/{name} is not available in guilds")
                return command, None
        raise EmulatorError(f"/{name} is not registered (sync the command tree first)")

    def _command_options(
        self, schema: list[JSON], given: Mapping[str, Any], guild_id: int | None, resolved: JSON
    ) -> list[JSON]:
        by_name = {o["name"]: o for o in schema}
        unknown = set(given) - set(by_name)
        if unknown:
            raise EmulatorError(f"unknown options {sorted(unknown)}; the command has {sorted(by_name)}")
        out: list[JSON] = []
        for option in schema:
            if option["name"] not in given:
                if option.get("required"):
                    raise EmulatorError(f"option {option['name']!r} is required")
                continue
            value = given[option["name"]]
            kind = option["type"]
            if kind == 3:
                value = str(value)
                low, high = option.get("min_length", 0), option.get("max_length", 6000)
                if not low <= len(value) <= high:
                    raise EmulatorError(f"option {option['name']!r} takes {low}..{high} characters")
            elif kind == 4:
                if isinstance(value, bool) or not isinstance(value, int):
                    raise EmulatorError(f"option {option['name']!r} is an integer")
            elif kind == 10:
                value = float(value)
            elif kind == 5:
                value = bool(value)
            elif kind == 6:
                user = self._user(int(value))
                resolved.setdefault("users", {})[str(user.id)] = user.to_api()
                if guild_id is not None and user.id in self.guilds[guild_id].members:
                    member = self._member_json(self.guilds[guild_id], user.id, with_user=False)
                    member["permissions"] = str(self.permissions(guild_id, user.id))
                    resolved.setdefault("members", {})[str(user.id)] = member
                value = str(user.id)
            elif kind == 7:
                channel = self._channel(int(value))
                resolved.setdefault("channels", {})[str(channel.id)] = channel.to_api(self) | {
                    "permissions": str(ALL_PERMISSIONS)
                }
                value = str(channel.id)
            elif kind == 8:
                if guild_id is None:
                    raise EmulatorError("role options only exist in guilds")
                role = self.guilds[guild_id].roles[int(value)]
                resolved.setdefault("roles", {})[str(role.id)] = role.to_api()
                value = str(role.id)
            choices = option.get("choices")
            if choices and value not in [c["value"] for c in choices]:
                raise EmulatorError(f"{value!r} is not a choice of {option['name']!r}")
            out.append({"name": option["name"], "type": kind, "value": value})
        return out

    def _submit_component(self, component: JSON, remaining: dict[str, Any], resolved: JSON) -> JSON:
        kind = component["type"]
        if kind == 1:
            return {
                "type": 1,
                "components": [
                    self._submit_component(c, remaining, resolved) for c in component["components"]
                ],
            }
        if kind == 18:
            return {
                "type": 18,
                "component": self._submit_component(component["component"], remaining, resolved),
            }
        if kind == 10:  # text display
            return {"type": 10}
        custom_id = component["custom_id"]
        value = remaining.pop(custom_id, None)
        if kind == 4:
            text = "" if value is None else value
            if not isinstance(text, str):
                raise EmulatorError(f"text input {custom_id!r} takes a string")
            required = component.get("required", True)
            if required and not text:
                raise EmulatorError(f"text input {custom_id!r} is required")
            low, high = component.get("min_length", 0), component.get("max_length", 4000)
            if text and not low <= len(text) <= high:
                raise EmulatorError(f"text input {custom_id!r} takes {low}..{high} characters")
            return {"type": 4, "custom_id": custom_id, "value": text}
        if kind in SELECT_TYPES:
            chosen = [] if value is None else [value] if isinstance(value, str) else list(value)
            return {"type": kind, "custom_id": custom_id, "values": chosen}
        if kind == FILE_UPLOAD:
            return self._submit_files(component, value or [], resolved)
        raise EmulatorError(f"component type {kind} in a modal is not emulated")

    def _submit_files(self, component: JSON, files: Any, resolved: JSON) -> JSON:
        """A file upload as the client submits it: the files uploaded as attachments, named by id in
        ``values`` and described in ``resolved.attachments``; the component's bounds hold."""
        custom_id = component["custom_id"]
        if not isinstance(files, list) or not all(
            isinstance(f, tuple) and len(f) == 3 and isinstance(f[1], bytes) for f in files
        ):
            raise EmulatorError(f"file upload {custom_id!r} takes a list of (name, bytes, content type)")
        required = component.get("required", True)
        low = component.get("min_values")
        high = component.get("max_values")
        low, high = (1 if low is None else low), (1 if high is None else high)
        if required and not files:
            raise EmulatorError(f"file upload {custom_id!r} is required")
        if files and not low <= len(files) <= high:
            raise EmulatorError(f"file upload {custom_id!r} takes {low}..{high} files")
        if any(len(data) > MAX_USER_UPLOAD for _, data, _ in files):
            raise EmulatorError("Discord clients upload files of 500 MiB at most (with Nitro)")
        attachments = [
            _attachment(self, {"filename": name, "size": len(data), "content": data, "content_type": kind})
            for name, data, kind in files
        ]
        for attachment in attachments:
            resolved.setdefault("attachments", {})[attachment["id"]] = attachment
        return {"type": FILE_UPLOAD, "custom_id": custom_id, "values": [a["id"] for a in attachments]}

    async def _interact(
        self,
        kind: int,
        user: User,
        guild_id: int | None,
        channel_id: int,
        data: JSON,
        alter: Callable[[JSON], None] | None = None,
        **extra: Any,
    ) -> PendingInteraction:
        channel = self._channel(channel_id)
        interaction_id = self.snowflake()
        payload: JSON = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "channel_id": str(channel_id),
            "channel": channel.to_api(self),
            "token": "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48),
            "version": 1,
            "locale": user.locale,
            "entitlements": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if guild_id is not None:
            guild = self._guild(guild_id)
            member = self._member_json(guild, user.id)
            member["permissions"] = str(self.permissions(guild_id, user.id))
            payload |= {
                "guild_id": str(guild_id),
                "guild": {"id": str(guild_id), "locale": guild.preferred_locale, "features": []},
                "guild_locale": guild.preferred_locale,
                "member": member,
                "app_permissions": str(self.permissions(guild_id, self.bot_id)),
                "context": 0,
                "authorizing_integration_owners": {"0": str(guild_id)},
            }
        else:
            payload |= {
                "user": user.to_api(),
                "app_permissions": str(EVERYONE_PERMISSIONS & ~MANAGE_MESSAGES),
                "context": 1,
                "authorizing_integration_owners": {"0": "0"},
            }
        payload |= extra
        pending = PendingInteraction(self, payload, user.id, channel_id)
        self._interactions[interaction_id] = pending
        if alter is not None:
            payload = copy.deepcopy(payload)
            alter(payload)
        # stamped as the event leaves for the gateway: a bot's answer always comes after it, and the time the
        # emulator took to build the event is not counted in the bot's (Discord's own work before it sends)
        pending.dispatched_at = time.monotonic()
        delivered = await self._dispatch("INTERACTION_CREATE", payload, newest_only=True)
        if not delivered:
            raise EmulatorError("no gateway session: the interaction would fail ('This interaction failed')")
        return pending

    # -- internals: REST ---------------------------------------------------------------------------

    async def _cdn(self, request: web.Request) -> web.Response:
        """An attachment's bytes, as Discord's CDN serves them (no authorization needed)."""
        if self.cdn_stalls:
            await asyncio.sleep(self.cdn_stalls.pop(0))
        if self.cdn_failures:
            return web.Response(status=self.cdn_failures.pop(0), text="CDN failure")
        data = self.attachment_contents.get(int(request.match_info["attachment_id"]))
        if data is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=data, content_type="application/octet-stream")

    def attachment_bytes(self, attachment: JSON) -> bytes:
        """The bytes of an attachment of a message (what a member would download)."""
        return self.attachment_contents[int(attachment["id"])]

    async def _not_found(self, request: web.Request) -> web.Response:
        self.unknown_routes.append(f"{request.method} {request.path}")
        return _json_response({"message": "404: Not Found", "code": 0}, status=404)

    async def _read_body(self, request: web.Request) -> Any:
        if not request.can_read_body:
            return None
        if request.content_type.startswith("multipart/"):
            body: JSON = {}
            files: list[JSON] = []
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, aiohttp.BodyPartReader):
                    continue
                if part.name == "payload_json":
                    body = json.loads(await part.text())
                else:
                    content = bytes(await part.read())
                    kind = part.headers.get("Content-Type", "")
                    files.append(
                        {"name": part.name, "filename": part.filename, "size": len(content), "content_type": kind,
                         "content": content}
                    )  # fmt: skip
            if not isinstance(body, dict):
                raise ApiError(400, 50109, "The request body contains invalid JSON.")
            if isinstance(body.get("data"), dict):  # an interaction's answer: the files are its message's
                body["data"] = {**body["data"], "_files": files}
            else:
                body["_files"] = files
            return body
        raw = await request.read()
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise ApiError(400, 50109, "The request body contains invalid JSON.") from None

    async def _handle(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        record = Request(request.method, path, None, dict(request.query), time.monotonic())
        self.requests.append(record)
        headers: dict[str, str] = {}
        try:
            record.json = await self._read_body(request)
            problems = check_request(request.method, path, dict(request.query), record.json)
            self.conformance.record(f"{request.method} {path}", problems)
            handler, params, bucket = self._route(request.method, path)
            if self.latency:
                await asyncio.sleep(self.latency)
            await self._held(f"{request.method} {path}")
            injected = self._injected_429(f"{request.method} {path}")
            if injected is not None:
                raise _TooMany(injected, scope="user")
            if not path.startswith(("/interactions/", "/webhooks/")):
                self._check_global()
            if bucket is not None:
                headers = self._bucket_headers(bucket)
            public = path == "/gateway" or path.startswith(("/interactions/", "/webhooks/"))
            if not public and request.headers.get("Authorization") != f"Bot {self.token}":
                raise ApiError(401, 0, "401: Unauthorized")
            result = await handler(self, request, record.json, params)
            for regex, action, pending in self._after_acting:
                if pending and regex.search(f"{request.method} {path}"):
                    pending.pop()
                    action()
            if self._dropped(f"{request.method} {path}"):
                record.status = 0
                assert request.transport is not None
                request.transport.close()  # acted, never answered
                return web.Response(status=204)
            if result is None:
                record.status = 204
                return web.Response(status=204, headers=headers)
            record.status, record.response = 200, result
            return _json_response(result, headers=headers)
        except _TooMany as exc:
            record.status = 429
            is_global = exc.scope == "global"
            record.response = {
                "message": "You are being rate limited.",
                "retry_after": exc.retry_after,
                "global": is_global,
            }
            too_many = headers | {
                "Retry-After": str(max(1, math.ceil(exc.retry_after))),
                "X-RateLimit-Scope": exc.scope,
                "Via": "1.1 google",
            }
            if is_global:
                too_many["X-RateLimit-Global"] = "true"
            return _json_response(record.response, status=429, headers=too_many)
        except ApiError as exc:
            record.status, record.response = exc.status, exc.body()
            return _json_response(exc.body(), status=exc.status, headers=headers)
        finally:
            self._touch()

    def _route(self, method: str, path: str) -> tuple[_Handler, dict[str, str], str | None]:
        allowed = False
        for route_method, regex, handler, bucket in _ROUTES:
            match = regex.fullmatch(path)
            if match is None:
                continue
            allowed = True
            if route_method == method:
                params = match.groupdict()
                major = params.get("channel_id") or params.get("guild_id") or params.get("token") or ""
                key = None if bucket is None else f"{bucket}:{major}"
                return handler, params, key
        if allowed:
            raise ApiError(405, 0, "405: Method Not Allowed")
        self.unknown_routes.append(f"{method} {path}")
        raise ApiError(404, 0, "404: Not Found")

    async def _held(self, key: str) -> None:
        for index, (regex, release) in enumerate(self._holds):
            if regex.search(key):
                del self._holds[index]
                await release.wait()
                return

    def _dropped(self, key: str) -> bool:
        for regex, pending in self._drops:
            if pending and regex.search(key):
                pending.pop()
                return True
        return False

    def _injected_429(self, key: str) -> float | None:
        for regex, pending in self._rate_limits:
            if pending and regex.search(key):
                return pending.pop(0)
        return None

    def _check_global(self) -> None:
        if self.global_limit is None:
            return
        now = time.monotonic()
        self._global_times[:] = [t for t in self._global_times if now - t < 1.0]
        if len(self._global_times) >= self.global_limit:
            raise _TooMany(round(1.0 - (now - self._global_times[0]), 3), scope="global")
        self._global_times.append(now)

    def _bucket_headers(self, key: str) -> dict[str, str]:
        route = key.rsplit(":", 1)[0]
        limit, window = self.route_limits.get(route, (self.rest_limit, self.rest_window))
        now = time.monotonic()
        used, reset_at = self._buckets.get(key, (0, now + window))
        if now >= reset_at:
            used, reset_at = 0, now + window
        if used >= limit:
            raise _TooMany(round(reset_at - now, 3), scope="user")
        used += 1
        self._buckets[key] = (used, reset_at)
        bucket = hashlib.sha1(route.encode()).hexdigest()[:32]
        return {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(limit - used),
            "X-RateLimit-Reset": f"{time.time() + reset_at - now:.3f}",
            "X-RateLimit-Reset-After": f"{reset_at - now:.3f}",
            "X-RateLimit-Bucket": bucket,
        }

    def _visible_channel(self, channel_id: str) -> Channel:
        channel = self.channels.get(int(channel_id))
        if channel is None:
            raise not_found(10003, "Channel")
        if channel.guild_id is not None:
            guild = self.guilds[channel.guild_id]
            if not guild.bot_member or not channel.bot_can_see:
                raise ApiError(403, 50001, "Missing Access")
        return channel

    def _guild_for_bot(self, guild_id: str) -> Guild:
        guild = self.guilds.get(int(guild_id))
        if guild is None:
            raise not_found(10004, "Guild")
        if not guild.bot_member:
            raise ApiError(403, 50001, "Missing Access")
        return guild

    def _check_app(self, app_id: str) -> None:
        if int(app_id) != self.application_id:
            raise ApiError(403, 20012, "You are not authorized to perform this action on this application")

    # message validation --------------------------------------------------------------------------

    def _validate_message(self, body: Any, *, allowed_flags: int, partial: bool) -> JSON:
        if not isinstance(body, dict):
            raise ApiError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "_errors": [
                        {
                            "code": "DICT_TYPE_CONVERT",
                            "message": "Only dictionaries may be used in a DictType",
                        }
                    ]
                },
            )
        errors = FormErrors()
        content = body.get("content")
        if content is not None:
            errors.length(["content"], content, 0, 2000)
        embeds = body.get("embeds")
        if embeds is not None:
            if not isinstance(embeds, list) or len(embeds) > 10:
                errors.add(["embeds"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
            else:
                for i, embed in enumerate(embeds):
                    if embed.get("title") is not None:
                        errors.length(["embeds", i, "title"], embed["title"], 0, 256)
                    if embed.get("description") is not None:
                        errors.length(["embeds", i, "description"], embed["description"], 0, 4096)
                    if len(embed.get("fields", [])) > 25:
                        errors.add(
                            ["embeds", i, "fields"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
                        )
        self._validate_files(body, errors)
        flags = body.get("flags") or 0
        if not isinstance(flags, int) or flags & ~allowed_flags:
            errors.add(["flags"], "MESSAGE_FLAGS_INVALID", "Invalid flags for this message.")
            flags = 0
        components = body.get("components")
        if components is not None:
            self._validate_components(components, errors, v2=bool(flags & IS_COMPONENTS_V2))
        mentions = body.get("allowed_mentions")
        if mentions is not None:
            parse = mentions.get("parse", [])
            for i, item in enumerate(parse):
                if item not in ("users", "roles", "everyone"):
                    errors.add(
                        ["allowed_mentions", "parse", i],
                        "BASE_TYPE_CHOICES",
                        "Value must be one of {'everyone', 'roles', 'users'}.",
                    )
            for kind in ("users", "roles"):
                if kind in parse and mentions.get(kind):
                    errors.add(
                        ["allowed_mentions"],
                        "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                        f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
                    )
        errors.raise_if_any()
        if not partial:
            has = (
                content
                or embeds
                or components
                or body.get("sticker_ids")
                or body.get("_files")
                or body.get("poll")
            )
            if not has:
                raise ApiError(400, 50006, "Cannot send an empty message")
        return body

    def _validate_files(self, body: JSON, errors: FormErrors) -> None:
        """Uploaded files as Discord takes them: parts named ``files[n]``, at most 10, each within the upload
        limit (413 past it); the ``attachments`` of the payload each name an uploaded part by its ``n``."""
        files = body.get("_files") or []
        parts: dict[str, JSON] = {}
        for file in files:
            found = re.fullmatch(r"files\[(\d+)\]", file.get("name") or "")
            if found is None:
                errors.add(
                    ["files"], "ATTACHMENT_FILE_FIELD_INVALID", f"Unexpected file field {file.get('name')!r}."
                )
                continue
            parts[found[1]] = file
            if file["size"] > ATTACHMENT_SIZE_LIMIT:
                raise ApiError(413, 40005, "Request entity too large")
        if len(files) > 10:
            errors.add(["files"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
        attachments = body.get("attachments")
        if attachments is None:
            return
        if not isinstance(attachments, list):
            errors.add(["attachments"], "BASE_TYPE_ARRAY", "Must be an array.")
            return
        for index, attachment in enumerate(attachments):
            if not isinstance(attachment, dict) or str(attachment.get("id")) not in parts:
                errors.add(["attachments", index, "id"], "ATTACHMENT_NOT_FOUND", "Unknown attachment.")

    def _validate_components(self, components: Any, errors: FormErrors, *, v2: bool) -> None:
        if not isinstance(components, list):
            errors.add(["components"], "BASE_TYPE_ARRAY", "Must be an array.")
            return
        seen: set[str] = set()
        limit = 40 if v2 else 5
        if len(components) > limit:
            errors.add(["components"], "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")
        for r, row in enumerate(components):
            path: list[str | int] = ["components", r]
            if not v2 and row.get("type") != 1:
                errors.add(
                    [*path, "type"], "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1,).'
                )
                continue
            if row.get("type") != 1:
                continue  # components v2 containers are stored as they are
            children = row.get("components", [])
            if not children:
                errors.add(
                    [*path, "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
                )
            buttons = [c for c in children if c.get("type") == 2]
            selects = [c for c in children if c.get("type") in SELECT_TYPES]
            if len(children) > 5:
                errors.add(
                    [*path, "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
                )
            if selects and (len(children) > 1):
                errors.add(
                    [*path, "components"],
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "The specified component exceeds the maximum width",
                )
            for c, child in enumerate(children):
                cpath = [*path, "components", c]
                self._validate_component(child, cpath, errors, seen)
            del buttons

    def _validate_component(
        self, child: JSON, path: list[str | int], errors: FormErrors, seen: set[str]
    ) -> None:
        kind = child.get("type")
        custom_id = child.get("custom_id")
        if kind == 2:
            style = child.get("style")
            if style not in (1, 2, 3, 4, 5, 6):
                errors.add([*path, "style"], "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6}.")
            if style == 5:
                if not child.get("url"):
                    errors.add([*path, "url"], "BASE_TYPE_REQUIRED", "This field is required")
                if custom_id is not None:
                    errors.add(
                        [*path, "custom_id"],
                        "BUTTON_COMPONENT_CUSTOM_ID_AND_URL_INCOMPATIBLE",
                        "A custom id and url cannot both be specified",
                    )
                custom_id = None
            elif style != 6 and custom_id is None:
                errors.add(
                    [*path, "custom_id"], "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED", "A custom id required"
                )
            if child.get("label") is not None:
                errors.length([*path, "label"], child["label"], 0, 80)
            if style != 6 and not child.get("label") and not child.get("emoji"):
                errors.add(
                    [*path], "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED", "A label or emoji is required"
                )
        elif kind in SELECT_TYPES:
            low, high = child.get("min_values", 1), child.get("max_values", 1)
            if not 0 <= low <= 25 or not 1 <= high <= 25 or low > high:
                errors.add([*path, "max_values"], "BASE_TYPE_BAD_INT", "min_values/max_values out of range.")
            if kind == 3:
                options = child.get("options", [])
                if not 1 <= len(options) <= 25:
                    errors.add(
                        [*path, "options"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length."
                    )
                values = [o.get("value") for o in options]
                if len(set(values)) != len(values):
                    errors.add(
                        [*path, "options"],
                        "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                        "Component option values must be unique",
                    )
                for o, option in enumerate(options):
                    errors.length([*path, "options", o, "label"], option.get("label"), 1, 100)
                    errors.length([*path, "options", o, "value"], option.get("value"), 1, 100)
                if high > len(options):
                    errors.add(
                        [*path, "max_values"], "BASE_TYPE_MAX", f"int value should be <= {len(options)}."
                    )
        else:
            errors.add(
                [*path, "type"], "UNION_TYPE_CHOICES", 'Value of field "type" must be a component type.'
            )
            return
        if custom_id is not None:
            errors.length([*path, "custom_id"], custom_id, 1, 100)
            if custom_id in seen:
                errors.add(
                    [*path, "custom_id"],
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                )
            seen.add(custom_id)

    def _new_bot_message(self, channel: Channel, body: JSON, *, flags_allowed: int, **fields: Any) -> Message:
        body = self._validate_message(body, allowed_flags=flags_allowed, partial=False)
        message = self._store(
            channel,
            self.bot.to_api(),
            body.get("content") or "",
            components=copy.deepcopy(body.get("components") or []),
            embeds=[_embed(e) for e in body.get("embeds") or []],
            flags=body.get("flags") or 0,
            allowed_mentions=copy.deepcopy(body.get("allowed_mentions")),
            attachments=[_attachment(self, f) for f in body.get("_files", [])],
            **fields,
        )
        reference = body.get("message_reference")
        if reference:
            target = self._messages.get(int(reference["message_id"]))
            if target is None or target.channel_id != channel.id:
                self._messages.pop(message.id)
                self._by_channel[channel.id].remove(message.id)
                raise ApiError(
                    400,
                    50035,
                    "Invalid Form Body",
                    {
                        "message_reference": {
                            "_errors": [{"code": "REPLIES_UNKNOWN_MESSAGE", "message": "Unknown message"}]
                        }
                    },
                )
            message.message_reference = {
                "type": 0,
                "message_id": str(target.id),
                "channel_id": str(channel.id),
                "guild_id": _opt(channel.guild_id),
            }
            message.type = 19
        return message

    def _apply_edit(self, message: Message, body: JSON, *, flags_allowed: int) -> None:
        body = self._validate_message(
            body, allowed_flags=flags_allowed | (message.flags & EPHEMERAL), partial=True
        )
        if "content" in body:
            message.content = body["content"] or ""
        if "components" in body:
            message.components = copy.deepcopy(body["components"] or [])
        if "embeds" in body:
            message.embeds = [_embed(e) for e in body["embeds"] or []]
        if "allowed_mentions" in body:
            message.allowed_mentions = copy.deepcopy(body["allowed_mentions"])
        if body.get("flags") is not None:
            message.flags = (message.flags & (EPHEMERAL | HAS_THREAD)) | body["flags"]
        if "attachments" in body or body.get("_files"):
            # ``attachments`` lists what stays (existing ids) and what is new (``files[n]``): Discord drops
            # the existing ones it doesn't name
            named = {str(a.get("id")) for a in body.get("attachments") or [] if isinstance(a, dict)}
            kept = [a for a in message.attachments if "attachments" not in body or a["id"] in named]
            message.attachments = kept + [_attachment(self, f) for f in body.get("_files") or []]
        message.flags &= ~LOADING
        message.edited = time.time()
        message.edits.append(copy.deepcopy(body))
        if not (message.content or message.embeds or message.components or message.attachments):
            raise ApiError(400, 50006, "Cannot send an empty message")
        self._touch()

    # route handlers ------------------------------------------------------------------------------

    async def _r_gateway(self, request: web.Request, body: Any, p: dict[str, str]) -> JSON:
        return {"url": self.gateway_url}

    async def _r_gateway_bot(self, request: web.Request, body: Any, p: dict[str, str]) -> JSON:
        return {
            "url": self.gateway_url,
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 14_400_000,
                "max_concurrency": 1,
            },
        }

    async def _r_me(self, request: web.Request, body: Any, p: dict[str, str]) -> JSON:
        return self.bot.to_api() | {
            "verified": True,
            "mfa_enabled": False,
            "flags": 0,
            "email": None,
            "locale": "en-US",
            "banner": None,
            "accent_color": None,
            "bio": "",
        }

    async def _r_application(self, request: web.Request, body: Any, p: dict[str, str]) -> JSON:
        return {
            "id": str(self.application_id),
            "name": self.bot.username,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "hook": True,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": 0,
            "owner": self.owner.to_api(),
            "team": None,
            "bot": self.bot.to_api(),
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "role_connections_verification_url": None,
            "tags": [],
            "install_params": {
                "scopes": ["bot", "applications.commands"],
                "permissions": str(BOT_PERMISSIONS),
            },
            "integration_types_config": {"0": {}},
            "approximate_guild_count": len(self.guilds),
            "rpc_origins": [],
        }

    def _command_json(self, command: JSON, guild_id: int | None, *, localizations: bool) -> JSON:
        out = copy.deepcopy(command)
        if not localizations:
            for key in ("name_localizations", "description_localizations"):
                out.pop(key, None)
        if guild_id is not None:
            out["guild_id"] = str(guild_id)
        return out

    def _validate_commands(self, body: Any) -> list[JSON]:
        if not isinstance(body, list):
            raise ApiError(
                400,
                50035,
                "Invalid Form Body",
                {"_errors": [{"code": "BASE_TYPE_ARRAY", "message": "Must be an array."}]},
            )
        errors = FormErrors()
        if len(body) > 100:
            errors.add([], "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
        seen: set[tuple[int, str]] = set()
        for i, command in enumerate(body):
            kind = command.get("type", 1)
            name = command.get("name")
            if not isinstance(name, str) or not _valid_name(kind, name):
                errors.add([i, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
            if (kind, str(name)) in seen:
                errors.add(
                    [i, "name"],
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    "Application command names must be unique",
                )
            seen.add((kind, str(name)))
            if kind == 1:
                errors.length([i, "description"], command.get("description"), 1, 100)
            for key in ("name_localizations", "description_localizations"):
                for locale, text in (command.get(key) or {}).items():
                    if locale not in LOCALES:
                        errors.add([i, key, locale], "LOCALE_INVALID", f"Invalid locale {locale}")
                    elif key == "name_localizations" and not _valid_name(kind, text or ""):
                        errors.add(
                            [i, key, locale], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"
                        )
                    elif key == "description_localizations":
                        errors.length([i, key, locale], text, 1, 100)
            self._validate_options(command.get("options") or [], [i, "options"], errors)
        errors.raise_if_any()
        return body

    def _validate_options(self, options: list[JSON], path: list[str | int], errors: FormErrors) -> None:
        if len(options) > 25:
            errors.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        required_done = False
        for j, option in enumerate(options):
            name = option.get("name")
            if not isinstance(name, str) or not _COMMAND_NAME.fullmatch(name) or name != name.lower():
                errors.add([*path, j, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
            errors.length([*path, j, "description"], option.get("description"), 1, 100)
            if option.get("required") and required_done:
                errors.add(
                    [*path, j, "required"],
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
            if not option.get("required"):
                required_done = True
            if option.get("type") in (1, 2):
                self._validate_options(option.get("options") or [], [*path, j, "options"], errors)

    async def _r_get_commands(self, request: web.Request, body: Any, p: dict[str, str]) -> list[JSON]:
        self._check_app(p["app_id"])
        guild_id = int(p["guild_id"]) if p.get("guild_id") else None
        if guild_id is not None:
            self._guild_for_bot(p["guild_id"])
        localized = request.query.get("with_localizations", "").lower() in ("true", "1")
        return [
            self._command_json(c, guild_id, localizations=localized) for c in self._commands.get(guild_id, [])
        ]

    async def _r_put_commands(self, request: web.Request, body: Any, p: dict[str, str]) -> list[JSON]:
        self._check_app(p["app_id"])
        guild_id = int(p["guild_id"]) if p.get("guild_id") else None
        if guild_id is not None:
            self._guild_for_bot(p["guild_id"])
        commands = self._validate_commands(body)
        previous = {(c.get("type", 1), c["name"]): c for c in self._commands.get(guild_id, [])}
        stored: list[JSON] = []
        for command in commands:
            old = previous.get((command.get("type", 1), command["name"]))
            entry = {
                "id": old["id"] if old else str(self.snowflake()),
                "application_id": str(self.application_id),
                "version": str(self.snowflake()),
                "type": command.get("type", 1),
                "name": command["name"],
                "name_localizations": command.get("name_localizations"),
                "description": command.get("description", ""),
                "description_localizations": command.get("description_localizations"),
                "options": copy.deepcopy(command.get("options") or []),
                "default_member_permissions": _opt_str(command.get("default_member_permissions")),
                "dm_permission": command.get("dm_permission", True),
                "contexts": command.get("contexts"),
                "integration_types": command.get("integration_types") or [0],
                "nsfw": command.get("nsfw", False),
            }
            stored.append(entry)
        self._commands[guild_id] = stored
        return [self._command_json(c, guild_id, localizations=True) for c in stored]

    async def _r_open_dm(self, request: web.Request, body: Any, p: dict[str, str]) -> JSON:
        recipient = int((body or {}).get("recipient_id", 0))
        if recipient not in self.users or recipient == self.bot_id:
            raise ApiError(400, 50033, "Invalid Recipient(s)")
        return self._open_dm(recipient).to_api(self)

    async def _r_get_channel(self, request: web.Request, body: Any, p: dict[str, str]) -> JSON:
        return self._visible_channel(p["channel_id"]).to_api(self)

    async def _r_post_message(self, request: web.Request, body: Any, p: dict[str, str]) -> JSON:
        channel = self._visible_channel(p["channel_id"])
        if channel.type == DM:
            assert channel.recipient_id is not None
            if not self.users[channel.recipient_id].dms_open:
                raise ApiError(403, 50007, "Cannot send messages to this user")
        else:
            assert channel.guild_id is not None
            needed = SEND_MESSAGES_IN_THREADS if channel.type == PUBLIC_THREAD else SEND_MESSAGES
            if not self.permissions(channel.guild_id, self.bot_id) & needed:
                raise ApiError(403, 50013, "Missing Permissions")
            if (body or {}).get("_files") and not self.permissions(
                channel.guild_id, self.bot_id
            ) & ATTACH_FILES:
                raise ApiError(403, 50013, "Missing Permissions")
        # enforce_nonce: the bot's message with this nonce from the last few minutes is returned, not doubled
        sent = body or {}
        nonce = str(sent["nonce"]) if sent.get("nonce") is not None and sent.get("enforce_nonce") else None
        seen = self._nonces.get(nonce) if nonce is not None else None
        if seen is not None and time.monotonic() - seen[0] < NONCE_WINDOW:
            return self._message_json(self._messages[seen[1]])
        message = self._new_bot_message(channel, body, flags_allowed=SENDABLE_FLAGS)
        if nonce is not None:
            self._nonces[nonce] = (time.monotonic(), message.id)
        await self._dispatch_message("MESSAGE_CREATE", message)
        return self._message_json(message)

    def _bot_message(self, p: dict[str, str]) -> tuple[Channel, Message]:
        channel = self._visible_channel(p["channel_id"])
        message = self._messages.get(int(p["message_id"]))
        if message is None or message.deleted or message.channel_id != channel.id or message.ephemeral:
            raise not_found(10008, "Message")
        return channel, message

    async def _r_get_message(self, request: web.Request, body: Any, p: dict[str, str]) -> JSON:
        return self._message_json(self._bot_message(p)[1])

    async def _r_edit_message(self, request: web.Request, body: Any, p: dict[str, str]) -> JSON:
        _, message = self._bot_message(p)
        if message.author_id != self.bot_id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        self._apply_edit(message, body or {}, flags_allowed=SENDABLE_FLAGS)
        await self._dispatch_message("MESSAGE_UPDATE", message)
        return self._message_json(message)

    async def _r_delete_message(self, request: web.Request, body: Any, p: dict[str, str]) -> None:
        channel, message = self._bot_message(p)
        if message.author_id != self.bot_id and (
            channel.guild_id is None or not self.permissions(channel.guild_id, self.bot_id) & MANAGE_MESSAGES
        ):
            raise ApiError(403, 50013, "Missing Permissions")
        await self._delete(message)

    async def _delete(self, message: Message) -> None:
        message.deleted = True
        self._touch()
        if message.ephemeral:
            return
        needed = INTENT_DIRECT_MESSAGES if message.guild_id is None else INTENT_GUILD_MESSAGES
        data: JSON = {"id": str(message.id), "channel_id": str(message.channel_id)}
        if message.guild_id is not None:
            data["guild_id"] = str(message.guild_id)
        for session in [s for s in self._sessions.values() if s.alive and s.intents & needed]:
            if self._serves(session, message.guild_id):
                await self._send_event(session, "MESSAGE_DELETE", data)

    async def _r_start_thread(self, request: web.Request, body: Any, p: dict[str, str]) -> JSON:
        channel, message = self._bot_message(p)
        if channel.type != GUILD_TEXT or channel.guild_id is None:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        if not self.permissions(channel.guild_id, self.bot_id) & CREATE_PUBLIC_THREADS:
            raise ApiError(403, 50013, "Missing Permissions")
        if message.thread_id is not None:
            raise ApiError(400, 160004, "A thread has already been created for this message")
        body = body or {}
        errors = FormErrors()
        errors.length(["name"], body.get("name"), 1, 100)
        duration = body.get("auto_archive_duration", 4320)
        if duration not in (60, 1440, 4320, 10080):
            errors.add(
                ["auto_archive_duration"],
                "BASE_TYPE_CHOICES",
                "Value must be one of {60, 1440, 4320, 10080}.",
            )
        errors.raise_if_any()
        thread = Channel(
            message.id,
            PUBLIC_THREAD,
            body["name"],
            channel.guild_id,
            parent_id=channel.id,
            owner_id=self.bot_id,
            auto_archive_duration=duration,
            created=time.time(),
        )
        self.channels[thread.id] = thread
        self.threads[thread.id] = thread
        message.thread_id = thread.id
        message.flags |= HAS_THREAD
        data = thread.to_api(self)
        await self._dispatch("THREAD_CREATE", data | {"newly_created": True}, needed=INTENT_GUILDS)
        self._touch()
        return data | {
            "member": {
                "id": str(thread.id),
                "user_id": str(self.bot_id),
                "join_timestamp": _iso(thread.created),
                "flags": 1,
            }
        }

    async def _r_get_guild(self, request: web.Request, body: Any, p: dict[str, str]) -> JSON:
        guild = self._guild_for_bot(p["guild_id"])
        data = self._guild_json(guild)
        if request.query.get("with_counts", "").lower() in ("true", "1"):
            data |= {"approximate_member_count": len(guild.members), "approximate_presence_count": 0}
        return data

    async def _r_get_member(self, request: web.Request, body: Any, p: dict[str, str]) -> JSON:
        guild = self._guild_for_bot(p["guild_id"])
        user_id = int(p["user_id"])
        if user_id not in guild.members:
            raise not_found(10007, "Member")
        return self._member_json(guild, user_id)

    async def _r_get_roles(self, request: web.Request, body: Any, p: dict[str, str]) -> list[JSON]:
        return [r.to_api() for r in self._guild_for_bot(p["guild_id"]).roles.values()]

    async def _r_get_guild_channels(self, request: web.Request, body: Any, p: dict[str, str]) -> list[JSON]:
        guild = self._guild_for_bot(p["guild_id"])
        return [self.channels[c].to_api(self) for c in guild.channels if self.channels[c].bot_can_see]

    # interactions --------------------------------------------------------------------------------

    def _live_interaction(self, interaction_id: str, token: str) -> PendingInteraction:
        pending = self._interactions.get(int(interaction_id))
        if pending is None or pending.token != token:
            raise not_found(10062, "interaction")
        return pending

    def _by_token(self, app_id: str, token: str) -> PendingInteraction:
        if int(app_id) != self.application_id:
            raise not_found(10015, "Webhook")
        for pending in self._interactions.values():
            if pending.token == token:
                if time.time() - pending.created_at > self.token_ttl:
                    raise ApiError(401, 50027, "Invalid Webhook Token")
                if not pending.acknowledged:
                    raise not_found(10015, "Webhook")
                return pending
        raise not_found(10015, "Webhook")

    def _record(
        self, pending: PendingInteraction, kind: str, type_: int | None, body: Any, status: int
    ) -> None:
        pending.answers.append(Callback(kind, type_, copy.deepcopy(body or {}), time.monotonic(), status))

    async def _r_callback(self, request: web.Request, body: Any, p: dict[str, str]) -> JSON | None:
        pending = self._live_interaction(p["interaction_id"], p["token"])
        body = body or {}
        kind = body.get("type")
        try:
            result = await self._callback(pending, kind, body.get("data") or {})
        except ApiError as exc:
            self._record(pending, "callback", kind, body, exc.status)
            raise
        self._record(pending, "callback", kind, body, 200)
        if not pending._first.done():
            pending._first.set_result(copy.deepcopy(body))
        if request.query.get("with_response", "").lower() not in ("1", "true"):
            return None
        return result

    async def _callback(self, pending: PendingInteraction, kind: Any, data: JSON) -> JSON:
        if pending.acknowledged:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        if time.monotonic() - pending.dispatched_at > self.ack_deadline:
            raise not_found(10062, "interaction")
        allowed = {
            PING: {PONG},
            APPLICATION_COMMAND: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL},
            MESSAGE_COMPONENT: {
                CHANNEL_MESSAGE,
                DEFERRED_CHANNEL_MESSAGE,
                DEFERRED_UPDATE,
                UPDATE_MESSAGE,
                MODAL,
            },
            AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
            MODAL_SUBMIT: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE}
            | ({DEFERRED_UPDATE, UPDATE_MESSAGE} if pending.message_id is not None else set()),
        }[pending.type]
        if kind not in allowed:
            raise ApiError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "type": {
                        "_errors": [
                            {
                                "code": "INTERACTION_RESPONSE_TYPE_INVALID",
                                "message": "Invalid interaction response type",
                            }
                        ]
                    }
                },
            )
        channel = self.channels[pending.channel_id]
        info: JSON = {"id": str(pending.id), "type": pending.type}
        resource: JSON | None = None
        if kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            flags = (data.get("flags") or 0) | (LOADING if kind == DEFERRED_CHANNEL_MESSAGE else 0)
            if kind == DEFERRED_CHANNEL_MESSAGE:
                data = {"flags": data.get("flags") or 0}
                message = self._store(channel, self.bot.to_api(), "", flags=flags & (EPHEMERAL | LOADING))
            else:
                message = self._new_bot_message(channel, data, flags_allowed=INTERACTION_FLAGS)
            self._as_response(message, pending)
            pending.original_id = message.id
            info |= {
                "response_message_id": str(message.id),
                "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE,
                "response_message_ephemeral": message.ephemeral,
            }
            resource = {"type": kind, "message": self._message_json(message)}
        elif kind in (DEFERRED_UPDATE, UPDATE_MESSAGE):
            assert pending.message_id is not None
            target = self._messages[pending.message_id]
            pending.original_id = target.id
            if kind == UPDATE_MESSAGE:
                self._apply_edit(target, data, flags_allowed=INTERACTION_FLAGS)
            info |= {
                "response_message_id": str(target.id),
                "response_message_loading": False,
                "response_message_ephemeral": target.ephemeral,
            }
            resource = {"type": kind, "message": self._message_json(target)}
        elif kind == MODAL:
            self._validate_modal(data)
            pending.modal = copy.deepcopy(data)
        elif kind == AUTOCOMPLETE_RESULT and len(data.get("choices", [])) > 25:
            raise ApiError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "data": {
                        "choices": {
                            "_errors": [
                                {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 25 or fewer in length."}
                            ]
                        }
                    }
                },
            )
        pending.ack_type = kind
        pending.acked_at = time.monotonic()
        if kind == CHANNEL_MESSAGE:
            await self._dispatch_message("MESSAGE_CREATE", self._messages[pending.original_id or 0])
        elif kind == UPDATE_MESSAGE and pending.message_id is not None:
            await self._dispatch_message("MESSAGE_UPDATE", self._messages[pending.message_id])
        result: JSON = {"interaction": info}
        if resource is not None:
            result["resource"] = resource
        return result

    def _as_response(self, message: Message, pending: PendingInteraction) -> None:
        message.interaction_id = pending.id
        message.webhook_id = self.application_id
        message.type = 20 if pending.type == APPLICATION_COMMAND else 0
        user = self.users[pending.user_id].to_api()
        message.interaction_metadata = {
            "id": str(pending.id),
            "type": pending.type,
            "user": user,
            "authorizing_integration_owners": pending.payload.get("authorizing_integration_owners", {}),
        }
        if pending.type == APPLICATION_COMMAND:
            message.interaction_metadata["name"] = pending.payload["data"]["name"]
            message.interaction_metadata["command_type"] = 1
        if message.ephemeral:
            message.visible_to = pending.user_id

    def _validate_modal(self, data: JSON) -> None:
        errors = FormErrors()
        errors.length(["data", "custom_id"], data.get("custom_id"), 1, 100)
        errors.length(["data", "title"], data.get("title"), 1, 45)
        components = data.get("components") or []
        if not 1 <= len(components) <= 5:
            errors.add(["data", "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
        seen: set[str] = set()
        for i, component in enumerate(components):
            inner = (
                component.get("components", [None])[0]
                if component.get("type") == 1
                else component.get("component")
            )
            if component.get("type") == 1 and isinstance(inner, dict) and inner.get("type") == FILE_UPLOAD:
                # a file upload lives in a label only
                errors.add(["data", "components", i], "MODAL_COMPONENT_INVALID", "Invalid modal component")
                continue
            if component.get("type") == 18 and component.get("description") is not None:
                errors.length(["data", "components", i, "description"], component.get("description"), 1, 100)
            label = component.get("label") if component.get("type") == 18 else (inner or {}).get("label")
            if component.get("type") == 10:
                continue
            if not isinstance(inner, dict):
                errors.add(["data", "components", i], "MODAL_COMPONENT_INVALID", "Invalid modal component")
                continue
            errors.length(["data", "components", i, "label"], label, 1, 45)
            custom_id = inner.get("custom_id")
            errors.length(["data", "components", i, "custom_id"], custom_id, 1, 100)
            if custom_id in seen:
                errors.add(
                    ["data", "components", i, "custom_id"],
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                )
            seen.add(str(custom_id))
            if inner.get("type") == FILE_UPLOAD:
                low, high = inner.get("min_values"), inner.get("max_values")
                low, high = (1 if low is None else low), (1 if high is None else high)
                if not 0 <= low <= 10 or not 1 <= high <= 10 or low > high:
                    errors.add(
                        ["data", "components", i, "component", "max_values"],
                        "BASE_TYPE_BAD_INT",
                        "Out of range",
                    )
            if inner.get("type") == 4:
                if inner.get("style") not in (1, 2):
                    errors.add(
                        ["data", "components", i, "style"],
                        "BASE_TYPE_CHOICES",
                        "Value must be one of {1, 2}.",
                    )
                if (
                    not 0 <= inner.get("min_length", 0) <= 4000
                    or not 1 <= inner.get("max_length", 4000) <= 4000
                ):
                    errors.add(["data", "components", i, "max_length"], "BASE_TYPE_BAD_INT", "Out of range")
        errors.raise_if_any()

    async def _r_get_original(self, request: web.Request, body: Any, p: dict[str, str]) -> JSON:
        return self._message_json(
            self._webhook_message(self._by_token(p["app_id"], p["token"]), p["message_id"])
        )

    def _webhook_message(self, pending: PendingInteraction, message_id: str) -> Message:
        if message_id == "@original":
            if pending.original_id is None:
                raise not_found(10008, "Message")
            message = self._messages[pending.original_id]
        else:
            if int(message_id) not in pending.followup_ids:
                raise not_found(10008, "Message")
            message = self._messages[int(message_id)]
        if message.deleted:
            raise not_found(10008, "Message")
        return message

    async def _r_edit_original(self, request: web.Request, body: Any, p: dict[str, str]) -> JSON:
        pending = self._by_token(p["app_id"], p["token"])
        message = self._webhook_message(pending, p["message_id"])
        self._apply_edit(message, body or {}, flags_allowed=INTERACTION_FLAGS)
        kind = "edit_original" if p["message_id"] == "@original" else "edit_followup"
        self._record(pending, kind, None, body, 200)
        await self._dispatch_message("MESSAGE_UPDATE", message)
        return self._message_json(message)

    async def _r_delete_original(self, request: web.Request, body: Any, p: dict[str, str]) -> None:
        pending = self._by_token(p["app_id"], p["token"])
        message = self._webhook_message(pending, p["message_id"])
        self._record(
            pending, "delete_original" if p["message_id"] == "@original" else "delete_followup", None, {}, 204
        )
        await self._delete(message)

    async def _r_followup(self, request: web.Request, body: Any, p: dict[str, str]) -> JSON | None:
        pending = self._by_token(p["app_id"], p["token"])
        original = self._messages.get(pending.original_id or 0)
        if original is not None and original.flags & LOADING and pending.ack_type == DEFERRED_CHANNEL_MESSAGE:
            # Discord: the first followup after a "thinking" defer replaces the loading message.
            edit = dict(body or {})
            edit["flags"] = (edit.get("flags") or 0) & ~EPHEMERAL
            self._apply_edit(original, edit, flags_allowed=INTERACTION_FLAGS)
            self._record(pending, "followup", None, body, 200)
            await self._dispatch_message("MESSAGE_UPDATE", original)
            message = original
        else:
            channel = self.channels[pending.channel_id]
            message = self._new_bot_message(channel, body, flags_allowed=INTERACTION_FLAGS)
            self._as_response(message, pending)
            pending.followup_ids.append(message.id)
            self._record(pending, "followup", None, body, 200)
            await self._dispatch_message("MESSAGE_CREATE", message)
        if request.query.get("wait", "").lower() in ("1", "true"):
            return self._message_json(message)
        return None


class _TooMany(Exception):
    def __init__(self, retry_after: float, scope: str) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after
        self.scope = scope


def _json_response(
    body: Any, *, status: int = 200, headers: Mapping[str, str] | None = None, dumps: Any = None
) -> web.Response:
    """JSON with ``Content-Type: application/json`` exactly: discord.py's ``json_or_text`` compares the
    header with ``==``, so aiohttp's ``application/json; charset=utf-8`` would hand it a *string*."""
    return web.Response(
        body=json.dumps(body, ensure_ascii=False).encode(),
        status=status,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


MAX_USER_UPLOAD = 500 * 1024 * 1024  # a member with Nitro


def _embed(embed: JSON) -> JSON:
    return {"type": "rich", **copy.deepcopy(embed)}


def _attachment(emulator: DiscordEmulator, file: JSON) -> JSON:
    attachment_id = emulator.snowflake()
    name = file.get("filename") or "file"
    emulator.attachment_contents[attachment_id] = file.get("content", b"")
    return {
        "id": str(attachment_id),
        "filename": name,
        "size": file.get("size", 0),
        **({"content_type": file["content_type"]} if file.get("content_type") else {}),
        "url": f"{emulator.base_url}/attachments/{attachment_id}/{name}",
        "proxy_url": f"{emulator.base_url}/attachments/{attachment_id}/{name}",
    }


def _route(
    method: str, pattern: str, handler: _Handler, bucket: str | None = "auto"
) -> tuple[str, re.Pattern[str], _Handler, str | None]:
    return method, re.compile(pattern), handler, (f"{method} {pattern}" if bucket == "auto" else bucket)


_CH = r"/channels/(?P<channel_id>\d+)"
_MSG = _CH + r"/messages/(?P<message_id>\d+)"
_GUILD = r"/guilds/(?P<guild_id>\d+)"
_APP = r"/applications/(?P<app_id>\d+)"
_HOOK = r"/webhooks/(?P<app_id>\d+)/(?P<token>[^/]+)"
# Per-channel buckets of message writes (Discord announces 5 per 5 s for message creation in a channel).
ROUTE_LIMITS: dict[str, tuple[int, float]] = {
    f"POST {_CH}/messages": (5, 5.0),
    f"PATCH {_MSG}": (5, 5.0),
    f"DELETE {_MSG}": (5, 1.0),
}
D = DiscordEmulator
_ROUTES: list[tuple[str, re.Pattern[str], _Handler, str | None]] = [
    _route("GET", r"/gateway", D._r_gateway, None),
    _route("GET", r"/gateway/bot", D._r_gateway_bot, None),
    _route("GET", r"/users/@me", D._r_me),
    _route("POST", r"/users/@me/channels", D._r_open_dm),
    _route("GET", r"/oauth2/applications/@me", D._r_application),
    _route("GET", r"/applications/@me", D._r_application),
    _route("GET", _APP + r"/commands", D._r_get_commands),
    _route("PUT", _APP + r"/commands", D._r_put_commands),
    _route("GET", _APP + _GUILD + r"/commands", D._r_get_commands),
    _route("PUT", _APP + _GUILD + r"/commands", D._r_put_commands),
    _route("GET", _CH, D._r_get_channel),
    _route("POST", _CH + r"/messages", D._r_post_message),
    _route("GET", _MSG, D._r_get_message),
    _route("PATCH", _MSG, D._r_edit_message),
    _route("DELETE", _MSG, D._r_delete_message),
    _route("POST", _MSG + r"/threads", D._r_start_thread),
    _route("GET", _GUILD, D._r_get_guild),
    _route("GET", _GUILD + r"/members/(?P<user_id>\d+)", D._r_get_member),
    _route("GET", _GUILD + r"/roles", D._r_get_roles),
    _route("GET", _GUILD + r"/channels", D._r_get_guild_channels),
    _route("POST", r"/interactions/(?P<interaction_id>\d+)/(?P<token>[^/]+)/callback", D._r_callback, None),
    _route("GET", _HOOK + r"/messages/(?P<message_id>@original|\d+)", D._r_get_original),
    _route("PATCH", _HOOK + r"/messages/(?P<message_id>@original|\d+)", D._r_edit_original),
    _route("DELETE", _HOOK + r"/messages/(?P<message_id>@original|\d+)", D._r_delete_original),
    _route("POST", _HOOK, D._r_followup),
]
del D
