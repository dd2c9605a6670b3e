"""The core's messages in Telegram's terms: escaped HTML, inline keyboards, deep links."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.actions import DeepLink
from bot.messages import Button, MessageLink, OutgoingMessage, RichText, Style

CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit
MESSAGE_LIMIT = 4096
BUTTONS_PER_ROW = 8  # what Telegram's clients show side by side
MAX_BUTTONS = 100  # in one inline keyboard

_TAGS = {Style.BOLD: "b", Style.ITALIC: "i", Style.SPOILER: "tg-spoiler"}


def message_link(link: MessageLink) -> str | None:
    """``https://t.me/c/<id>/<message>`` for a supergroup (chat id -100<id>); basic groups have no links."""
    if not link.chat_ref.startswith("-100") or not link.message_ref.isdigit():
        return None
    return f"https://t.me/c/{link.chat_ref[4:]}/{link.message_ref}"


def to_html(text: RichText) -> str:
    """Every span escaped; styles as the few tags Telegram's HTML knows. Member text can't inject markup."""
    parts = []
    for span in text.spans:
        escaped = html.escape(span.text, quote=False)
        tag = _TAGS.get(span.style)
        piece = f"<{tag}>{escaped}</{tag}>" if tag and escaped else escaped
        url = message_link(span.link) if span.link is not None else None
        parts.append(f'<a href="{html.escape(url)}">{piece}</a>' if url else piece)
    return "".join(parts)


def deep_link(bot_username: str, link: DeepLink) -> str:
    return f"https://t.me/{bot_username}?start={link.encode()}"


def _button(button: Button, bot_username: str) -> InlineKeyboardButton:
    if button.link is not None:
        return InlineKeyboardButton(button.label, url=deep_link(bot_username, button.link))
    if button.action is None:
        raise ValueError(f"button {button.label!r} has neither an action nor a link")
    data = button.action.encode()
    if len(data.encode()) > CALLBACK_DATA_LIMIT:
        raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {type(button.action).__name__}")
    return InlineKeyboardButton(button.label, callback_data=data)


def rows_of(buttons: tuple[Button, ...]) -> list[tuple[Button, ...]]:
    """A long row split into even rows of at most ``BUTTONS_PER_ROW``: clients show no more side by side."""
    if len(buttons) <= BUTTONS_PER_ROW:
        return [buttons]
    count = -(-len(buttons) // BUTTONS_PER_ROW)
    size = -(-len(buttons) // count)
    return [buttons[i : i + size] for i in range(0, len(buttons), size)]


def keyboard(message: OutgoingMessage, bot_username: str) -> InlineKeyboardMarkup | None:
    if not message.buttons:
        return None
    rows = [row for given in message.buttons for row in rows_of(given)]
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise ValueError(f"more than {MAX_BUTTONS} buttons in one keyboard")
    return InlineKeyboardMarkup([[_button(b, bot_username) for b in row] for row in rows])
