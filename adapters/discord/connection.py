"""Discord's client from its config section: the gateway connection, kept until stopped."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import discord

from adapters.discord.client import MurmureClient, configure_endpoints
from adapters.discord.platform import DiscordDirectory, DiscordMessenger
from adapters.library_logs import scrub_library_logs
from adapters.section import ConfigError, Section
from bot.logsafe import where
from bot.service import Murmure

log = logging.getLogger(__name__)

DRAIN_SECONDS = 5.0  # at most this long, the events being handled finish before the client closes
TOKEN_ENV = "MURMURE_DISCORD_TOKEN"  # noqa: S105 - the name of an environment variable


def shard_options(section: Section) -> dict[str, int]:
    """``shard_id`` of ``shard_count`` (Discord's sharding: a process gets the events of the servers whose
    ``(server id >> 22) % shard_count`` is its ``shard_id``, and shard 0 the DMs), or one shard for all."""
    shard_id, shard_count = section.get("shard_id"), section.get("shard_count")
    if shard_id is None and shard_count is None:
        return {}
    if not (isinstance(shard_id, int) and isinstance(shard_count, int) and 0 <= shard_id < shard_count):
        raise ConfigError(
            "discord.shard_id and discord.shard_count go together: shard_id from 0 to shard_count - 1"
        )
    return {"shard_id": shard_id, "shard_count": shard_count}


class DiscordConnection:
    def __init__(self, section: Section) -> None:
        self._section = section
        configure_endpoints(section.get("api_base_url"), section.get("gateway_url"))
        guilds = section.get("guild_ids", [])
        if not isinstance(guilds, list) or not all(isinstance(g, int) for g in guilds):
            raise ConfigError("discord.guild_ids must be a list of server ids (numbers)")
        scrub_library_logs("discord")  # its records carry gateway events and exceptions' texts
        # Murmure has no voice: the voice libraries' absence is not worth a warning at every start
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        shards = shard_options(section)
        # several processes send for this bot only when it is sharded (one shard per process)
        self._sharded = shards.get("shard_count", 1) > 1
        self._client = MurmureClient(
            dev_guilds=tuple(guilds),
            guild_ready_timeout=section.number("guild_ready_timeout", 2.0),
            **shards,
        )
        self.messenger = DiscordMessenger(self._client)
        self.directory = DiscordDirectory(self._client)
        self._client.member_seen = self.directory.saw
        self._connection: asyncio.Task[None] | None = None

    async def start(self, service: Murmure) -> None:
        token = self._section.secret("token", TOKEN_ENV)
        if self._sharded and service.coordination is not None and service.coordination.shared:
            # other processes send for this bot (shards): a channel's writes counted over all of them; a
            # single process counts them by Discord's headers alone (no database round trip per write)
            self.messenger.share(service.coordination)
        self._client.attach(service)
        await self._client.login(token)
        self._connection = asyncio.create_task(self._client.connect(reconnect=True))

    async def stop(self) -> None:
        try:
            await self._client.drain(DRAIN_SECONDS)
            await self._client.close()
            await self.messenger.settled()
            if self._connection is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await self._connection
        except Exception as error:
            log.error("while stopping discord: %s", where(error))
        self._connection = None
