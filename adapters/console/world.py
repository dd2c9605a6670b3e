"""The simulated messenger: members, chats and the messages shown in them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bot.messages import Button, Document, OutgoingMessage, Picture, RichText, Style

PLATFORM = "console"
GROUP_REF = "demo-group"
MODERATORS_REF = "demo-moderators"


@dataclass(frozen=True)
class ConsoleUser:
    name: str
    user_id: str
    locale: str

    @property
    def dm_ref(self) -> str:
        return f"dm-{self.user_id}"


@dataclass
class Chat:
    ref: str
    title: str
    members: set[str]
    admins: set[str] = field(default_factory=set)
    is_dm: bool = False


@dataclass
class ShownMessage:
    id: int
    chat_ref: str
    text: str
    buttons: list[Button]
    reply_to: int | None = None
    picture: Picture | None = None  # the bytes as the bot uploaded them


def render_text(text: RichText) -> str:
    parts = []
    for span in text.spans:
        if span.style is Style.SPOILER:
            parts.append(f"[spoiler: {span.text}]")
        else:
            parts.append(span.text)
        if span.link is not None:
            parts.append(f" [→ message {span.link.message_ref}]")
    return "".join(parts)


class ConsoleWorld:
    def __init__(self, out: TextIO, files: Path | None = None) -> None:
        self.out = out
        self.files = files  # where a file sent to a member is written (``/export``): ``<data_dir>/exports``
        self.users: dict[str, ConsoleUser] = {}
        self.chats: dict[str, Chat] = {}
        self.messages: dict[int, ShownMessage] = {}
        self.last_seen: dict[str, int] = {}
        self._next_id = 1

    def add_user(self, user: ConsoleUser) -> None:
        self.users[user.name] = user
        self.chats[user.dm_ref] = Chat(user.dm_ref, f"DM {user.name} ⇄ Murmure", {user.name}, is_dm=True)

    def user_by_id(self, user_id: str) -> ConsoleUser | None:
        return next((user for user in self.users.values() if user.user_id == user_id), None)

    def can_see(self, name: str, message: ShownMessage) -> bool:
        chat = self.chats.get(message.chat_ref)
        return chat is not None and name in chat.members

    def print(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()

    def post(self, chat_ref: str, message: OutgoingMessage, reply_to: int | None = None) -> ShownMessage:
        chat = self.chats.get(chat_ref)
        if chat is None:
            raise KeyError(chat_ref)
        shown = ShownMessage(
            self._next_id,
            chat_ref,
            render_text(message.text),
            [b for row in message.buttons for b in row],
            reply_to,
            message.picture,
        )
        self._next_id += 1
        self.messages[shown.id] = shown
        for name in chat.members:
            self.last_seen[name] = shown.id
        self._show(shown, edited=False)
        if message.document is not None:
            self.print(f"  📎 {message.document.name} → {self.write_file(message.document)}")
        return shown

    def write_file(self, document: Document) -> Path:
        """The file in the exports folder (0700), readable by its owner only (0600), never overwritten."""
        if self.files is None:
            raise RuntimeError("the console has no folder for files")
        self.files.mkdir(mode=0o700, parents=True, exist_ok=True)
        stem, dot, suffix = Path(document.name).name.rpartition(".")
        for attempt in range(1000):
            name = document.name if attempt == 0 else f"{stem}-{attempt}{dot}{suffix}"
            path = self.files / Path(name).name
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            with os.fdopen(descriptor, "wb") as file:
                file.write(document.content)
            return path
        raise FileExistsError(document.name)

    def edit(self, message_id: int, message: OutgoingMessage) -> bool:
        shown = self.messages.get(message_id)
        if shown is None:
            return False
        text = render_text(message.text)
        buttons = [b for row in message.buttons for b in row]
        picture = message.picture or shown.picture  # an edit without a photo keeps the message's photo
        if text == shown.text and buttons == shown.buttons and picture == shown.picture:
            return True  # like Telegram's "message is not modified": nothing to show
        shown.text, shown.buttons, shown.picture = text, buttons, picture
        self._show(shown, edited=True)
        return True

    def _show(self, shown: ShownMessage, *, edited: bool) -> None:
        chat = self.chats[shown.chat_ref]
        notes = [f"message {shown.id}"]
        if shown.reply_to is not None:
            notes.append(f"reply to message {shown.reply_to}")
        if edited:
            notes.append("edited")
        self.print(f"── {chat.title} · {' · '.join(notes)} ──")
        if shown.picture is not None:
            blurred = ", blurred" if shown.picture.spoiler else ""
            self.print(f"  [🖼 photo {shown.picture.name}, {len(shown.picture.data)} bytes{blurred}]")
        for line in shown.text.split("\n"):
            self.print(f"  {line}")
        if shown.buttons:
            labels = [f"[{index}] {button.label}" for index, button in enumerate(shown.buttons, start=1)]
            self.print("  " + "  ".join(labels))
