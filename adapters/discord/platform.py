"""The core's Messenger and Directory ports over a discord.py ``Client``."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import discord

from adapters.discord.render import as_file, message_kwargs, send_kwargs
from bot.coordination import AnsweredSlots, Coordination, Window, wait_for_send_slot
from bot.i18n import resolve_locale, t_in
from bot.messages import ChatTarget, OutgoingMessage
from bot.ports import DeliveryError

THREAD_EXISTS = 160004
UNKNOWN_MESSAGE = 10008  # the message was deleted (by hand): says nothing about its channel
MISSING_PERMISSIONS = 50013  # one right is missing: the channel is still there, its admins can fix it
DM_PREFIX = "dm/"
# an interaction's follow-up (``followup:{application id}/{token}``): where a deferred interaction is
# answered, for 15 minutes, by whichever process (the one that deferred it may have stopped)
FOLLOWUP_PREFIX = "followup:"
# what each write needs, as Discord's permission settings name it
NEEDS = {
    "post": ("send_messages", "embed_links"),
    "thread": ("create_public_threads", "read_message_history"),
    "reply": ("send_messages_in_threads",),
    "edit": ("send_messages",),
}
WARN_AGAIN_AFTER = timedelta(days=1)
MISSING_PERMISSIONS_RETRY = 600.0  # seconds
MEMBER_TTL = 30.0  # seconds a member's roles and join day are trusted (rights: never for minutes)
MAX_KEPT_MEMBERS = 10_000
# Just started, the gateway has not said yet which servers the bot is in: a directory question waits for it
# this long (a card due at the restart would otherwise find no server, no readers, and wait 15 minutes).
READY_WAIT = 30.0
READY_LOOK = 0.1
NONCE_LENGTH = 25
# Discord's buckets of message writes in one channel, as its headers announce them (5 in any 5 s for each):
# with several processes sending for one bot (shards), each write also takes a send slot in the database
CHANNEL_WRITES = {"post": (5, 5.0), "edit": (5, 5.0)}

log = logging.getLogger(__name__)


def community_ref(guild_id: int, channel_id: int) -> str:
    return f"{guild_id}/{channel_id}"


def split_ref(chat_ref: str) -> tuple[int, int] | None:
    guild, _, channel = chat_ref.partition("/")
    if not (guild.isdigit() and channel.isdigit()):
        return None
    return int(guild), int(channel)


def nonce_of(once: str) -> str:
    """Discord's nonce (25 characters at most) for what a message is; it says nothing of it."""
    return hashlib.sha256(f"murmure:{once}".encode()).hexdigest()[:NONCE_LENGTH]


def as_delivery_error(error: discord.HTTPException) -> DeliveryError:
    if error.code == UNKNOWN_MESSAGE:
        return DeliveryError("discord: unknown message", permanent=True)
    if error.code == MISSING_PERMISSIONS:  # retried later: the owner is told which right to grant
        return DeliveryError(
            "discord: missing permissions", retry_after=MISSING_PERMISSIONS_RETRY, missing_right=True
        )
    if isinstance(error, discord.Forbidden | discord.NotFound):
        return DeliveryError(f"discord {error.status}", permanent=True, chat_gone=True)
    if error.status >= 500:
        return DeliveryError(f"discord {error.status}")
    return DeliveryError(f"discord {error.status}", permanent=True)


