"""The core's Messenger and Directory ports over a discord.py ``Client``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import discord

from adapters.discord.render import message_kwargs
from bot.messages import ChatTarget, OutgoingMessage
from bot.ports import DeliveryError

THREAD_EXISTS = 160004
DM_PREFIX = "dm/"


def community_ref(guild_id: int, channel_id: int) -> str:
    return f"{guild_id}/{channel_id}"


def split_ref(chat_ref: str) -> tuple[int, int] | None:
    guild, _, channel = chat_ref.partition("/")
    if not (guild.isdigit() and channel.isdigit()):
        return None
    return int(guild), int(channel)


def as_delivery_error(error: discord.HTTPException) -> DeliveryError:
    if isinstance(error, discord.Forbidden | discord.NotFound):
        return DeliveryError(f"discord {error.status}", permanent=True, chat_gone=True)
    if error.status >= 500:
        return DeliveryError(f"discord {error.status}")
    return DeliveryError(f"discord {error.status}", permanent=True)


class DiscordMessenger:
    def __init__(self, client: discord.Client) -> None:
        self._client = client

    async def _channel(self, chat_ref: str) -> Any:
        if chat_ref.startswith(DM_PREFIX):
            # Opening the DM (POST /users/@me/channels) needs no user object nor any cache.
            opened = await self._client.http.start_private_message(int(chat_ref.removeprefix(DM_PREFIX)))
            return self._client.get_partial_messageable(int(opened["id"]), type=discord.ChannelType.private)
        ids = split_ref(chat_ref)
        if ids is None:
            raise DeliveryError("not a discord chat", permanent=True)
        return self._client.get_channel(ids[1]) or await self._client.fetch_channel(ids[1])

    async def _thread(self, channel: Any, message_id: int) -> Any:
        """The thread on a card (its id is the card's), started on the first reply."""
        try:
            return await channel.get_partial_message(message_id).create_thread(name="💬")
        except discord.HTTPException as error:
            if error.code != THREAD_EXISTS:
                raise
        return self._client.get_channel(message_id) or await self._client.fetch_channel(message_id)

    async def send(self, target: ChatTarget, message: OutgoingMessage) -> str:
        try:
            channel = await self._channel(target.chat_ref)
            if target.reply_to is not None:
                channel = await self._thread(channel, int(target.reply_to))
            kwargs = {k: v for k, v in message_kwargs(message).items() if v is not None}
            sent = await channel.send(**kwargs)
        except discord.HTTPException as error:
            raise as_delivery_error(error) from None
        return str(sent.id)

    async def edit(self, target: ChatTarget, message_ref: str, message: OutgoingMessage) -> None:
        try:
            channel = await self._channel(target.chat_ref)
            await channel.get_partial_message(int(message_ref)).edit(**message_kwargs(message))
        except discord.HTTPException as error:
            raise as_delivery_error(error) from None


class DiscordDirectory:
    """Membership and rights as Discord says them now (``GET /guilds/{id}/members/{user}``)."""

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    async def _member(self, chat_ref: str, user_id: str) -> discord.Member | None:
        ids = split_ref(chat_ref)
        if ids is None or not user_id.isdigit():
            return None
        guild = self._client.get_guild(ids[0])
        if guild is None:
            return None
        try:
            return await guild.fetch_member(int(user_id))
        except (discord.NotFound, discord.Forbidden):
            return None

    def _rights(self, chat_ref: str, member: discord.Member) -> discord.Permissions | None:
        """The member's rights in the community's channel (a community is a channel, not a server)."""
        ids = split_ref(chat_ref)
        guild = self._client.get_guild(ids[0]) if ids else None
        channel = guild.get_channel(ids[1]) if guild and ids else None
        if channel is None:
            return None
        return channel.permissions_for(member)

    async def is_member(self, chat_ref: str, user_id: str) -> bool:
        member = await self._member(chat_ref, user_id)
        rights = self._rights(chat_ref, member) if member else None
        return rights is not None and rights.view_channel

    async def is_admin(self, chat_ref: str, user_id: str) -> bool:
        member = await self._member(chat_ref, user_id)
        rights = self._rights(chat_ref, member) if member else None
        return rights is not None and rights.view_channel and (rights.manage_messages or rights.administrator)

    async def member_count(self, chat_ref: str) -> int:
        """The server's count for a channel everyone can see. A channel hidden from @everyone has a count
        the bot can't know without the privileged members intent: 0, so the minimum refuses it rather than
        publish to a readership that may be two people."""
        ids = split_ref(chat_ref)
        guild = self._client.get_guild(ids[0]) if ids else None
        channel = guild.get_channel(ids[1]) if guild and ids else None
        if guild is None or channel is None or not channel.permissions_for(guild.default_role).view_channel:
            return 0
        return guild.member_count or 0

    async def joined_at(self, chat_ref: str, user_id: str) -> datetime | None:
        member = await self._member(chat_ref, user_id)
        return member.joined_at if member else None
