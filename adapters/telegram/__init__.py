"""Telegram: python-telegram-bot 22 handlers and the core's messenger and directory ports."""

import logging

from adapters.runtime import Platform
from adapters.telegram.connection import TelegramConnection
from adapters.telegram.handlers import FEATURES, PLATFORM

# httpx logs URLs (Telegram's carry the token); PTB logs request parameters at DEBUG
QUIET = {"httpx": logging.WARNING, "httpcore": logging.WARNING, "telegram": logging.WARNING}
ADAPTER = Platform(PLATFORM, FEATURES, TelegramConnection, QUIET)
