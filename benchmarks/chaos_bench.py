"""Chaos: the real ``murmure run`` killed with SIGKILL at random moments (and right after Telegram took a
card), restarted each time, or facing a Telegram that fails one request in five, while simulated members post,
confirm, react and reply. Counts come from the emulator's log of what Telegram received, and the database.

    python benchmarks/chaos_bench.py [--kills 50] [--window-kills 5] [--seed 16] [--groups 10]
        [--authors 3] [--faults 0.0] [--postgres URL] [--skip-sqlite] [--max-minutes 30]

Everything runs on 127.0.0.1: the project's Telegram emulator in this process (Telegram's limits: 20 messages
a minute per group, 30 a second overall, a callback query answered within 15 s), the bot as a subprocess.
Kills come at seeded random moments 1 to 6 s after the process is ready (``--kills``), and ``--window-kills``
more come 2 ms after the emulator answered a card's ``sendMessage`` (inside the send-to-commit window, to
show what that window costs). ``--faults 0.2`` makes 20 % of ``sendMessage``, ``editMessageText`` and
``answerCallbackQuery`` fail (429 with retry_after, 500, 502, hangs before and after acting).

Prints, per database:
- lost: secrets whose author was told "Sent!" and whose card never reached the group (and secrets left
  without a card in the database), and replies accepted but never posted;
- duplicated cards and replies (the same text twice in the group), each with the time from Telegram's
  answer to the first copy to the kill that followed it;
- members left without a preview (or a clear "try again"), authors never told, button presses never
  answered or answered after 3 s;
- delivery latency (author told -> card in the group) p50 / p99 / max, and the longest wait of a card after
  the restart that followed its author's "Sent!";
- answer latency (press -> answerCallbackQuery) p50 / p99 / max;
- the send-to-commit window per card from outside (Telegram's answer leaving the emulator to the time the
  card's recording statement was sent, its published_at) and as the bot measured it (its INFO log: from
  Telegram's answer's arrival in the bot's HTTP layer, before its parse, to the commit recording the send,
  its p99 to within the log's counts, and its max);
- the bot's worst stalls of its event loop, with the CPU its loop's thread and the process had meanwhile
  (neither: the system gave the bot no CPU) and, with ``--watch-loop``, where the loop stood.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import contextlib

from benchmarks.bot_process import BotProcess, keep_alive
from benchmarks.live import environment
from tests.emulators.telegram import ApiCall, ChatMessage, TelegramEmulator

ROOT = Path(__file__).resolve().parents[1]
MEMBERS_PER_GROUP = 8  # past the minimum audience of 5 readers
FAULTY = ("sendMessage", "editMessageText", "answerCallbackQuery")
WAIT = 90.0  # a member gives up waiting for an answer after this (counted as unanswered)
ANSWER_DEADLINE = 3.0
WINDOW_LINE = re.compile(
    r"send-to-commit windows: (\d+) sends, p50 ([\d.]+) ms, p99 ([\d.]+) ms, max ([\d.]+) ms,"
    r" (\d+) over 50 ms"
)
# the slowest window of each report: how long the library took from the answer's arrival to the messenger's
# return (the answer's parse), inside the window since the HTTP layer stamps the arrival
PARSED_LINE = re.compile(r"the slowest: the platform's answer parsed at ([\d.]+) ms")
LAG_LINE = re.compile(r"the event loop late by ([\d.]+) ms at most")
BUCKETS_LINE = re.compile(r"how many up to \(([\d ]+) ms, more\): ([\d ]+)")
STALL_LINE = re.compile(
    r"the event loop late by ([\d.]+) ms, most often at (.*?); longest garbage collection ([\d.]+) ms"
    r".*?CPU: the loop's thread ([\d.]+) ms, the process ([\d.]+) ms"
)
ADMIN = 90_000_000
AFTER_START = 2.0  # seconds after a restart's first getUpdates in which a slow card is counted apart
STARTS_IN_A_ROW = 5  # a bot that dies before its first getUpdates this often is broken, not killed


def group_id(g: int) -> int:
    return -100_500_000 - g


def member_id(g: int, n: int) -> int:
    return 20_000_000 + g * 100 + n


def write_config(folder: Path, tg: TelegramEmulator, database_url: str, watch_loop: bool = False) -> Path:
    path = folder / "config.toml"
    path.write_text(
        f'[database]\nurl = "{database_url}"\n'
        f'[telegram]\nbase_url = "{tg.base_url}"\nbase_file_url = "{tg.base_file_url}"\npoll_timeout = 1\n'
        "[community]\npublication_delay_seconds = 0\nmax_secrets_per_day = 1000\n"
        f'[logging]\nlevel = "INFO"\nwatch_loop = {"true" if watch_loop else "false"}\n',
        encoding="utf-8",
    )
    return path


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


def spread(values: list[float], unit: str = "s") -> str:
    if not values:
        return "none"
    scale = 1000.0 if unit == "ms" else 1.0
    p50, p99 = percentile(values, 0.5) * scale, percentile(values, 0.99) * scale
    return (
        f"p50 {p50:.2f} {unit}, p99 {p99:.2f} {unit}, max {max(values) * scale:.2f} {unit} (n={len(values)})"
    )


@dataclass
class Tally:
    written: dict[str, int] = field(default_factory=dict)  # secret text -> group
    previewed: set[str] = field(default_factory=set)
    retry_told: set[str] = field(default_factory=set)  # a clear "try again" instead of a preview
    pressed: dict[str, float] = field(default_factory=dict)  # text -> when Post was pressed
    told: dict[str, float] = field(default_factory=dict)  # text -> when "Sent!" reached the author
    replies_written: dict[str, int] = field(default_factory=dict)
    replies_told: set[str] = field(default_factory=set)
    reactions: int = 0
    numbers_told: dict[int, set[str]] = field(default_factory=dict)  # member -> numbers a "Sent!" gave them


def _number(said: str | None) -> str:
    """The secret's number a "Sent!" names ("… as #14."), or the whole text if none."""
    found = re.search(r"#(\d+)", said or "")
    return found[1] if found else (said or "")


