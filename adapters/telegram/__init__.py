"""Telegram: python-telegram-bot 22 handlers and the core's messenger and directory ports."""
