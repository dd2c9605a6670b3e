"""Chaos on Discord: the real ``murmure run`` killed with SIGKILL at random moments (and as Discord creates a
card, before its answer reaches the bot), restarted each time, while simulated members write secrets in the
/secret form, press Post, react and reply in the card's form. Counts come from what the emulator's channels
show, and the database.

    python benchmarks/chaos_discord_bench.py [--kills 50] [--window-kills 5] [--seed 16] [--servers 6]
        [--authors 3] [--postgres URL] [--skip-sqlite] [--max-minutes 20]

Everything runs on 127.0.0.1: the project's Discord emulator in this process (its per-route buckets, the
global limit, an interaction answered within 3 s, and the nonce a message is created with: a second create
with a nonce seen lately returns the first message), the bot as a subprocess. Kills come at seeded random
moments 1 to 6 s after the process is ready (``--kills``), and ``--window-kills`` more come as Discord
creates a card, before its answer leaves (one card in ten: inside the send-to-commit window).

Prints, per database:
- lost: secrets whose author was told "Sent!" (in the form's answer, or by the outbox's DM) and whose card
  never reached the channel, secrets the database holds without a card, replies accepted but never posted;
- duplicated cards and replies (the same text twice in the channel or the thread): the acceptance asks 0;
- interactions the bot never answered because it was dead or starting (Discord shows "This interaction
  failed": the member tries again), forms acknowledged by a process killed before it answered them and
  previewed by the next one (their text kept before the acknowledgement), and previews that never came
  although the form was acknowledged (those answered after the restart, asking the member to send it again,
  and those left waiting);
- the longest wait of a card after the restart that followed its author's "Sent!";
- the send-to-commit window as the bot measured it (its INFO log).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bot_process import BotProcess, keep_alive
from benchmarks.chaos_bench import VERBS, WINDOW_LINE, WORDS, _drop, _recorded, spread
from benchmarks.live import environment
from tests.emulators.discord import DiscordEmulator, EmulatorError, Member, Message, PendingInteraction

ROOT = Path(__file__).resolve().parents[1]
MEMBERS_PER_SERVER = 8  # past the minimum audience of 5 readers
WAIT = 60.0  # a member gives up waiting for "Sent!" after this
ASKED_AGAIN = "could not answer your form in time"  # a form left "thinking…" by a kill, answered after it
TEXT_ID = "murmure:text"
ADMIN = 950_000_000_000_000_001
STARTS_IN_A_ROW = 5
SECRET_TEXT = re.compile(r"(Secret \d+-\d+ of server \d+: .*?\.)")
REPLY_TEXT = re.compile(r"(Reply \d+-\d+: same here\.)")


def server_id(g: int) -> int:
    return 960_000_000_000_000_000 + g * 100


def general_id(g: int) -> int:
    return server_id(g) + 11


def mods_id(g: int) -> int:
    return server_id(g) + 12


def member_id(g: int, n: int) -> int:
    return 970_000_000_000_000_000 + g * 100 + n


def write_config(folder: Path, dc: DiscordEmulator, database_url: str) -> Path:
    path = folder / "config.toml"
    path.write_text(
        f'[database]\nurl = "{database_url}"\n'
        f'[discord]\napi_base_url = "{dc.api_base}"\ngateway_url = "{dc.gateway_url}"\n'
        "guild_ready_timeout = 0.05\n"
        "[community]\npublication_delay_seconds = 0\nmax_secrets_per_day = 1000\n"
        '[logging]\nlevel = "INFO"\n',
        encoding="utf-8",
    )
    return path


class Bot(BotProcess):
    """The real ``murmure run`` on Discord; ``ready_times``: wall clock of each start's gateway session up and
    commands synced, and its kills timed by the wall clock too."""

    def __init__(self, dc: DiscordEmulator, config: Path, log_path: Path) -> None:
        super().__init__(config, log_path, time.time)
        self.dc = dc

    async def start(self) -> None:
        async with self.lock:
            for _ in range(STARTS_IN_A_ROW):
                if self.process is not None and self.process.poll() is None:
                    return
                for other in self.started:
                    if other.poll() is None:
                        other.kill()
                        other.wait()
                synced = len(self.dc.calls("PUT", r"/applications/\d+/commands"))
                env = environment("unused-telegram-token") | {"MURMURE_DISCORD_TOKEN": self.dc.token}
                with self.log_path.open("ab") as log:
                    process = self.process = subprocess.Popen(  # noqa: ASYNC220 - restarted on purpose
                        [sys.executable, "-m", "murmure.cli", "run", "--config", str(self.config)],
                        cwd=ROOT,
                        env=env,
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL,
                        stderr=log,
                    )
                self.started.append(process)

                def ready(p: subprocess.Popen[bytes] = process, before: int = synced) -> bool:
                    up = len(self.dc.calls("PUT", r"/applications/\d+/commands")) > before
                    return (up and bool(self.dc.live_sessions())) or p.poll() is not None

                await self.dc.wait_until(ready, within=180)
                if process.poll() is None:
                    await asyncio.sleep(0.3)  # READY and the servers' GUILD_CREATE handled
                    self.ready_times.append(time.time())
                    return
            raise RuntimeError(f"the bot died {STARTS_IN_A_ROW} times before its gateway session")


@dataclass
class Tally:
    written: dict[str, int] = field(default_factory=dict)  # secret text -> server
    previewed: set[str] = field(default_factory=set)
    acknowledged_unshown: set[str] = field(default_factory=set)  # form acknowledged, preview never came
    # of those: the form's "thinking…" answered by the outbox (the process stopped first): send it again
    asked_again: set[str] = field(default_factory=set)
    # forms whose preview came after a restart that followed their submission: previewed by the next process
    previewed_after_restart: set[str] = field(default_factory=set)
    pressed: dict[str, float] = field(default_factory=dict)
    told: dict[str, float] = field(default_factory=dict)  # text -> when "Sent!" showed (wall clock)
    replies_told: set[str] = field(default_factory=set)
    press_failed: set[str] = field(default_factory=set)  # Post pressed while the bot was dead or starting
    reactions: int = 0
    failed: int = 0  # interactions the bot never answered (dead or starting): Discord says it failed


def _shown(message: Message) -> str:
    return "\n".join([message.content or "", *(str(e.get("description") or "") for e in message.embeds)])


def _custom_id(message: Message, label: str) -> str | None:
    for component in message.walk_components():
        if component.get("type") == 2 and label in str(component.get("label", "")):
            return str(component.get("custom_id"))
    return None


def _preview(submitted: PendingInteraction) -> Message | None:
    """The form's preview (the message offering Post): its answer, or a follow-up (the answer to a form from
    a card's button, deferred and answered after a restart, comes as one)."""
    for message in _answers(submitted):
        if _custom_id(message, "Post") is not None:
            return message
    return None