class Bot(BotProcess):
    """The real ``murmure run`` on Telegram; ``ready_times``: emulator time of each start's first getUpdates,
    and its kills timed by the emulator's clock too."""

    def __init__(self, tg: TelegramEmulator, config: Path, log_path: Path) -> None:
        super().__init__(config, log_path, tg.now)
        self.tg = tg
        self.stragglers = 0  # processes found alive at a restart (there must be none)

    async def start(self) -> None:
        """Starts the bot and waits until it asks Telegram for updates; started again if it dies first (a
        kill inside a card's window can come before its first getUpdates: its dispatcher starts first)."""
        async with self.lock:
            for _ in range(STARTS_IN_A_ROW):
                if self.process is not None and self.process.poll() is None:
                    return  # already running (restarted by the other party)
                for other in self.started:
                    if other.poll() is None:  # never two processes at once: one left over is killed first
                        other.kill()
                        other.wait()
                        self.stragglers += 1
                asked = self.tg.now()
                with self.log_path.open("ab") as log:
                    process = self.process = subprocess.Popen(  # noqa: ASYNC220 - restarted on purpose
                        [sys.executable, "-m", "murmure.cli", "run", "--config", str(self.config)],
                        cwd=ROOT,
                        env=environment(self.tg.token),
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL,
                        stderr=log,
                    )
                self.started.append(process)
                polled: list[ApiCall] = []
                seen = [len(self.tg.requests)]

                def ready(
                    p: subprocess.Popen[bytes] = process,
                    found: list[ApiCall] = polled,
                    looked: list[int] = seen,
                    since: float = asked,
                ) -> bool:
                    requests = self.tg.requests
                    found.extend(
                        c for c in requests[looked[0] :] if c.method == "getUpdates" and c.time >= since
                    )
                    looked[0] = len(requests)
                    return bool(found) or p.poll() is not None

                await self.tg.wait_until(ready, within=180)
                if polled:
                    self.ready_times.append(polled[0].time)
                    return
            raise RuntimeError(f"the bot died {STARTS_IN_A_ROW} times before asking for updates")