class DiscordMessenger:
    def __init__(self, client: discord.Client) -> None:
        self._client = client
        self._warned: dict[tuple[int, str], datetime] = {}
        # the photo each message shows (its file name): an edit uploads only a photo that changed
        self._shown: dict[str, str] = {}
        self._shared: Coordination | None = None
        self._answered_slots: AnsweredSlots | None = None

    def share(self, coordination: Coordination) -> None:
        """Several processes send for this bot (shards on one database): a channel's writes are counted over
        all of them (``CHANNEL_WRITES``), so that two processes editing one channel's cards earn no 429."""
        self._shared = coordination
        self._answered_slots = AnsweredSlots(coordination, "discord")

    @contextlib.asynccontextmanager
    async def _write(self, action: str, channel_id: int) -> AsyncIterator[None]:
        """A send slot over every process for one write in the channel (when shared), held until answered."""
        coordination, answered = self._shared, self._answered_slots
        if coordination is None or answered is None:
            yield
            return
        limit, seconds = CHANNEL_WRITES[action]
        window = Window(f"dc:{action}:{coordination.tag(str(channel_id))}", limit, seconds)
        slot = await wait_for_send_slot(coordination, [window])
        try:
            yield
        finally:
            answered.answered(slot)  # marked in the background: the answer goes to its caller at once

    async def settled(self) -> None:
        """The send slots answered are marked in the database (on stop)."""
        if self._answered_slots is not None:
            await self._answered_slots.settled()

    def _remember(self, message_ref: str, name: str) -> None:
        if len(self._shown) >= MAX_KEPT_MEMBERS:
            self._shown.clear()  # a forgotten photo is uploaded again at its message's next edit
        self._shown[message_ref] = name

    async def _channel(self, chat_ref: str) -> Any:
        if chat_ref.startswith(DM_PREFIX):
            # Opening the DM (POST /users/@me/channels) needs no user object nor any cache.
            opened = await self._client.http.start_private_message(int(chat_ref.removeprefix(DM_PREFIX)))
            return self._client.get_partial_messageable(int(opened["id"]), type=discord.ChannelType.private)
        ids = split_ref(chat_ref)
        if ids is None:
            raise DeliveryError("not a discord chat", permanent=True)
        return self._client.get_channel(ids[1]) or await self._client.fetch_channel(ids[1])

    async def _thread(self, channel: Any, message_id: int, title: str | None) -> Any:
        """The thread on a card (its id is the card's), started on the first reply, named after the secret."""
        try:
            return await channel.get_partial_message(message_id).create_thread(name=(title or "💬")[:100])
        except discord.HTTPException as error:
            if error.code != THREAD_EXISTS:
                raise
        return self._client.get_channel(message_id) or await self._client.fetch_channel(message_id)

    async def send(self, target: ChatTarget, message: OutgoingMessage) -> str:
        if target.chat_ref.startswith(FOLLOWUP_PREFIX):
            return await self._follow_up(target.chat_ref.removeprefix(FOLLOWUP_PREFIX), message)
        action = "post"
        try:
            channel = await self._channel(target.chat_ref)
            if target.reply_to is not None:
                action = "thread"
                channel = await self._thread(channel, int(target.reply_to), target.thread_title)
                action = "reply"
            # discord.py sends a nonce with enforce_nonce: one made from what the message is makes a send
            # retried after a crash (answer received, not yet committed) return the first message
            nonce = nonce_of(target.once) if target.once else None
            async with self._write("post", channel.id):
                sent = await channel.send(**send_kwargs(message), nonce=nonce)
        except discord.HTTPException as error:
            await self._tell_admins(error, target.chat_ref, action)
            raise as_delivery_error(error) from None
        if message.picture is not None:
            self._remember(str(sent.id), message.picture.name)
        return str(sent.id)

    async def _follow_up(self, address: str, message: OutgoingMessage) -> str:
        """An interaction's follow-up (after a "thinking…" deferral, the first one takes its place); past the
        interaction's 15 minutes, Discord refuses it for good (404)."""
        application, _, token = address.partition("/")
        if not application.isdigit() or not token:
            raise DeliveryError("not a discord follow-up", permanent=True)
        hook = discord.Webhook.partial(int(application), token, client=self._client)
        try:
            sent = await hook.send(wait=True, **send_kwargs(message))
        except discord.HTTPException as error:
            raise as_delivery_error(error) from None
        return str(sent.id)

    async def edit(self, target: ChatTarget, message_ref: str, message: OutgoingMessage) -> None:
        try:
            if target.reply_to is not None:
                # a reply lives in the thread on its card, whose id is the card's
                channel = self._client.get_partial_messageable(int(target.reply_to))
            else:
                channel = await self._channel(target.chat_ref)
            kwargs = message_kwargs(message)
            picture = message.picture
            if picture is not None and self._shown.get(message_ref) != picture.name:
                kwargs["attachments"] = [as_file(picture)]  # the photo replaced (hidden, or shown again)
            async with self._write("edit", channel.id):
                await channel.get_partial_message(int(message_ref)).edit(**kwargs)
            if picture is not None:
                self._remember(message_ref, picture.name)
        except discord.HTTPException as error:
            await self._tell_admins(error, target.chat_ref, "edit")
            raise as_delivery_error(error) from None

    async def _tell_admins(self, error: discord.HTTPException, chat_ref: str, action: str) -> None:
        """A missing permission is told to the server's owner (in DM, once a day per channel and write),
        naming the right to grant; the community stays on."""
        ids = split_ref(chat_ref)
        guild = self._client.get_guild(ids[0]) if ids else None
        if error.code != MISSING_PERMISSIONS or ids is None or guild is None or guild.owner_id is None:
            return
        now = discord.utils.utcnow()
        last = self._warned.get((ids[1], action))
        if last is not None and now - last < WARN_AGAIN_AFTER:
            return
        self._warned[(ids[1], action)] = now
        locale = resolve_locale(str(guild.preferred_locale))
        channel = guild.get_channel(ids[1])
        text = t_in(
            locale,
            "discord.missing_permissions",
            action=t_in(locale, f"discord.action.{action}"),
            channel=discord.utils.escape_markdown(channel.name) if channel is not None else ids[1],
            server=discord.utils.escape_markdown(guild.name),
            permissions=", ".join(t_in(locale, f"discord.permission.{p}") for p in NEEDS[action]),
        )
        try:
            opened = await self._client.http.start_private_message(guild.owner_id)
            dm = self._client.get_partial_messageable(int(opened["id"]), type=discord.ChannelType.private)
            await dm.send(text, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as failed:
            log.warning(
                "could not tell a server's owner about a missing permission: discord %s", failed.status
            )


class DiscordDirectory:
    """Membership and rights as Discord says them (``GET /guilds/{id}/members/{user}``), each answer kept
    for ``MEMBER_TTL``: one use case asks membership, rights and join day of the same member.

    A server whose events another process gets (it runs another shard) is not in this process's cache: its
    server and channels are read through the API (kept for ``MEMBER_TTL`` too), so that this process can
    deliver what its outbox claimed for it."""

    def __init__(self, client: discord.Client) -> None:
        self._client = client
        self._members: dict[tuple[int, int], tuple[float, discord.Member | None]] = {}
        self._guilds: dict[int, tuple[float, discord.Guild | None]] = {}
        self._channels: dict[int, tuple[float, discord.abc.GuildChannel | None]] = {}

    async def _guild(self, guild_id: int) -> discord.Guild | None:
        """The server: from the gateway's cache once the gateway said the bot is in it (waited for, for
        ``READY_WAIT``, right after the start: the outbox delivers before the gateway is ready), else (a
        server of another shard) through the API."""
        cached = self._client.get_guild(guild_id)
        if cached is None and not self._client.is_ready():
            deadline = time.monotonic() + READY_WAIT
            # not wait_until_ready(): it raises until the client has logged in, which may come later still
            while not self._client.is_ready() and time.monotonic() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(READY_LOOK)
            cached = self._client.get_guild(guild_id)
        if cached is not None:
            return cached
        now = time.monotonic()
        kept = self._guilds.get(guild_id)
        if kept is not None and now - kept[0] < MEMBER_TTL:
            return kept[1]
        try:
            guild: discord.Guild | None = await self._client.fetch_guild(guild_id, with_counts=True)
        except (discord.NotFound, discord.Forbidden):
            guild = None
        if len(self._guilds) >= MAX_KEPT_MEMBERS:
            self._guilds.clear()
        self._guilds[guild_id] = (now, guild)
        return guild

    async def _guild_channel(self, chat_ref: str) -> discord.abc.GuildChannel | None:
        ids = split_ref(chat_ref)
        guild = await self._guild(ids[0]) if ids else None
        if guild is None or ids is None:
            return None
        found = guild.get_channel(ids[1])
        if found is not None or self._client.get_guild(guild.id) is guild:
            return found  # a server in the cache knows all its channels
        now = time.monotonic()
        kept = self._channels.get(ids[1])
        if kept is not None and now - kept[0] < MEMBER_TTL:
            return kept[1]
        try:
            fetched = await guild.fetch_channel(ids[1])
            channel: discord.abc.GuildChannel | None = (
                None if isinstance(fetched, discord.Thread) else fetched
            )
        except (discord.NotFound, discord.Forbidden):
            channel = None
        if len(self._channels) >= MAX_KEPT_MEMBERS:
            self._channels.clear()
        self._channels[ids[1]] = (now, channel)
        return channel

    async def _member(self, chat_ref: str, user_id: str) -> discord.Member | None:
        ids = split_ref(chat_ref)
        if ids is None or not user_id.isdigit():
            return None
        guild = await self._guild(ids[0])
        if guild is None:
            return None
        key, now = (guild.id, int(user_id)), time.monotonic()
        kept = self._members.get(key)
        if kept is not None and now - kept[0] < MEMBER_TTL:
            return kept[1]
        try:
            member: discord.Member | None = await guild.fetch_member(int(user_id))
        except (discord.NotFound, discord.Forbidden):
            member = None
        if len(self._members) >= MAX_KEPT_MEMBERS:
            self._members.clear()
        self._members[key] = (now, member)
        return member

    def saw(self, member: discord.Member) -> None:
        """A member as an interaction in a server brings them (roles and join day as Discord had them at the
        click): kept for ``MEMBER_TTL`` as a fetched one would be, so that the press's use case asks no
        ``GET /guilds/{id}/members/{user}``. Only for a server in the gateway's cache (a member of a server
        the cache doesn't know could not have their roles resolved)."""
        guild = member.guild
        if self._client.get_guild(guild.id) is not guild or guild.unavailable:
            return
        if len(self._members) >= MAX_KEPT_MEMBERS:
            self._members.clear()
        self._members[(guild.id, member.id)] = (time.monotonic(), member)

    async def _rights(self, chat_ref: str, member: discord.Member) -> discord.Permissions | None:
        """The member's rights in the community's channel (a community is a channel, not a server)."""
        channel = await self._guild_channel(chat_ref)
        if channel is None:
            return None
        return channel.permissions_for(member)

    async def is_member(self, chat_ref: str, user_id: str) -> bool:
        member = await self._member(chat_ref, user_id)
        rights = await self._rights(chat_ref, member) if member else None
        return rights is not None and rights.view_channel

    async def is_admin(self, chat_ref: str, user_id: str) -> bool:
        member = await self._member(chat_ref, user_id)
        rights = await self._rights(chat_ref, member) if member else None
        return rights is not None and administers(rights)

    async def reader_count(self, chat_ref: str) -> int | None:
        """The server's count, less the bot, for a channel every member of the server can read. A channel
        hidden from @everyone, or from some role or member, has a readership the bot can't count without
        the privileged members intent: unknown, so the minimum refuses it rather than publish to what may
        be two people (setup says so)."""
        channel = await self._guild_channel(chat_ref)
        if channel is None:
            return 0
        if not readable_by_everyone(channel):
            return None
        guild = channel.guild
        return max(0, (guild.member_count or guild.approximate_member_count or 0) - 1)

    async def joined_at(self, chat_ref: str, user_id: str) -> datetime | None:
        member = await self._member(chat_ref, user_id)
        return member.joined_at if member else None

    async def only_admins_read(self, moderators_chat_ref: str, community_chat_ref: str) -> bool | None:
        moderators = await self._guild_channel(moderators_chat_ref)
        community = await self._guild_channel(community_chat_ref)
        if moderators is None or community is None:
            return False
        return await only_admins_read(
            moderators, community, lambda user_id: self._member(community_chat_ref, user_id)
        )

    async def admin_chats(self, chat_ref: str) -> list[str]:
        return []  # the server's owner is told by the messenger itself, naming the permission to grant


def administers(rights: discord.Permissions) -> bool:
    """Moderating a community (a channel) takes Manage Messages in it, as every moderators' button checks."""
    return rights.view_channel and (rights.manage_messages or rights.administrator)


async def only_admins_read(
    moderators: discord.abc.GuildChannel,
    community: discord.abc.GuildChannel,
    fetch_member: Callable[[str], Awaitable[discord.Member | None]],
) -> bool:
    """Whether everyone who can read the moderators' channel administers the community's channel, without
    the members intent: @everyone can't read it; every role that can (alone with @everyone) administers the
    community; every member given the channel by name does (fetched one by one). The bot's own role aside.
    Conservative: a role that reads it without administering fails the check even if nobody holds it."""
    guild = moderators.guild
    if moderators.permissions_for(guild.default_role).view_channel:
        return False
    mine = guild.self_role
    for role in guild.roles:
        if role.is_default() or (mine is not None and role.id == mine.id):
            continue
        if moderators.permissions_for(role).view_channel and not administers(community.permissions_for(role)):
            return False
    me = guild.me.id if guild.me else None
    for target, overwrite in moderators.overwrites.items():
        if isinstance(target, discord.Role) or target.id == me or not overwrite.pair()[0].view_channel:
            continue
        member = await fetch_member(str(target.id))
        if member is None or not moderators.permissions_for(member).view_channel:
            continue  # not in the server (any more): reads nothing
        if not administers(community.permissions_for(member)):
            return False
    return True


def readable_by_everyone(channel: discord.abc.GuildChannel) -> bool:
    """Whether every member of the server can read the channel: @everyone may, and no overwrite (of a
    role or a member, on the channel or its category) takes reading away from anyone."""
    if not channel.permissions_for(channel.guild.default_role).view_channel:
        return False
    return not any(overwrite.pair()[1].view_channel for overwrite in channel.overwrites.values())