def _answers(submitted: PendingInteraction) -> list[Message]:
    """The messages answering an interaction: its original answer (none after a deferral of type 6) and its
    follow-ups."""
    original = [submitted.original()] if submitted.original_id is not None else []
    return [*original, *submitted.followups()]


class World:
    """Members of ``servers`` Discord servers, each with ``authors`` who write, post, react and reply."""

    def __init__(self, dc: DiscordEmulator, servers: int, authors: int, rng: random.Random) -> None:
        self.dc, self.servers, self.authors, self.rng = dc, servers, authors, rng
        self.tally = Tally()
        self.starts: list[float] = []  # when the bot was ready after each start (the bot's ``ready_times``)

    async def populate(self) -> None:
        self.dc.add_user(ADMIN, "admin_dc", "Admin Display", "en-US")
        month_ago = time.time() - 30 * 86400
        for g in range(self.servers):
            people = [member_id(g, n) for n in range(MEMBERS_PER_SERVER)]
            for n, person in enumerate(people):
                self.dc.add_user(person, f"m{g}x{n}_dc", f"M{g}x{n} Display", "en-US")
            await self.dc.add_guild(
                server_id(g),
                f"Server {g}",
                owner_id=ADMIN,
                channels=[(general_id(g), "general"), (mods_id(g), "moderators")],
                members=[Member(p, joined=month_ago) for p in [ADMIN, *people]],
            )
            self.dc.make_moderator(server_id(g), ADMIN)
            self.dc.make_private(mods_id(g), [ADMIN])

    async def set_up(self, g: int) -> None:
        """The admin's /murmure setup in the server's general channel, until its welcome shows."""
        while not any("Murmure is here" in _shown(m) for m in self.dc.messages(general_id(g))):
            try:
                asked = await self.dc.user_runs_command(
                    ADMIN,
                    server_id(g),
                    general_id(g),
                    "murmure",
                    subcommand="setup",
                    options={"moderators": mods_id(g)},
                )
                await asked.response(within=3)
                await self.dc.wait_until(
                    lambda: any("Murmure is here" in _shown(m) for m in self.dc.messages(general_id(g))),
                    within=15,
                )
            except (EmulatorError, TimeoutError):
                await asyncio.sleep(1)

    def cards(self, g: int) -> list[Message]:
        return [
            m
            for m in self.dc.messages(general_id(g))
            if not m.from_interaction and (m.content or "").startswith("**\\#") and m.components
        ]

    async def _answered(self, interaction: PendingInteraction) -> bool:
        """Whether the bot answered in Discord's 3 s (else Discord tells the member it failed)."""
        try:
            await interaction.response(within=3)
            return True
        except (EmulatorError, TimeoutError):
            self.tally.failed += 1
            return False

    async def _ask(self, run: Awaitable[PendingInteraction]) -> PendingInteraction | None:
        try:
            return await run
        except EmulatorError:  # no gateway session: the bot is down, Discord says the interaction failed
            self.tally.failed += 1
            return None

    async def member(self, g: int, n: int, stop: asyncio.Event) -> None:
        user = member_id(g, n)
        rng = random.Random(self.rng.random())
        count = 0
        await asyncio.sleep(rng.uniform(0, 10))
        while not stop.is_set():
            count += 1
            words = " ".join(rng.sample(WORDS, 5))
            text = f"Secret {n}-{count} of server {g}: the night I {rng.choice(VERBS)} {words}."
            await self._post(user, g, text)
            cards = self.cards(g)
            if cards and rng.random() < 0.7:
                card = rng.choice(cards[-10:])
                label = rng.choice(["❤️", "😂", "😮", "😢"])
                custom_id = _custom_id(card, label)
                if custom_id is not None:
                    pressed = await self._ask(self.dc.user_clicks(user, card, custom_id))
                    if pressed is not None and await self._answered(pressed):
                        self.tally.reactions += 1
            if cards and rng.random() < 0.3:
                await self._reply(user, rng.choice(cards[-10:]), f"Reply {n}{g}-{count}: same here.")
            await asyncio.sleep(rng.uniform(15, 30))

    async def _form_preview(
        self, user: int, opened: PendingInteraction, text: str
    ) -> tuple[Message | None, bool]:
        """The form submitted with ``text``: its preview once it offers Post (None if it never does), and
        whether the submission was acknowledged at all."""
        submitted_at = time.time()
        submitted = await self._ask(self.dc.user_submits_modal(user, opened, {TEXT_ID: text}))
        if submitted is None or not await self._answered(submitted):
            return None, False
        try:
            await self.dc.wait_until(
                lambda: (
                    _preview(submitted) is not None
                    or any(ASKED_AGAIN in _shown(message) for message in _answers(submitted))
                ),
                within=WAIT,
            )
        except (EmulatorError, TimeoutError):
            return None, True
        preview = _preview(submitted)
        if preview is None:
            self.tally.asked_again.add(text)
            return None, True
        if any(start > submitted_at for start in self.starts):
            self.tally.previewed_after_restart.add(text)
        return preview, True

    async def _press_post(self, user: int, preview: Message) -> bool:
        """Post pressed on the preview; whether the bot answered it in Discord's 3 s."""
        post = _custom_id(preview, "Post")
        assert post is not None
        pressed = await self._ask(self.dc.user_clicks(user, preview, post))
        return pressed is not None and await self._answered(pressed)

    async def _post(self, user: int, g: int, text: str) -> None:
        tally = self.tally
        opened = await self._ask(self.dc.user_runs_command(user, server_id(g), general_id(g), "secret"))
        if opened is None or not await self._answered(opened):
            return
        tally.written[text] = g
        preview, acknowledged = await self._form_preview(user, opened, text)
        if preview is None:
            if acknowledged:
                tally.acknowledged_unshown.add(text)
            return
        tally.previewed.add(text)
        tally.pressed[text] = pressed_at = time.time()
        if not await self._press_post(user, preview):
            tally.press_failed.add(text)  # Discord told the member it failed: Post is still there to press

        def told() -> bool:
            """The form's answer edited to "Sent!", or the outbox's DM saying it (the answer never showed)."""
            if "Sent!" in _shown(self.dc.message(preview.id)):
                return True
            dm = self.dc.dm_channel_id(user)
            return dm is not None and any(
                "Sent!" in _shown(m) and m.timestamp >= pressed_at for m in self.dc.messages(dm)
            )

        try:
            await self.dc.wait_until(told, within=WAIT)
            tally.told[text] = time.time()
        except TimeoutError:
            pass

    async def _reply(self, user: int, card: Message, text: str) -> None:
        reply = _custom_id(card, "Reply")
        if reply is None:
            return
        opened = await self._ask(self.dc.user_clicks(user, card, reply))
        if opened is None or not await self._answered(opened) or opened.modal is None:
            return
        preview, _ = await self._form_preview(user, opened, text)
        if preview is None:
            return
        await self._press_post(user, preview)  # unanswered, it may still have been taken: waited for below

        def told() -> bool:
            shown = _shown(self.dc.message(preview.id))
            return "Sent!" in shown or "was posted as" in shown

        try:
            await self.dc.wait_until(told, within=WAIT)
            self.tally.replies_told.add(text)
        except TimeoutError:
            pass