class World:
    """Members of ``groups`` groups, each with ``authors`` who write, confirm, react and reply."""

    def __init__(self, tg: TelegramEmulator, groups: int, authors: int, rng: random.Random) -> None:
        self.tg, self.groups, self.authors, self.rng = tg, groups, authors, rng
        self.tally = Tally()
        self.presses: list[str] = []  # callback query ids
        self.details: Path | None = None  # where to write what went wrong, for each case
        tg.add_user(ADMIN, "Admin")
        for g in range(groups):
            people = [member_id(g, n) for n in range(MEMBERS_PER_GROUP)]
            for n, person in enumerate(people):
                tg.add_user(person, f"M{g}x{n}")
            tg.add_group(group_id(g), f"Group {g}", members=[ADMIN, *people], admins=[ADMIN])

    def _bot_messages(self, chat_id: int, after: int = 0) -> list[ChatMessage]:
        stored = self.tg._messages.get(chat_id, {})  # read in place: copying every message is too slow
        return [m for i, m in sorted(stored.items()) if i > after and m.from_bot and not m.deleted]

    def _last_id(self, chat_id: int) -> int:
        return max(self.tg._messages.get(chat_id, {}), default=0)

    async def _answer(self, chat_id: int, after: int, match: Any) -> ChatMessage | None:
        found: list[ChatMessage] = []

        def seen() -> bool:
            found[:] = [m for m in self._bot_messages(chat_id, after) if match(m)]
            return bool(found)

        try:
            await self.tg.wait_until(seen, within=WAIT)
        except TimeoutError:
            return None
        return found[0]

    def cards(self, g: int) -> list[ChatMessage]:
        return [m for m in self._bot_messages(group_id(g)) if (m.text or "").startswith("#") and m.buttons]

    async def _click(self, user: int, message: ChatMessage, data: str) -> None:
        update = await self.tg.user_clicks(user, message, data)
        self.presses.append(str(update["callback_query"]["id"]))

    async def member(self, g: int, n: int, stop: asyncio.Event) -> None:
        user = member_id(g, n)
        rng = random.Random(self.rng.random())
        count = 0
        await asyncio.sleep(rng.uniform(0, 10))
        while not stop.is_set():
            count += 1
            # words drawn at random: texts alike would be refused as near-duplicates of the author's last ones
            words = " ".join(rng.sample(WORDS, 5))
            text = f"Secret {user}-{count} of group {g}: the night I {rng.choice(VERBS)} {words}."
            await self._post(user, g, text)
            cards = self.cards(g)
            if cards and rng.random() < 0.7:
                card = rng.choice(cards[-10:])
                reactions = [b for b in card.buttons if "callback_data" in b]
                if reactions:
                    await self._click(user, card, str(rng.choice(reactions)["callback_data"]))
                    self.tally.reactions += 1
            if cards and rng.random() < 0.3:
                await self._reply(user, rng.choice(cards[-10:]), f"Reply {user}-{count}: same here.")
            await asyncio.sleep(rng.uniform(15, 30))

    async def _post(self, user: int, g: int, text: str) -> None:
        tally = self.tally
        before = self._last_id(user)
        tally.written[text] = g
        await self.tg.user_sends(user, user, text)
        preview = await self._answer(
            user, before, lambda m: "Preview" in (m.text or "") or "try again" in (m.text or "")
        )
        if preview is None:
            return
        if "Preview" not in (preview.text or ""):
            tally.retry_told.add(text)
            return
        tally.previewed.add(text)
        post = next(
            (b for b in preview.buttons if "Post" in b.get("text", "") and "callback_data" in b), None
        )
        if post is None:
            return
        tally.pressed[text] = self.tg.now()
        await self._click(user, preview, str(post["callback_data"]))
        message_id = preview.message_id

        def told(m: ChatMessage) -> bool:
            return "Sent!" in (m.text or "")

        numbers = tally.numbers_told.setdefault(user, set())

        def told_somewhere() -> bool:
            # the preview edited to "Sent!", or else a separate "Sent!" naming a number no earlier secret of
            # this member was told: the outbox's notice for the previous secret (sent when its edit did not
            # show in time, so late under load) must not count for this one
            edited = self.tg._messages.get(user, {}).get(message_id)
            if edited is not None and told(edited):
                numbers.add(_number(edited.text))
                return True
            for m in self._bot_messages(user, before):
                if told(m) and _number(m.text) not in numbers:
                    numbers.add(_number(m.text))
                    return True
            return False

        try:
            await self.tg.wait_until(told_somewhere, within=WAIT)
            tally.told[text] = self.tg.now()
        except TimeoutError:
            pass

    async def _reply(self, user: int, card: ChatMessage, text: str) -> None:
        link = next((b for b in card.buttons if "url" in b and "reply" in str(b["url"])), None)
        if link is None:
            return
        before = self._last_id(user)
        await self.tg.user_opens_deep_link(user, self.tg.deep_link(str(link["url"])))
        prompt = await self._answer(user, before, lambda m: "Write your reply" in (m.text or ""))
        if prompt is None:
            return
        before = self._last_id(user)
        self.tally.replies_written[text] = 0
        await self.tg.user_sends(user, user, text)
        preview = await self._answer(user, before, lambda m: "Preview" in (m.text or ""))
        if preview is None:
            return
        post = next(
            (b for b in preview.buttons if "Post" in b.get("text", "") and "callback_data" in b), None
        )
        if post is None:
            return
        await self._click(user, preview, str(post["callback_data"]))
        message_id = preview.message_id

        def accepted(said: str | None) -> bool:
            # no publication delay in this run: a reply is "posted as …" at once (else "Sent!")
            return "Sent!" in (said or "") or "was posted as" in (said or "")

        def told() -> bool:
            edited = self.tg._messages.get(user, {}).get(message_id)
            return (edited is not None and accepted(edited.text)) or any(
                accepted(m.text) for m in self._bot_messages(user, before)
            )

        try:
            await self.tg.wait_until(told, within=WAIT)
            self.tally.replies_told.add(text)
        except TimeoutError:
            pass


