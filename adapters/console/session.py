"""Reading console lines: who acts, what they write, which button they press."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Protocol

from adapters.console.clock import ConsoleClock, parse_duration
from adapters.console.platform import FEATURES
from adapters.console.world import GROUP_REF, PLATFORM, ConsoleUser, ConsoleWorld, ShownMessage
from bot import commands, pictures
from bot.actor import Actor
from bot.commands import Place, commands_for
from bot.messages import Alert, Button, EditPressed, Response, Say
from bot.service import Murmure

HELP = """Console commands:
  /as NAME               act as another member ({members})
  TEXT                   a private message from the acting member to the bot
  /click [MSG] BUTTON    press a button by number or label; MSG defaults to the last message you saw
  /photo PATH [CAPTION]  send a photo (a file on this computer) with its caption to the bot
  /lang en|fr            change the acting member's language
  /settings              the demo group's settings panel, in the acting member's DM (its admins only)
  /audit [PAGE]          the demo group's moderation actions, page by page (its admins only)
  /remove N              remove the demo group's secret #N (its admins only)
  /ban N [24h|7d]        ban the author of #N, for a while or for good; /unban B lifts ban B; /bans lists them
  /stats                 the demo group's figures of the last 7 and 30 days, a chart and text (its admins)
  /words add|remove|list the demo group's own word list: /words add [block] TERM, /words remove TERM
  /wait DURATION         let time pass (e.g. 10m, 2h): delayed cards and replies come out
  /help                  this help