def _arm_window_kills(dc: DiscordEmulator, bot: Bot, servers: int, count: int) -> dict[str, int]:
    """Kills the bot as Discord creates one card in ten (before its answer leaves), ``count`` times."""
    state = {"left": count, "seen": 0}
    if count <= 0:
        return state
    channels = "|".join(str(general_id(g)) for g in range(servers))

    def maybe_kill() -> None:
        state["seen"] += 1
        if state["left"] > 0 and state["seen"] % 10 == 0:
            state["left"] -= 1
            bot.kill(in_window=True)

    dc.after_acting(rf"^POST /channels/({channels})/messages$", maybe_kill, times=100_000)
    return state


def _copies(world: World) -> tuple[dict[str, list[Message]], dict[str, list[Message]]]:
    """Every card (in a general channel) and reply (in a card's thread), by text: what members see."""
    cards: dict[str, list[Message]] = {}
    replies: dict[str, list[Message]] = {}
    for g in range(world.servers):
        for card in world.cards(g):
            found = SECRET_TEXT.search(_shown(card))
            if found:
                cards.setdefault(found[1], []).append(card)
            for message in world.dc.messages(card.id):  # the card's thread has the card's id
                said = REPLY_TEXT.search(_shown(message))
                if said and not message.from_interaction:
                    replies.setdefault(said[1], []).append(message)
    return cards, replies