VERBS = ("lied", "laughed", "ran", "sang", "hid", "cried", "danced", "left", "stayed", "wrote")
WORDS = [
    "under",
    "the",
    "bridge",
    "with",
    "an",
    "old",
    "friend",
    "while",
    "the",
    "rain",
    "kept",
    "falling",
    "on",
    "every",
    "roof",
    "of",
    "that",
    "quiet",
    "town",
    "before",
    "anyone",
    "noticed",
    "how",
    "late",
    "it",
    "was",
    "and",
    "why",
    "the",
    "lamps",
    "went",
    "dark",
    "near",
    "the",
    "harbour",
    "market",
    "square",
    "after",
    "dinner",
    "at",
    "grandmother's",
    "house",
    "during",
    "summer",
    "holidays",
    "beside",
    "a",
    "broken",
    "piano",
    "covered",
    "in",
    "dust",
]


def _arm_window_kills(tg: TelegramEmulator, bot: Bot, count: int) -> dict[str, int]:
    """Kills the bot 2 ms after the emulator answered one card's sendMessage in ``count`` of them (spread
    over the run: one card in ten, until ``count`` kills)."""
    state = {"left": count, "seen": 0}  # ``left`` set to 0 to disarm them
    if count <= 0:
        return state
    original = tg._api_sendmessage

    async def send(params: Any) -> Any:
        result = await original(params)
        if (
            state["left"] > 0
            and str(result.get("text", "")).startswith("#")
            and result["chat"]["type"] != "private"
        ):
            state["seen"] += 1
            if state["seen"] % 10 == 0:
                state["left"] -= 1
                asyncio.get_running_loop().call_later(0.002, lambda: bot.kill(in_window=True))
        return result

    tg._api_sendmessage = send  # type: ignore[method-assign]
    return state


