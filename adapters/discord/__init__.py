"""Discord: discord.py 2.7 slash commands, modals and persistent buttons over the core's use cases."""

import logging

from adapters.discord.client import FEATURES, PLATFORM
from adapters.discord.connection import DiscordConnection
from adapters.runtime import Platform

# discord.py logs rate-limited URLs with user ids at WARNING, gateway payloads at DEBUG
QUIET = {"discord": logging.WARNING, "discord.http": logging.ERROR}
ADAPTER = Platform(PLATFORM, FEATURES, DiscordConnection, QUIET)