async def run(database_url: str, args: argparse.Namespace, label: str) -> None:
    rng = random.Random(args.seed)
    started = time.monotonic()
    deadline = started + args.max_minutes * 60
    async with DiscordEmulator() as dc:
        with tempfile.TemporaryDirectory() as folder:
            if database_url == "sqlite":
                database_url = f"sqlite+aiosqlite:///{folder}/murmure.db"
            else:
                await _drop(database_url)
            config = write_config(Path(folder), dc, database_url)
            log_path = Path(folder) / "murmure.log"
            bot = Bot(dc, config, log_path)
            world = World(dc, args.servers, args.authors, rng)
            world.starts = bot.ready_times
            await world.populate()
            await bot.start()
            for g in range(args.servers):
                await world.set_up(g)
            stop = asyncio.Event()
            members = [
                asyncio.create_task(world.member(g, n, stop))
                for g in range(args.servers)
                for n in range(args.authors)
            ]
            window_kills = _arm_window_kills(dc, bot, args.servers, args.window_kills)
            alive = asyncio.Event()
            keeper = asyncio.create_task(keep_alive(bot, alive))
            try:
                for _ in range(args.kills):
                    if time.monotonic() > deadline:
                        break
                    await asyncio.sleep(rng.uniform(1.0, 6.0))
                    async with bot.lock:
                        pass
                    await bot.reap(bot.kill())
                    await bot.start()
                window_kills["left"] = 0
                await asyncio.sleep(
                    max(0.0, min(time.monotonic() + args.calm_seconds, deadline) - time.monotonic())
                )
                stop.set()
                await asyncio.wait(members, timeout=WAIT + 10)
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
            _report(
                label, world, bot, log_path.read_text(errors="replace"), recorded, time.monotonic() - started
            )
            if database_url.startswith("postgresql"):
                await _drop(database_url)


