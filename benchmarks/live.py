"""The real ``murmure run``, in its own process, against the project's Telegram emulator in this one.

Used by the benchmarks that measure what a member of a group would see: the emulator enforces Telegram's
limits (20 messages in any 60 s per group, 30 in any second overall) and adds ``latency`` to every answer,
as the network would. Groups are made with enough human members for the minimum audience, and can be
filled with cards queued before the process starts (as after a restart with a backlog).
"""

from __future__ import annotations

import asyncio
import base64
import os
import re
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.actions import Post
from bot.actor import Actor
from bot.messages import EditPressed, Response, Say
from murmure.bootstrap import build_app
from murmure.config import load_config
from tests.emulators.telegram import ApiCall, TelegramEmulator

ROOT = Path(__file__).resolve().parents[1]
PEPPER = base64.b64encode(b"bench-pepper-bench-pepper-bench!").decode()
SEALING = base64.b64encode(b"bench-sealing-key-bench-sealing!").decode()
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
MEMBERS_PER_GROUP = 8  # past the default minimum audience (5 readers)


def environment(token: str) -> dict[str, str]:
    return os.environ | {
        "MURMURE_TELEGRAM_TOKEN": token,
        "MURMURE_PEPPER": PEPPER,
        "MURMURE_SEALING_KEY": SEALING,
        "PTB_TIMEDELTA": "true",
    }


COUNTED_AFTER_MS = [0.0]  # telegram.counted_after_ms of the process started (the benchmarks' option)


def write_config(directory: Path, tg: TelegramEmulator, database_url: str | None = None) -> Path:
    url = database_url or f"sqlite+aiosqlite:///{directory}/murmure.db"
    path = directory / "config.toml"
    path.write_text(
        f'[database]\nurl = "{url}"\n'
        f'[telegram]\nbase_url = "{tg.base_url}"\nbase_file_url = "{tg.base_file_url}"\npoll_timeout = 1\n'
        f"counted_after_ms = {COUNTED_AFTER_MS[0]:g}\n"
        "[community]\npublication_delay_seconds = 0\nmax_secrets_per_day = 1000\n"
        '[logging]\nlevel = "WARNING"\n',
        encoding="utf-8",
    )
    return path


def group_id(n: int) -> int:
    return -100_000_000 - n


def member_id(group: int, n: int) -> int:
    return 10_000_000 + group * 1_000 + n


def add_groups(tg: TelegramEmulator, groups: int, members: int = MEMBERS_PER_GROUP) -> None:
    """Groups the bot is already an admin of (added before the process started)."""
    for g in range(groups):
        people = [member_id(g, n) for n in range(members)]
        for n, person in enumerate(people):
            if person not in tg.users:
                tg.add_user(person, f"M{g}x{n}")
        chat = tg.add_group(group_id(g), f"Group {g}", members=people, admins=people[:1])
        chat.bot_status = "administrator"


def group_of(user_id: int) -> int:
    return (user_id - 10_000_000) // 1_000


class _YesDirectory:
    """Each member of their group since long ago: how the cards queued before the start were posted."""

    async def is_member(self, chat_ref: str, user_id: str) -> bool:
        return chat_ref == str(group_id(group_of(int(user_id))))

    async def is_admin(self, chat_ref: str, user_id: str) -> bool:
        return False

    async def reader_count(self, chat_ref: str) -> int | None:
        return MEMBERS_PER_GROUP

    async def joined_at(self, chat_ref: str, user_id: str) -> datetime | None:
        return LONG_AGO


def _post_button(responses: list[Response]) -> Post:
    for response in responses:
        if isinstance(response, Say | EditPressed):
            for row in response.message.buttons:
                for button in row:
                    if isinstance(button.action, Post):
                        return button.action
    raise AssertionError(f"no Post button in {responses}")


