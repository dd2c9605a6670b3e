"""The composition root runs whatever adapters are configured: a messenger is a folder under adapters/ that
exports a platform object, and a section in the config file. Nothing in murmure/ names one."""

from __future__ import annotations

import asyncio
import base64
import re
import sys
from pathlib import Path

import pytest

import adapters
from adapters.runtime import Platform
from murmure.config import load_config
from murmure.platforms import adapter_packages, configured_platforms
from murmure.platforms_app import run_platforms

ROOT = Path(__file__).resolve().parents[2]

PIGEON = '''
"""A third messenger, for the test: carrier pigeons."""

from datetime import datetime

from adapters.runtime import Platform
from bot.actor import Actor
from bot.commands import Feature
from bot.messages import ChatTarget, OutgoingMessage

EVENTS = []


class Loft:
    async def send(self, target: ChatTarget, message: OutgoingMessage) -> str:
        EVENTS.append(("sent", target.chat_ref, message.text.plain_text))
        return str(len(EVENTS))

    async def edit(self, target: ChatTarget, message_ref: str, message: OutgoingMessage) -> None:
        EVENTS.append(("edited", target.chat_ref, message.text.plain_text))


class Roster:
    async def is_member(self, chat_ref: str, user_id: str) -> bool:
        return True

    async def is_admin(self, chat_ref: str, user_id: str) -> bool:
        return False

    async def reader_count(self, chat_ref: str) -> int | None:
        return 10

    async def admin_chats(self, chat_ref: str) -> list[str]:
        return []

    async def only_admins_read(self, moderators_chat_ref: str, community_chat_ref: str) -> bool | None:
        return True

    async def joined_at(self, chat_ref: str, user_id: str) -> datetime | None:
        return None


class PigeonConnection:
    def __init__(self, section):
        self.section = section
        self.messenger = Loft()
        self.directory = Roster()

    async def start(self, service):
        EVENTS.append(("started", self.section.get("coop")))
        await service.register_community("pigeon", "coop", "The coop")
        help = await service.command(Actor("pigeon", "7", "dm-7", "en"), "help")
        EVENTS.append(("help", help[0].message.text.plain_text))

    async def stop(self):
        EVENTS.append(("stopped",))


ADAPTER = Platform("pigeon", frozenset({Feature.FORMS}), PigeonConnection)
'''


def _keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MURMURE_PEPPER", base64.b64encode(b"t" * 32).decode())
    monkeypatch.setenv("MURMURE_SEALING_KEY", base64.b64encode(b"s" * 32).decode())


async def test_a_third_messenger_is_a_folder_and_a_config_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pigeon").mkdir()
    (tmp_path / "pigeon" / "__init__.py").write_text(PIGEON, encoding="utf-8")
    monkeypatch.setattr(adapters, "__path__", [*adapters.__path__, str(tmp_path)])
    monkeypatch.delitem(sys.modules, "adapters.pigeon", raising=False)
    _keys(monkeypatch)
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path}/murmure.db"\n[pigeon]\ncoop = "north"\n',
        encoding="utf-8",
    )
    try:
        assert [c.platform.name for c in configured_platforms(load_config(config))] == ["pigeon"]
        events = sys.modules["adapters.pigeon"].EVENTS  # type: ignore[attr-defined]
        stop = asyncio.Event()
        task = asyncio.create_task(run_platforms(load_config(config), stop, install_signals=False))
        for _ in range(200):
            if any(e[0] == "sent" for e in events):
                break
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(task, 10)
    finally:
        sys.modules.pop("adapters.pigeon", None)
    assert events[0] == ("started", "north")
    help_text = dict(e for e in events if e[0] == "help")["help"]
    assert "/secret" in help_text and "/cancel" not in help_text  # its features reached the router
    assert ("sent", "coop") in {e[:2] for e in events}  # its messenger is the dispatcher's
    assert events[-1] == ("stopped",)


def test_sections_select_the_messengers_in_file_order(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        "[console]\ngroup = 'g'\n[discord]\ntoken_file = 'd'\n[telegram]\nenabled = false\n", encoding="utf-8"
    )
    assert [c.platform.name for c in configured_platforms(load_config(config))] == ["discord"]
    config.write_text("[telegram]\n[discord]\nenabled = true\n", encoding="utf-8")  # an empty table is off
    assert [c.platform.name for c in configured_platforms(load_config(config))] == ["discord"]


def test_every_adapter_package_names_its_platform_after_its_folder() -> None:
    found = {}
    for name in adapter_packages():
        platform = getattr(__import__(f"adapters.{name}", fromlist=["ADAPTER"]), "ADAPTER", None)
        if platform is not None:
            assert isinstance(platform, Platform) and platform.name == name
            found[name] = platform
    assert set(found) == {"telegram", "discord"}


def test_the_composition_root_names_no_messenger() -> None:
    for path in (ROOT / "murmure").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        named = re.search(
            r"""["'](telegram|discord)["']|(import|from) (telegram|discord)\b|adapters\.(telegram|discord)""",
            text,
        )
        assert named is None, (path.name, named)