async def _settle(world: World, deadline: float) -> None:
    def delivered() -> bool:
        cards, _ = _copies(world)
        return all(text in cards for text in world.tally.told)

    with contextlib.suppress(TimeoutError):
        await world.dc.wait_until(delivered, within=max(1.0, min(300.0, deadline - time.monotonic())))
    await asyncio.sleep(5)


def _report(label: str, world: World, bot: Bot, log: str, db: object, took: float) -> None:
    tally = world.tally
    cards, replies = _copies(world)
    lost = [text for text in tally.told if text not in cards]
    lost_replies = [text for text in tally.replies_told if text not in replies]
    twice = {text: len(copies) for text, copies in cards.items() if len(copies) > 1}
    replies_twice = {text: len(copies) for text, copies in replies.items() if len(copies) > 1}
    after_restart = []
    for text, told_at in tally.told.items():
        if text in cards:
            out = cards[text][0].timestamp
            restarts = [r for r in bot.ready_times if told_at <= r <= out]
            if restarts:
                after_restart.append(out - restarts[-1])
    windows = [tuple(map(float, m.groups())) for m in WINDOW_LINE.finditer(log)]
    counted = int(sum(w[0] for w in windows))
    over = int(sum(w[4] for w in windows))
    unsent = getattr(db, "unsent", None)
    stored = getattr(db, "secrets", None)
    print(
        f"\n== Discord, {label}: {took / 60:.1f} min, {len(bot.kill_times)} kills at random moments,"
        f" {len(bot.window_kills)} as Discord created a card, {len(bot.ready_times)} starts"
    )
    print(
        f"secrets written {len(tally.written)}, previewed {len(tally.previewed)}, Post pressed"
        f" {len(tally.pressed)}, authors told 'Sent!' {len(tally.told)}; {tally.reactions} reactions;"
        f" {len(tally.replies_told)} replies accepted"
    )
    print(
        f"LOST: {len(lost)} secrets told 'Sent!' without a card, {unsent} accepted without a card in the"
        f" database ({stored} secrets stored), {len(lost_replies)} replies accepted never posted"
    )
    print(f"DUPLICATES: {len(twice)} cards, {len(replies_twice)} replies shown more than once")
    for text, copies in [*twice.items(), *replies_twice.items()]:
        print(f"  {copies}x {text}")
    print(
        f"interactions never answered while the bot was dead or starting: {tally.failed};"
        f" forms previewed by the process after a kill: {len(tally.previewed_after_restart)};"
        f" forms acknowledged whose preview never came: {len(tally.acknowledged_unshown)}"
        f" ({len(tally.asked_again)} of them answered after the restart, asked to send it again;"
        f" {len(tally.acknowledged_unshown - tally.asked_again)} left waiting);"
        f" Post answered, author never told: {len(set(tally.pressed) - set(tally.told) - tally.press_failed)}"
        f" (and {len(tally.press_failed - set(tally.told))} presses of Post the dead bot never answered)"
    )
    waited = f"{max(after_restart):.2f} s (n={len(after_restart)})" if after_restart else "none waited"
    print(f"longest wait of a card after a restart: {waited}")
    if windows:
        worst, longest = max(w[2] for w in windows), max(w[3] for w in windows)
        print(
            f"send-to-commit window (the bot's log): {counted} sends, worst p99 of a report {worst:.1f} ms,"
            f" max {longest:.1f} ms, {over} over 50 ms"
        )
    tracebacks = log.count("Traceback")
    print(f"tracebacks in the bot's log: {tracebacks}; log lines {log.count(chr(10))}")
    if after_restart:
        print(f"card after a restart: {spread(after_restart)}")


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--window-kills", type=int, default=5)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--servers", type=int, default=6)
    parser.add_argument("--authors", type=int, default=3)
    parser.add_argument("--calm-seconds", type=float, default=60.0)
    parser.add_argument("--postgres", default=None, help="also run on this PostgreSQL URL (emptied)")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--max-minutes", type=float, default=20.0)
    args = parser.parse_args()
    if not args.skip_sqlite:
        await run("sqlite", args, "SQLite")
    if args.postgres:
        await run(args.postgres, args, "PostgreSQL")


if __name__ == "__main__":
    asyncio.run(main())