async def queue_cards(config_path: Path, cards: Mapping[int, int]) -> None:
    """Registers the groups and queues ``cards[group]`` cards for each, as if posted before the start; the
    groups' welcomes count as sent long ago (they are marked done, not sent). Called once per database."""
    config = load_config(config_path)
    os.environ.update({"MURMURE_PEPPER": PEPPER, "MURMURE_SEALING_KEY": SEALING})
    app = await build_app(config, {}, {"telegram": _YesDirectory()})
    try:
        for g in cards:
            await app.service.register_community("telegram", str(group_id(g)), f"Group {g}")
        async with app.database.unit_of_work() as uow:
            for entry in await uow.outbox.claim_due(datetime.now(UTC), 10_000, datetime.now(UTC)):
                await uow.outbox.done(entry.id)
            await uow.commit()
        for n in range(max(cards.values(), default=0)):
            for g in [group for group, count in cards.items() if n < count]:
                author = member_id(g, 100 + n)  # one author a card
                actor = Actor("telegram", str(author), str(author), "en")
                preview = await app.service.text(actor, f"Queued secret {n} of group {g}, about the night.")
                for answer in await app.service.press(actor, _post_button(preview).encode()):
                    if isinstance(answer, EditPressed) and answer.told is not None:
                        # the answer to Post showed, as an adapter says once its edit is in: the outbox's
                        # copy for an author who never saw it (due 30 s later) is called off
                        await app.service.told(answer.told)
    finally:
        await app.close()


@dataclass
class Running:
    process: subprocess.Popen[bytes]
    started: float  # when the process was launched
    ready: float  # when it first asked Telegram for updates

    def cpu_seconds(self) -> float:
        """User and system CPU time the process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_peak_mib(self) -> float:
        """The process's peak resident memory so far (VmHWM)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        found = re.search(r"VmHWM:\s+(\d+) kB", status)
        return int(found[1]) / 1024 if found else float("nan")

    async def stop(self) -> None:
        """SIGTERM, as a service manager would; the emulator keeps answering while the process stops."""
        self.process.terminate()
        for _ in range(200):
            if self.process.poll() is not None:
                return
            await asyncio.sleep(0.1)
        self.process.kill()
        self.process.wait()


PROFILE = os.environ.get("MURMURE_BENCH_PROFILE")  # a file: the process runs under cProfile, written there


async def start_murmure(tg: TelegramEmulator, config_path: Path) -> Running:
    started = time.time()
    profiling = ["-m", "cProfile", "-o", PROFILE] if PROFILE else []
    process = subprocess.Popen(  # noqa: ASYNC220 - started once, before anything is measured
        [sys.executable, *profiling, "-m", "murmure.cli", "run", "--config", str(config_path)],
        cwd=ROOT,
        env=environment(tg.token),
        stdin=subprocess.DEVNULL,
    )
    call = await tg.wait_for_request("getUpdates", within=60)
    return Running(process, started, call.time)


class Sent:
    """The bot's accepted messages per chat, as they reached the emulator, read incrementally (checking a
    condition after every request must not cost the emulator's process its time)."""

    def __init__(self, tg: TelegramEmulator) -> None:
        self._tg = tg
        self._seen = 0
        self._by_chat: dict[str, list[ApiCall]] = {}

    def to(self, chat_id: int, after: float = 0.0) -> list[ApiCall]:
        requests = self._tg.requests
        for call in requests[self._seen :]:
            if call.method == "sendMessage" and call.ok:
                self._by_chat.setdefault(str(call.params.get("chat_id")), []).append(call)
        self._seen = len(requests)
        calls = self._by_chat.get(str(chat_id), [])
        return [call for call in calls if call.time >= after] if after else calls


def refused(tg: TelegramEmulator) -> int:
    """429s the emulator answered (none is asked for by these benchmarks)."""
    return sum(1 for call in tg.requests if call.status == 429)


async def dm_round_trip(
    tg: TelegramEmulator, sent: Sent, user_id: int, text: str = "/help", within: float = 30
) -> float:
    """A member writes to the bot; seconds until the bot's answer reaches Telegram."""
    if user_id not in tg.chats:
        tg.add_user(user_id, "Member")
    asked = time.time()
    await tg.user_sends(user_id, user_id, text)
    await tg.wait_until(lambda: bool(sent.to(user_id, asked)), within=within)
    return sent.to(user_id, asked)[0].time + tg.latency - asked  # the answer arrived, then was handled


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def spread(values: list[float]) -> str:
    if not values:
        return "no values"
    median = percentile(values, 0.5) * 1000
    return f"p50 {median:7.1f} ms   p95 {percentile(values, 0.95) * 1000:7.1f} ms   (n={len(values)})"


async def settle(seconds: float) -> None:
    await asyncio.sleep(seconds)