async def run(database_url: str, args: argparse.Namespace, label: str) -> None:
    rng = random.Random(args.seed)
    started = time.monotonic()
    deadline = started + args.max_minutes * 60
    async with TelegramEmulator(latency=0.02) as tg:
        with tempfile.TemporaryDirectory() as folder:
            if database_url == "sqlite":
                database_url = f"sqlite+aiosqlite:///{folder}/murmure.db"
            else:
                await _drop(database_url)  # an empty database, migrated by the bot's first start
            config = write_config(Path(folder), tg, database_url, args.watch_loop)
            log_path = Path(folder) / "murmure.log"
            bot = Bot(tg, config, log_path)
            world = World(tg, args.groups, args.authors, rng)
            world.details = Path(f"{args.details}.{label}.json") if args.details else None
            await bot.start()
            for g in range(args.groups):
                await tg.add_bot_to_group(group_id(g), ADMIN, admin=True)
            await tg.wait_until(lambda: all(world._bot_messages(group_id(g)) for g in range(args.groups)), 60)
            if args.faults:
                tg.inject_faults(args.faults, FAULTY, seed=args.seed, hang=1.0)
            stop = asyncio.Event()
            members = [
                asyncio.create_task(world.member(g, n, stop))
                for g in range(args.groups)
                for n in range(args.authors)
            ]
            window_kills = _arm_window_kills(tg, bot, args.window_kills)
            alive = asyncio.Event()  # the keeper restarts a killed bot until the very end (cards still due)
            keeper = asyncio.create_task(keep_alive(bot, alive))
            try:
                for _ in range(args.kills):
                    if time.monotonic() > deadline:
                        break
                    await asyncio.sleep(rng.uniform(1.0, 6.0))
                    async with bot.lock:
                        pass  # a restart in progress ends first
                    await bot.reap(bot.kill())
                    await bot.start()
                window_kills["left"] = 0  # the kills are over: the rest is delivered in peace
                quiet_until = time.monotonic() + (args.calm_seconds if args.kills else args.faults_seconds)
                await asyncio.sleep(max(0.0, min(quiet_until, deadline) - time.monotonic()))
                stop.set()
                await asyncio.wait(members, timeout=WAIT + 5)
                # the last cards, replies and answers go out at Telegram's pace
                await _settle(world, deadline)
            finally:
                stop.set()
                alive.set()
                keeper.cancel()
                for task in members:
                    task.cancel()
                await asyncio.gather(keeper, *members, return_exceptions=True)
                await bot.stop()
            recorded = await _recorded(database_url)
            if world.details is not None and database_url.startswith("sqlite"):
                # the database itself, to look into a case found (SQLite: the file, kept beside the details)
                shutil.copyfile(Path(folder) / "murmure.db", world.details.with_suffix(".db"))
            _report(
                label,
                tg,
                world,
                bot,
                log_path.read_text(errors="replace"),
                recorded,
                time.monotonic() - started,
            )
            if database_url.startswith("postgresql"):
                await _drop(database_url)


async def _settle(world: World, deadline: float) -> None:
    tally = world.tally

    def delivered() -> bool:
        texts = _group_texts(world)
        return all(any(text in t for t in texts[tally.written[text]]) for text in tally.told)

    with contextlib.suppress(TimeoutError):
        await world.tg.wait_until(delivered, within=max(1.0, min(300.0, deadline - time.monotonic())))
    await asyncio.sleep(5)


def _group_texts(world: World) -> dict[int, list[str]]:
    return {g: [m.text or "" for m in world._bot_messages(group_id(g))] for g in range(world.groups)}


@dataclass
class Recorded:
    """What the database says once the run is over."""

    unsent: int | None = None  # secrets accepted whose card is not recorded
    secrets: int | None = None  # every secret the database holds
    cards: dict[str, tuple[str, float]] = field(default_factory=dict)  # text -> (card_ref, published_at)


async def _recorded(url: str) -> Recorded:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    found = Recorded()
    try:
        async with engine.connect() as connection:
            unsent = await connection.execute(
                text(
                    "SELECT count(*) FROM secrets"
                    " WHERE card_ref IS NULL AND status IN ('queued', 'published')"
                )
            )
            found.unsent = int(unsent.scalar_one())
            found.secrets = int((await connection.execute(text("SELECT count(*) FROM secrets"))).scalar_one())
            rows = await connection.execute(
                text("SELECT text, card_ref, published_at FROM secrets WHERE card_ref IS NOT NULL")
            )
            for secret, ref, at in rows:
                moment = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
                found.cards[str(secret)] = (str(ref), moment.replace(tzinfo=UTC).timestamp())
    except Exception as error:
        print(f"the database could not be read: {type(error).__name__}", flush=True)
    finally:
        await engine.dispose()
    return found


async def _drop(url: str) -> None:
    from benchmarks.engines import drop_schema
    from storage.database import SqlDatabase

    database = SqlDatabase.from_url(url)
    try:
        await drop_schema(database)
    finally:
        await database.dispose()


SECRET_TEXT = re.compile(r"(Secret \d+-\d+ of group \d+: .*?\.)")
REPLY_TEXT = re.compile(r"(Reply \d+-\d+: same here\.)")


def _copies(world: World) -> tuple[dict[str, list[ChatMessage]], dict[str, list[ChatMessage]]]:
    """Every card and reply the groups show, by the secret's or the reply's text: what members see, whether
    or not the bot heard Telegram's answer."""
    cards: dict[str, list[ChatMessage]] = {}
    replies: dict[str, list[ChatMessage]] = {}
    for g in range(world.groups):
        for message in world._bot_messages(group_id(g)):
            shown = message.text or ""
            secret, reply = SECRET_TEXT.search(shown), REPLY_TEXT.search(shown)
            if secret and shown.startswith("#") and message.buttons:
                cards.setdefault(secret[1], []).append(message)
            elif reply:
                replies.setdefault(reply[1], []).append(message)
    return cards, replies


