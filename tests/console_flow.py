"""Conversation tests for the console, in the spirit of botbuilder's TestFlow: send a line, read the reply."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from adapters.console.session import ConsoleSession
from murmure.bootstrap import App
from murmure.config import Config, load_config
from murmure.console_app import start_console
from tests.support import FixedClock, publishing_at_once

HEADER = re.compile(r"^── (?P<chat>.+?) · message (?P<id>\d+)(?P<notes>.*) ──$", re.M)


@dataclass
class Shown:
    chat: str
    id: int
    notes: str
    body: str


def parse(transcript: str) -> list[Shown]:
    shown: list[Shown] = []
    matches = list(HEADER.finditer(transcript))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(transcript)
        body = transcript[match.end() : end]
        body = "\n".join(line[2:] for line in body.strip("\n").split("\n") if line.startswith("  "))
        shown.append(Shown(match["chat"], int(match["id"]), match["notes"], body))
    return shown


class ConsoleFlow:
    def __init__(self, app: App, session: ConsoleSession, out: io.StringIO, clock: FixedClock) -> None:
        self.app = app
        self.session = session
        self.out = out
        self.clock = clock
        self.transcript = out.getvalue()

    @classmethod
    async def start(cls, tmp_path: Path, database_url: str, extra_toml: str = "") -> ConsoleFlow:
        config_path = tmp_path / "config.toml"
        config_path.write_text(
            f'[database]\nurl = "{database_url}"\n{publishing_at_once(extra_toml)}', encoding="utf-8"
        )
        config: Config = load_config(config_path)
        out = io.StringIO()
        clock = FixedClock()
        app, session = await start_console(config, out, clock=clock, generate_keys=True)
        return cls(app, session, out, clock)

    async def close(self) -> None:
        await self.app.close()

    async def send(self, line: str) -> str:
        """One console line; returns what it printed."""
        before = len(self.out.getvalue())
        await self.session.handle(line)
        printed = self.out.getvalue()[before:]
        self.transcript = self.out.getvalue()
        return printed

    async def as_(self, name: str, line: str) -> str:
        if self.session.acting != name:
            await self.send(f"/as {name}")
        return await self.send(line)

    def last_reply(self, printed: str) -> Shown:
        found = [shown for shown in parse(printed) if "reply to message" in shown.notes]
        assert found, f"no reply shown:\n{printed}"
        return found[-1]

    def last_in(self, chat: str, printed: str | None = None) -> Shown:
        found = [
            shown
            for shown in parse(printed if printed is not None else self.transcript)
            if shown.chat == chat
        ]
        assert found, f"nothing shown in {chat!r}:\n{printed if printed is not None else self.transcript}"
        return found[-1]

    def message(self, message_id: int) -> Shown:
        """The last version shown of a message."""
        found = [shown for shown in parse(self.transcript) if shown.id == message_id]
        assert found, f"message {message_id} was never shown"
        return found[-1]

    @staticmethod
    def parse_new(printed: str) -> list[Shown]:
        return parse(printed)