Bot commands (sent in the acting member's DM): {commands}"""

_EMOJI_AND_MARKS = re.compile(r"[^\w\s#]", re.UNICODE)


def _read_photo(path_text: str) -> tuple[bytes | None, int] | None:
    """A file's bytes (None past the size limit: not read) and size; None when there is no such file."""
    path = Path(path_text).expanduser()
    if not path_text or not path.is_file():
        return None
    size = path.stat().st_size
    return (path.read_bytes() if size <= pictures.MAX_BYTES else None), size


class _Dispatching(Protocol):
    async def drain(self, max_rounds: int = ...) -> None: ...


def _normalise_label(label: str) -> str:
    return " ".join(_EMOJI_AND_MARKS.sub(" ", label).split()).casefold()


class ConsoleSession:
    def __init__(
        self, world: ConsoleWorld, service: Murmure, dispatcher: _Dispatching, clock: ConsoleClock
    ) -> None:
        self.world = world
        self.clock = clock
        self.service = service
        self.dispatcher = dispatcher
        self.acting = next(iter(world.users))
        self.echo = True  # repeat each input line in the transcript (off at an interactive prompt)

    @property
    def user(self) -> ConsoleUser:
        return self.world.users[self.acting]

    def actor(self) -> Actor:
        user = self.user
        return Actor(PLATFORM, user.user_id, user.dm_ref, user.locale)

    def say(self, text: str) -> None:
        self.world.print(f"! {text}")

    async def handle(self, line: str) -> None:
        """One line of input. Errors are reported and the session goes on."""
        line = line.rstrip("\n")
        if not line.strip():
            return
        if self.echo:
            self.world.print(f"{self.acting}> {line}")
        try:
            await self._handle(line)
        except Exception as error:  # the console never dies of one bad line
            self.say(f"that line failed: {type(error).__name__}. The session goes on.")
        await self.dispatcher.drain()

    async def _handle(self, line: str) -> None:
        if not line.startswith("/"):
            await self._show(await self.service.text(self.actor(), line), self.user.dm_ref, None)
            return
        name, _, rest = line[1:].partition(" ")
        rest = rest.strip()
        if name == "as":
            self._switch(rest)
        elif name == "click":
            await self._click(rest)
        elif name == "photo":
            await self._photo(rest)
        elif name == "lang":
            await self._show(
                await self.service.set_language(self.actor(), rest.lower()), self.user.dm_ref, None
            )
        elif name == "settings":
            await self._show(await self.service.settings(self.actor(), GROUP_REF), self.user.dm_ref, None)
        elif name == "audit":
            await self._show(await self.service.audit(self.actor(), GROUP_REF, rest), self.user.dm_ref, None)
        elif name in {command.name for command in commands.SANCTIONS}:
            responses = await self.service.sanction(self.actor(), GROUP_REF, name, rest)
            await self._show(responses, self.user.dm_ref, None)

        elif name == "wait":
            self._wait(rest)
        elif name == "help":
            offered = commands_for(Place.PRIVATE, FEATURES)
            self.world.print(
                HELP.format(
                    members=", ".join(self.world.users),
                    commands=", ".join(f"/{c.name}" for c in offered if c is not commands.HELP),
                )
            )
        elif name in {"quit", "exit"}:
            raise SystemExit(0)
        else:
            await self._show(await self.service.command(self.actor(), name, rest), self.user.dm_ref, None)

    async def _photo(self, rest: str) -> None:
        """A photo from a file: refused unread when the file is over the limit, as a platform would say."""
        path_text, _, caption = rest.partition(" ")
        found = _read_photo(path_text)
        if found is None:
            self.say("usage: /photo PATH [CAPTION], PATH a photo file on this computer")
            return
        data, size = found
        responses = await self.service.picture(self.actor(), data, caption.strip(), size)
        await self._show(responses, self.user.dm_ref, None)

    def _wait(self, rest: str) -> None:
        duration = parse_duration(rest)
        if duration is None:
            self.say("usage: /wait DURATION, from 1s to 7d, e.g. /wait 10m or /wait 2h")
            return
        self.clock.skip(duration)  # what came due goes out when the line is done (``handle`` drains)
        self.say(f"{rest.strip().lower()} later…")

    def _switch(self, name: str) -> None:
        name = name.strip().lower()
        if name not in self.world.users:
            self.say(f"no member named {name!r}. Members: {', '.join(self.world.users)}")
            return
        self.acting = name
        self.say(f"now acting as {name}")

    def _target(self, rest: str) -> tuple[ShownMessage, str] | None:
        try:
            tokens = shlex.split(rest)
        except ValueError:
            tokens = rest.split()
        if not tokens:
            self.say("usage: /click [MSG] BUTTON")
            return None
        message_id: int | None = None
        if len(tokens) >= 2 and tokens[0].isdigit():
            message_id, tokens = int(tokens[0]), tokens[1:]
        if message_id is None:
            message_id = self.world.last_seen.get(self.acting)
        message = self.world.messages.get(message_id) if message_id is not None else None
        if message is None or not self.world.can_see(self.acting, message):
            self.say(f"there is no message {message_id} that {self.acting} can see")
            return None
        return message, " ".join(tokens)

    def _button(self, message: ShownMessage, wanted: str) -> Button | None:
        if wanted.isdigit():
            index = int(wanted)
            if 1 <= index <= len(message.buttons):
                return message.buttons[index - 1]
            self.say(f"message {message.id} has no button {index}")
            return None
        key = _normalise_label(wanted)
        exact = [b for b in message.buttons if _normalise_label(b.label) == key]
        partial = [b for b in message.buttons if key and _normalise_label(b.label).startswith(key)]
        found = exact or partial
        if len(found) != 1:
            labels = ", ".join(b.label for b in message.buttons) or "none"
            self.say(f"no single button {wanted!r} on message {message.id} (buttons: {labels})")
            return None
        return found[0]

    async def _click(self, rest: str) -> None:
        target = self._target(rest)
        if target is None:
            return
        message, wanted = target
        button = self._button(message, wanted)
        if button is None:
            return
        if button.link is not None:
            self.say(f"{self.acting} opens the DM with the bot")
            responses = await self.service.start(self.actor(), button.link.encode())
            await self._show(responses, self.user.dm_ref, None)
        elif button.action is not None:
            responses = await self.service.press(self.actor(), button.action.encode())
            await self._show(responses, message.chat_ref, message)

    async def _show(self, responses: list[Response], chat_ref: str, pressed: ShownMessage | None) -> None:
        chat = self.world.chats[chat_ref]
        for response in responses:
            if isinstance(response, Alert):
                self.world.print(f"  (only {self.acting} sees) {response.text}")
            elif isinstance(response, EditPressed) and pressed is not None:
                self.world.edit(pressed.id, response.message)
            else:
                message = response.message if isinstance(response, (Say, EditPressed)) else None
                if message is not None:
                    # Answers are private: one to a press in a group goes to the member's DM.
                    self.world.post(chat_ref if chat.is_dm else self.user.dm_ref, message)
            if isinstance(response, EditPressed) and response.told is not None:
                await self.service.told(response.told)  # shown: the outbox's copy is called off