@dataclass
class Duplicates:
    """Second copies, by cause: a kill inside the send-to-commit window (the first copy never recorded, a
    kill came after Telegram's answer), Telegram's answer lost after it acted (an injected fault: the bot
    can't know), or sent again although recorded (a defect)."""

    in_window: list[float] = field(default_factory=list)  # seconds from Telegram's answer to the kill
    answer_lost: int = 0
    not_explained: list[str] = field(default_factory=list)  # recorded, or no kill and no fault: texts

    def count(self) -> int:
        return len(self.in_window) + self.answer_lost + len(self.not_explained)

    def describe(self) -> str:
        gaps = ", ".join(f"{g * 1000:.0f} ms" for g in sorted(self.in_window))
        return (
            f"{len(self.in_window)} from a kill inside the window (answer -> kill: {gaps or 'none'}),"
            f" {self.answer_lost} from an answer lost after Telegram acted (injected),"
            f" {len(self.not_explained)} NOT EXPLAINED"
        )


def _classify(
    copies: dict[str, list[ChatMessage]],
    answered: dict[tuple[int, int], ApiCall],
    recorded: dict[str, tuple[str, float]],
    kills: list[float],
) -> Duplicates:
    found = Duplicates()
    for text, messages in copies.items():
        if len(messages) < 2:
            continue
        first = messages[0]
        call = answered.get((first.chat_id, first.message_id))
        ref = recorded.get(text, ("", 0.0))[0]
        if ref == str(first.message_id):
            found.not_explained.append(text)  # recorded, and sent again all the same
        elif call is None:
            found.answer_lost += 1  # no answer reached the bot for the first copy
        else:
            # a kill from just before Telegram read the request (sent, then the process killed before the
            # emulator's loop read it): Telegram acts all the same, its answer written to a dead process (a
            # negative gap)
            after = [k - call.answered for k in kills if k >= call.time - 0.05]
            if after:
                found.in_window.append(after[0])
            else:
                found.not_explained.append(text)
    return found


