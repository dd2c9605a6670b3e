"""The core's messages in Discord's terms: escaped markdown, no mentions, buttons with parsed custom ids."""

from __future__ import annotations

from typing import Any

import discord

from bot.messages import Button, MessageLink, OutgoingMessage, RichText, Style

CONTENT_LIMIT = 2000
EMBED_LIMIT = 4096
CUSTOM_ID_LIMIT = 100
LINK_PREFIX = "link:"  # a core DeepLink: on Discord, a button that opens a modal or an ephemeral prompt

_MARKS = {Style.BOLD: "**", Style.ITALIC: "*", Style.SPOILER: "||"}


def jump_url(link: MessageLink) -> str | None:
    guild, _, channel = link.chat_ref.partition("/")
    if not (guild.isdigit() and channel.isdigit() and link.message_ref.isdigit()):
        return None
    return f"https://discord.com/channels/{guild}/{channel}/{link.message_ref}"


def escape(text: str) -> str:
    """Markdown and mentions neutralised: member text can't format, ping or link."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def to_markdown(text: RichText) -> str:
    parts = []
    for span in text.spans:
        piece = escape(span.text)
        mark = _MARKS.get(span.style)
        if mark and piece.strip():
            piece = f"{mark}{piece}{mark}"
        url = jump_url(span.link) if span.link is not None else None
        parts.append(f"[{piece}]({url})" if url else piece)
    return "".join(parts)


def custom_id(button: Button) -> str:
    if button.link is not None:
        data = LINK_PREFIX + button.link.encode()
    elif button.action is not None:
        data = button.action.encode()
    else:
        raise ValueError(f"button {button.label!r} has neither an action nor a link")
    if len(data) > CUSTOM_ID_LIMIT:
        raise ValueError(f"custom id over {CUSTOM_ID_LIMIT} characters")
    return data


class Buttons(discord.ui.View):
    """Buttons only: clicks reach the client's dynamic items (``client.py``), parsed from their custom ids,
    so discord.py need not keep a view per message in memory, and old cards work after a restart."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    def is_dispatchable(self) -> bool:
        return False


def view_of(message: OutgoingMessage) -> discord.ui.View | None:
    if not message.buttons:
        return None
    view = Buttons()
    for row, buttons in enumerate(message.buttons[:5]):
        for button in buttons[:5]:
            style = discord.ButtonStyle.secondary if button.action and button.action.counter else None
            view.add_item(
                discord.ui.Button(
                    label=button.label[:80],
                    custom_id=custom_id(button),
                    row=row,
                    style=style or discord.ButtonStyle.primary,
                )
            )
    return view


def message_kwargs(message: OutgoingMessage) -> dict[str, Any]:
    """What ``send``/``edit`` take: text as content (or an embed when long), buttons, never a mention."""
    text = to_markdown(message.text)
    kwargs: dict[str, Any] = {"allowed_mentions": discord.AllowedMentions.none(), "view": view_of(message)}
    if len(text) <= CONTENT_LIMIT:
        kwargs.update(content=text, embed=None)
    else:
        kwargs.update(content=None, embed=discord.Embed(description=text[:EMBED_LIMIT]))
    return kwargs
