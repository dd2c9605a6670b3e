"""What the core says: platform-neutral rich text and buttons. Adapters render and escape them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.actions import Action, DeepLink


class Style(StrEnum):
    PLAIN = "plain"
    BOLD = "bold"
    ITALIC = "italic"
    SPOILER = "spoiler"


@dataclass(frozen=True)
class MessageLink:
    """A link to a message the bot posted (a card): Telegram message links, Discord jump URLs."""

    chat_ref: str
    message_ref: str


@dataclass(frozen=True)
class Span:
    text: str
    style: Style = Style.PLAIN
    link: MessageLink | None = None


@dataclass(frozen=True)
class RichText:
    spans: tuple[Span, ...]

    @classmethod
    def plain(cls, text: str) -> RichText:
        return cls((Span(text),))

    def __add__(self, other: RichText) -> RichText:
        return RichText(self.spans + other.spans)

    @property
    def plain_text(self) -> str:
        return "".join(span.text for span in self.spans)


@dataclass(frozen=True)
class Button:
    label: str
    action: Action | None = None
    link: DeepLink | None = None


@dataclass(frozen=True)
class Document:
    """A file sent with a message (``/export``): a Telegram document, a Discord attachment, a file written by
    the console. Built for the one event that asks for it and never stored."""

    name: str
    content: bytes = field(repr=False)
    media_type: str = "application/json"


@dataclass(frozen=True)
class Picture:
    """A photo the bot re-uploads with a message (never forwarded): re-encoded bytes, a random file name
    that says nothing of the author, blurred behind a spoiler under a content warning."""

    data: bytes
    name: str
    spoiler: bool = False


@dataclass(frozen=True)
class OutgoingMessage:
    """Text and buttons, with a photo when ``picture`` is set. A message sent with a photo is edited with
    one (its caption, and the photo itself when another one replaces it)."""

    text: RichText
    buttons: tuple[tuple[Button, ...], ...] = ()
    document: Document | None = None  # the text is then its caption
    picture: Picture | None = None  # the text is then its caption


@dataclass(frozen=True)
class ChatTarget:
    """Where a message goes. ``once`` names what it is (a secret's card, a reply, a digest): a platform that
    can (Discord's enforced nonce) makes one message of two sends with the same ``once`` a few minutes
    apart, so a send retried after a crash between the platform's answer and the commit is not doubled."""

    platform: str
    chat_ref: str
    reply_to: str | None = None
    topic_ref: str | None = (
        None  # a topic of a forum chat (Telegram's message_thread_id), if not the main one
    )
    thread_title: str | None = None  # the name of the thread a reply starts on its card (Discord)
    once: str | None = None


# Responses to the event being handled, delivered by the adapter in the chat of the event.
@dataclass(frozen=True)
class Say:
    """An answer. To a command typed in a group, it goes to the typer privately (or nowhere) unless
    ``to_chat``: news for everyone in that chat, such as a moderators' chat told it now gets the queue."""

    message: OutgoingMessage
    to_chat: bool = False


@dataclass(frozen=True)
class EditPressed:
    """Replace the message whose button was pressed. ``told``: once it shows (edited, or sent in its place),
    the adapter says so (``Murmure.told``), which calls off the outbox's copy of it (``AcceptedNotice``).
    ``card``: the pressed message is a card, edited only in place (never sent as a new message); whether the
    edit showed or not, the adapter says so (``Murmure.card_answered``)."""

    message: OutgoingMessage
    told: Told | None = None
    card: CardAnswer | None = None


@dataclass(frozen=True)
class CardAnswer:
    """A card edited in the answer to a press on it (Discord's UPDATE_MESSAGE), rendered right after the
    press's change was written. ``entry``: the outbox's refresh of the card, held back a few seconds in case
    the answer never shows, called off once it did and still shows the card as it is."""

    secret_id: int
    entry: int
    rendered: int = 0  # when it was rendered, in this process's order of answers (bot.card_checks.mark)


@dataclass(frozen=True)
class Told:
    """What an answer that showed calls off: the outbox entry queued in case it never would."""

    dedupe_key: str


@dataclass(frozen=True)
class Alert:
    """A short notice for the one who pressed (Telegram callback alert, Discord ephemeral)."""

    text: str


Response = Say | EditPressed | Alert