def _report(
    label: str, tg: TelegramEmulator, world: World, bot: Bot, log: str, db: Recorded, took: float
) -> None:
    tally = world.tally
    answered = {
        (int(c.params.get("chat_id", 0)), int(c.response["result"]["message_id"])): c
        for c in tg.requests
        if c.method == "sendMessage" and c.ok and str(c.params.get("chat_id", "")).startswith("-")
    }
    cards, replies = _copies(world)
    lost = [text for text in tally.told if text not in cards]
    accepted_replies = list(tally.replies_told)
    lost_replies = [text for text in accepted_replies if text not in replies]
    kills = sorted(bot.kill_times + bot.window_kills)
    duplicated = _classify(cards, answered, db.cards, kills)
    duplicated_replies = _classify(replies, answered, {}, kills)

    # the window seen from outside, per card recorded: Telegram's answer leaving the emulator -> the
    # statement recording the card (published_at; its commit follows at once)
    outside = []
    per_card: list[tuple[float, float, float]] = []  # (asked, answered, recorded): emulator and bot clocks
    for text, (ref, published) in db.cards.items():
        first = cards.get(text)
        call = answered.get((first[0].chat_id, int(ref))) if first else None
        if call is not None:
            outside.append(max(0.0, published - call.answered))
            per_card.append((call.time, call.answered, published))

    def cut(query: str) -> bool:
        """Whether a kill cut the press short: the bot was dead or starting when it was made, or was killed
        before its answer (or before the deadline, unanswered)."""
        pressed = tg._queries[query].created
        before = [k for k in kills if k <= pressed]
        if before and not any(before[-1] <= r <= pressed for r in bot.ready_times):
            return True
        answered = tg._queries[query].answered
        end = answered if answered is not None else pressed + ANSWER_DEADLINE
        return any(pressed <= k <= end for k in kills)

    no_preview = [t for t in tally.written if t not in tally.previewed and t not in tally.retry_told]
    not_told = [t for t in tally.pressed if t not in tally.told]
    delays = tg.answer_delays()
    unanswered = [q for q in world.presses if q not in delays]
    unanswered_cut = [q for q in unanswered if q in tg._queries and cut(q)]
    late = [q for q, d in delays.items() if d > ANSWER_DEADLINE]
    late_cut = [q for q in late if cut(q)]

    latencies = []
    after_restart = []
    for text, told_at in tally.told.items():
        if text in cards:
            out = float(cards[text][0].date)
            call = answered.get((cards[text][0].chat_id, cards[text][0].message_id))
            out = call.answered if call is not None else out
            latencies.append(max(0.0, out - told_at))
            restarts = [r for r in bot.ready_times if told_at <= r <= out]
            if restarts:
                after_restart.append(out - restarts[-1])
    windows = [tuple(map(float, m.groups())) for m in WINDOW_LINE.finditer(log)]
    counted = int(sum(w[0] for w in windows))
    over = int(sum(w[4] for w in windows))
    faults = Counter(kind for _, kind in getattr(tg, "faults", []))
    waited = f"{max(after_restart):.2f} s (n={len(after_restart)})" if after_restart else "none waited"
    lags = [float(m[1]) for m in LAG_LINE.finditer(log)]
    parsed = [float(m[1]) for m in PARSED_LINE.finditer(log)]
    inside = (
        f"{counted} sends, p99 {_p99_bound(log)}, max {max(w[3] for w in windows):.1f} ms,"
        f" {over} over 50 ms (from the answer's arrival in the HTTP layer"
        + (f"; its parse in the slowest window of a report {max(parsed):.1f} ms at most)" if parsed else ")")
        + (
            f"; the bot's event loop late by {max(lags):.1f} ms at most ({sum(1 for x in lags if x > 50)}"
            f" of {len(lags)} reports over 50 ms)"
            if lags
            else ""
        )
        if windows
        else "no report in the log"
    )
    over_outside = sum(1 for w in outside if w > 0.05)
    # a slow card just after a restart points at the start's work (a cold process, the filter's build)
    slow_after_start = sum(
        1
        for asked, back, recorded in per_card
        if recorded - back > 0.05 and any(0 <= back - r <= AFTER_START for r in bot.ready_times)
    )
    emptied = db.secrets is not None and db.secrets < len(tally.told)
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    lines = [
        f"\n== {label}: {took / 60:.1f} min, {len(bot.kill_times)} random kills, {len(bot.window_kills)}"
        f" kills 2 ms after Telegram's answer to a card, faults injected: {dict(faults) or 'none'};"
        f" load average at the end {load}; {bot.stragglers} processes found alive at a restart",
        f"secrets written {len(tally.written)}, previewed {len(tally.previewed)}, told 'try again'"
        f" {len(tally.retry_told)}, Post pressed {len(tally.pressed)}, authors told {len(tally.told)};"
        f" replies accepted {len(accepted_replies)}; reactions {tally.reactions}",
        f"LOST: {len(lost)} secrets told 'Sent!' without a card; {db.unsent} secrets without a card in the"
        f" database; {len(lost_replies)} replies accepted but not posted",
        f"DUPLICATED cards: {duplicated.count()}: {duplicated.describe()}",
        f"DUPLICATED replies: {duplicated_replies.count()}: {duplicated_replies.describe()}",
        f"UNANSWERED: {len(no_preview)} members without a preview or a 'try again', {len(not_told)}"
        f" authors never told, {len(unanswered)} of {len(world.presses)} presses never answered"
        f" ({len(unanswered_cut)} cut by a kill), {len(late)} answered after {ANSWER_DEADLINE:.0f} s"
        f" ({len(late_cut)} cut by a kill: pressed while the bot was down, or killed before answering)",
        f"delivery (told -> card in the group): {spread(latencies)}",
        f"longest wait of a card after the restart that followed its 'Sent!': {waited}",
        f"answer (press -> answerCallbackQuery): {spread(list(delays.values()))}",
        f"send-to-commit window, per card, Telegram's answer -> its recording (emulator and database):"
        f" {spread(outside, 'ms')}, {over_outside} over 50 ms ({slow_after_start} of them within"
        f" {AFTER_START:.0f} s of a restart's first getUpdates)",
        f"send-to-commit window, the bot's own measure (Telegram's answer -> the commit; its log; sends cut"
        f" by a kill not included): {inside}",
        f"the bot's event loop: worst stalls {stalls(log)}",
    ]
    if emptied:
        lines.append(
            f"RUN NOT VALID: the database holds {db.secrets} secrets, fewer than the {len(tally.told)}"
            " authors told 'Sent!': another process emptied or changed it during the run (a test or a"
            " benchmark on the same database); run again on a database of its own"
        )
    print("\n".join(lines), flush=True)
    if world.details is not None:
        dms = {
            text: [m.text for m in world._bot_messages(_author(text))][-6:]
            for text in [*no_preview, *not_told, *lost]
        }
        answers: dict[str, list[tuple[float, int]]] = {}
        for call in tg.requests:
            if call.method == "answerCallbackQuery":
                answers.setdefault(str(call.params.get("callback_query_id")), []).append(
                    (call.time, call.status)
                )
        queries = {
            q: {
                "data": tg._queries[q].data,
                "pressed": tg._queries[q].created,
                "answer_tries": answers.get(q, []),
            }
            for q in [*unanswered, *late]
            if q in tg._queries
        }
        copies = {
            text: [
                (m.message_id, getattr(answered.get((m.chat_id, m.message_id)), "answered", None))
                for m in messages
            ]
            for text, messages in [*cards.items(), *replies.items()]
            if len(messages) > 1
        }
        world.details.write_text(
            json.dumps(
                {
                    "no_preview": no_preview,
                    "not_told": not_told,
                    "lost": lost,
                    "lost_replies": lost_replies,
                    "not_explained": duplicated.not_explained + duplicated_replies.not_explained,
                    "presses": queries,
                    "duplicates": copies,
                    "recorded": {t: db.cards[t] for t in copies if t in db.cards},
                    "dms": dms,
                    "kills": kills,
                    "ready": bot.ready_times,
                    "cards": sorted(per_card),
                },
                indent=1,
                ensure_ascii=False,
            )
        )
        world.details.with_suffix(".log").write_text(log)


