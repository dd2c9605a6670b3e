"""The core's messages in Discord's terms: escaped markdown, no mentions, buttons with parsed custom ids."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import discord

from bot.messages import Button, MessageLink, OutgoingMessage, Picture, RichText, Style

CONTENT_LIMIT = 2000
EMBED_LIMIT = 4096
CUSTOM_ID_LIMIT = 100
LINK_PREFIX = "link:"  # a core DeepLink: on Discord, a button that opens a modal or an ephemeral prompt
MENU_PREFIX = "pick:"  # a select menu of choices too many for buttons; each option's value is a custom id
MAX_ROWS = 5  # Discord: 5 action rows a message
BUTTONS_PER_ROW = 5  # and 5 buttons a row
OPTIONS_PER_MENU = 25
BUTTON_LABEL_LIMIT = 80
OPTION_LABEL_LIMIT = 100
PLACEHOLDER_LIMIT = 150
_TRIM = " ,;:-–—|·•"

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


@dataclass(frozen=True)
class Row:
    """One action row: buttons, or a select menu offering the same choices."""

    buttons: tuple[Button, ...]
    menu: bool = False


def _chunks(buttons: Sequence[Button], size: int) -> list[tuple[Button, ...]]:
    return [tuple(buttons[i : i + size]) for i in range(0, len(buttons), size)]


def layout(rows: Sequence[Sequence[Button]]) -> list[Row]:
    """The core's rows within Discord's 5 rows of 5, no choice dropped: a row of more than 5 choices
    becomes a select menu; too many rows are packed side by side (the last row, the message's own
    actions, stays apart); what still does not fit goes into one more menu."""
    given = [tuple(row) for row in rows if row]
    if len(given) <= MAX_ROWS and all(len(row) <= BUTTONS_PER_ROW for row in given):
        return [Row(row) for row in given]
    out: list[Row] = []
    for row in given:
        if len(row) > BUTTONS_PER_ROW:
            out += [Row(chunk, menu=True) for chunk in _chunks(row, OPTIONS_PER_MENU)]
        else:
            out.append(Row(row))
    if len(out) > MAX_ROWS:
        out = _packed(out[:-1]) + out[-1:]
    if len(out) > MAX_ROWS:
        rest = [button for row in out[MAX_ROWS - 1 :] for button in row.buttons]
        out = out[: MAX_ROWS - 1] + [Row(chunk, menu=True) for chunk in _chunks(rest, OPTIONS_PER_MENU)]
    if len(out) > MAX_ROWS:
        raise ValueError(f"more choices than one Discord message can hold: {len(out)} rows")
    return out


def _packed(rows: list[Row]) -> list[Row]:
    """Consecutive rows of buttons side by side, five a row; menus stay rows of their own."""
    out: list[Row] = []
    for row in rows:
        last = out[-1] if out else None
        if (
            not row.menu
            and last is not None
            and not last.menu
            and len(last.buttons) + len(row.buttons) <= BUTTONS_PER_ROW
        ):
            out[-1] = Row(last.buttons + row.buttons)
        else:
            out.append(row)
    return out


def fit(label: str, limit: int) -> str:
    """A label within ``limit`` characters, cut at a word boundary when it can be, with an ellipsis."""
    if len(label) <= limit:
        return label
    cut = label[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(_TRIM) + "…"


def _head_and_tail(label: str, limit: int) -> str:
    """The start and the end of a long label, for labels that differ only past the cut."""
    words, tail = label.split(), ""
    while words and len(words[-1]) + len(tail) + 1 <= limit // 3:
        tail = f"{words.pop()} {tail}".strip()
    return f"{fit(label, limit - len(tail) - 1)} {tail}" if tail else fit(label, limit)


def fit_all(labels: Sequence[str], limit: int) -> list[str]:
    """Labels within ``limit``, still telling the choices apart when only their ends differ."""
    fitted = [fit(label, limit) for label in labels]
    clashing = {label for label in fitted if fitted.count(label) > 1}
    for index, label in enumerate(labels):
        if fitted[index] in clashing and len(label) > limit:
            fitted[index] = _head_and_tail(label, limit)
    seen: dict[str, int] = {}
    for index, label in enumerate(fitted):
        seen[label] = seen.get(label, 0) + 1
        if fitted.count(label) > 1 and seen[label] > 1:
            suffix = f" ({seen[label]})"
            fitted[index] = fit(label, limit - len(suffix)) + suffix
    return fitted


def view_of(message: OutgoingMessage) -> discord.ui.View | None:
    if not message.buttons:
        return None
    view = Buttons()
    menus = 0
    for index, row in enumerate(layout(message.buttons)):
        if row.menu:
            labels = fit_all([b.label for b in row.buttons], OPTION_LABEL_LIMIT)
            options = [
                discord.SelectOption(label=label, value=custom_id(button))
                for label, button in zip(labels, row.buttons, strict=True)
            ]
            # the choices themselves, closed: a menu of a feed item's buttons reads "#42 ❤️ 3 · 😂 · … · 🚩"
            placeholder = fit(" · ".join(b.label for b in row.buttons), PLACEHOLDER_LIMIT)
            view.add_item(
                discord.ui.Select(
                    custom_id=f"{MENU_PREFIX}{menus}", options=options, row=index, placeholder=placeholder
                )
            )
            menus += 1
            continue
        labels = fit_all([b.label for b in row.buttons], BUTTON_LABEL_LIMIT)
        for label, button in zip(labels, row.buttons, strict=True):
            style = discord.ButtonStyle.secondary if button.action and button.action.counter else None
            view.add_item(
                discord.ui.Button(
                    label=label,
                    custom_id=custom_id(button),
                    row=index,
                    style=style or discord.ButtonStyle.primary,
                )
            )
    return view


def send_kwargs(message: OutgoingMessage) -> dict[str, Any]:
    """What ``send`` takes: ``message_kwargs`` without its empty parts, and the document as an attachment
    (a fresh ``discord.File`` each time: one is consumed by the upload)."""
    kwargs = {k: v for k, v in message_kwargs(message).items() if v is not None}
    if message.document is not None:
        kwargs["file"] = discord.File(io.BytesIO(message.document.content), filename=message.document.name)
    if message.picture is not None:
        kwargs["file"] = as_file(message.picture)
    return kwargs


def as_file(picture: Picture) -> discord.File:
    """A photo uploaded anew (never a link to the member's own upload); behind a spoiler when asked."""
    return discord.File(io.BytesIO(picture.data), filename=picture.name, spoiler=picture.spoiler)


def message_kwargs(message: OutgoingMessage) -> dict[str, Any]:
    """What ``send``/``edit`` take: text as content (or an embed when long), buttons, never a mention."""
    text = to_markdown(message.text)
    kwargs: dict[str, Any] = {"allowed_mentions": discord.AllowedMentions.none(), "view": view_of(message)}
    if len(text) <= CONTENT_LIMIT:
        kwargs.update(content=text, embed=None)
    else:
        kwargs.update(content=None, embed=discord.Embed(description=text[:EMBED_LIMIT]))
    return kwargs