def _p99_bound(log: str) -> str:
    """The p99 of every window the bot's reports counted, as the bound of the count it falls in ("up to
    5 ms"), from the counts each report gives per bound."""
    bounds: list[str] = []
    totals: list[int] = []
    for found in BUCKETS_LINE.finditer(log):
        bounds = found[1].split()
        counts = [int(c) for c in found[2].split()]
        totals = [a + b for a, b in zip(totals or [0] * len(counts), counts, strict=True)]
    if not totals:
        return "not counted"
    wanted, seen = 0.99 * sum(totals), 0
    for index, count in enumerate(totals):
        seen += count
        if seen >= wanted:
            return f"up to {bounds[index]} ms" if index < len(bounds) else f"over {bounds[-1]} ms"
    return "not counted"


def stalls(log: str) -> str:
    """The bot's worst stalls of its event loop and where its watcher found the loop most often."""
    found = sorted((tuple(m.groups()) for m in STALL_LINE.finditer(log)), key=lambda m: -float(m[0]))[:3]
    return (
        "; ".join(
            f"{float(late):.0f} ms (CPU meanwhile: loop {float(loop):.0f} ms, process"
            f" {float(process):.0f} ms; longest collection {float(collected):.0f} ms) at {place}"
            for late, place, collected, loop, process in found
        )
        or "none over 50 ms"
    )


def _author(text: str) -> int:
    found = re.search(r"Secret (\d+)-", text)
    return int(found[1]) if found else 0


async def main() -> None:
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)  # a killed bot's requests cut short
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--window-kills", type=int, default=5)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--groups", type=int, default=10)
    parser.add_argument("--authors", type=int, default=3, help="members of each group who write")
    parser.add_argument("--faults", type=float, default=0.0, help="share of failing requests (0.2: 20 %%)")
    parser.add_argument(
        "--faults-seconds", type=float, default=180.0, help="how long members write, no kills"
    )
    parser.add_argument(
        "--calm-seconds", type=float, default=20.0, help="after the last kill, before stopping"
    )
    parser.add_argument("--postgres", default=None, help="also on this PostgreSQL database (it is emptied)")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--max-minutes", type=float, default=30.0, help="a bound on each run")
    parser.add_argument("--details", help="write each case found to DETAILS.<engine>.json")
    parser.add_argument(
        "--watch-loop",
        action="store_true",
        help="the bot names where its event loop stood in each stall ([logging] watch_loop; costs it a bit)",
    )
    args = parser.parse_args()
    if not args.skip_sqlite:
        await run("sqlite", args, "SQLite")
    if args.postgres:
        await run(args.postgres, args, "PostgreSQL")


if __name__ == "__main__":
    asyncio.run(main())
