"""Murmure against bare bots, side by side in one run, on the project's emulators.

    python benchmarks/bare_bot_bench.py [--rounds 8] [--rtt-ms 0] [--taps 50] [--reactions 0]

Two processes: the real ``murmure run`` (SQLite, Telegram and Discord) and ``bare_bots.py`` (a bare
python-telegram-bot echo bot and a bare discord.py client: same library versions, same long poll, the same
Telegram rate limiter), each against its own Telegram and Discord emulators in this process, with their
exact limits and ``--rtt-ms`` added to every answer. Murmure's communities publish at once: the config sets
``publication_delay_seconds = 0`` (the product's default is a random delay of minutes, which is the point of
it, and not what is measured here). Each round measures both, one after the other, in a group of its own on
Telegram (so that the group limit, 20 a minute, is not in the way) and a second after the card was posted
(Murmure edits a card at most once a second):

- Telegram: DM -> preview (the bot's answer reaching Telegram), Post -> card in the group, reaction ->
  card edited; Discord: Post -> card in the channel, reaction -> card edited;
- with ``--reactions N``, Discord's reaction -> edit N more times a side, the two sides' taps alternating:
  p50, quartiles and each process's CPU a tap (Linux: from /proc);
- then ``--taps`` members tap the Discord card at once: each tap's acknowledgement, p50 and p95.

Prints each round's times and ratios (Murmure / bare), then the medians of times and of ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.live import PEPPER, SEALING, percentile
from tests.emulators.discord import DiscordEmulator, Member, Message, PendingInteraction, Request
from tests.emulators.telegram import ChatMessage, TelegramEmulator

ROOT = Path(__file__).resolve().parents[1]
GUILD, GENERAL, MODS = 930000000000000001, 930000000000000011, 930000000000000012
MOD = 940000000000000001
MEMBERS = 8  # per Telegram group: past the minimum audience of 5 readers
TEXT_ID = "murmure:text"
PATHS = ("tg DM->preview", "tg Post->card", "tg reaction->edit", "dc Post->card", "dc reaction->edit")


def group_id(n: int) -> int:
    return -100_500_000 - n


def member(group: int, n: int) -> int:
    return 50_000_000 + group * 100 + n


def dc_member(n: int) -> int:
    return 940000000000001000 + n


def texts(n: int) -> str:
    return f"Round {n}: I still sing in the car when nobody listens, number {n}."


def environment(tg_token: str, dc_token: str) -> dict[str, str]:
    return os.environ | {
        "MURMURE_TELEGRAM_TOKEN": tg_token,
        "MURMURE_DISCORD_TOKEN": dc_token,
        "MURMURE_PEPPER": PEPPER,
        "MURMURE_SEALING_KEY": SEALING,
        "PTB_TIMEDELTA": "true",
    }


def murmure_config(directory: Path, tg: TelegramEmulator, dc: DiscordEmulator) -> Path:
    path = directory / "config.toml"
    path.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{directory}/murmure.db"\n'
        f'[telegram]\nbase_url = "{tg.base_url}"\nbase_file_url = "{tg.base_file_url}"\npoll_timeout = 1\n'
        f'[discord]\napi_base_url = "{dc.api_base}"\ngateway_url = "{dc.gateway_url}"\n'
        "guild_ready_timeout = 0.05\n"
        "[community]\npublication_delay_seconds = 0\nmax_secrets_per_day = 1000\n"
        '[logging]\nlevel = "WARNING"\n',
        encoding="utf-8",
    )
    return path


def telegram_world(tg: TelegramEmulator, rounds: int, bot_in: bool) -> None:
    for g in range(rounds):
        people = [member(g, n) for n in range(MEMBERS)]
        for n, person in enumerate(people):
            tg.add_user(person, f"M{g}x{n}")
        chat = tg.add_group(group_id(g), f"Group {g}", members=people, admins=people[:1])
        if bot_in:
            chat.bot_status = "administrator"


async def discord_world(dc: DiscordEmulator, taps: int) -> None:
    dc.add_user(MOD, "mod_bench", "Mod")
    people = [dc_member(n) for n in range(taps + 10)]
    for n, person in enumerate(people):
        dc.add_user(person, f"member_{n}", f"Member {n}")
    joined = time.time() - 30 * 86400
    await dc.add_guild(
        GUILD,
        "Bench",
        owner_id=MOD,
        channels=[(GENERAL, "general"), (MODS, "moderators")],
        members=[Member(user, joined=joined) for user in [MOD, *people]],
    )
    dc.make_moderator(GUILD, MOD)
    dc.make_private(MODS, [MOD])


def custom_id(message: Message, label: str) -> str:
    for component in message.walk_components():
        if label in str(component.get("label", "")):
            return str(component["custom_id"])
    raise AssertionError(f"no button {label!r} on {message.content!r}")


def tg_data(message: ChatMessage, label: str) -> str:
    return next(str(b["callback_data"]) for b in message.buttons if label in str(b.get("text", "")))


class Telegram:
    """One bot's Telegram: the member's DM, its Post, and the tap on the card, each timed."""

    def __init__(self, tg: TelegramEmulator, bare: bool) -> None:
        self.tg, self.bare = tg, bare

    def _sent(self, method: str, chat: int, after: float) -> list[float]:
        return [
            c.time
            for c in self.tg.requests
            if c.method == method and c.ok and c.time >= after and str(c.params.get("chat_id")) == str(chat)
        ]

    async def _first(self, method: str, chat: int, after: float, within: float = 30) -> float:
        await self.tg.wait_until(lambda: bool(self._sent(method, chat, after)), within=within)
        return min(self._sent(method, chat, after)) - after

    async def round(self, g: int) -> tuple[float, float, float, ChatMessage]:
        author = member(g, 1)
        text = texts(g)
        if not self.bare:  # the member meets the bot first (their memberships are looked up then)
            await self.tg.user_sends(author, author, "/start")
            await self.tg.wait_until(lambda: bool(self.tg.bot_messages(author)), within=30)
        asked = time.time()
        await self.tg.user_sends(author, author, f"{group_id(g)} {text}" if self.bare else text)
        preview_took = await self._first("sendMessage", author, asked)

        def preview() -> ChatMessage | None:
            return next((m for m in reversed(self.tg.bot_messages(author)) if "Post" in str(m.buttons)), None)

        await self.tg.wait_until(lambda: preview() is not None, within=30)
        found = preview()
        assert found is not None
        pressed = time.time()
        await self.tg.user_clicks(author, found, tg_data(found, "Post"))
        card_took = await self._first("sendMessage", group_id(g), pressed)
        card = next(m for m in reversed(self.tg.bot_messages(group_id(g))) if text in (m.text or ""))
        await asyncio.sleep(1.2)  # Murmure edits a card at most once a second
        tapped = time.time()
        await self.tg.user_clicks(member(g, 2), card, tg_data(card, "❤"))
        edit_took = await self._first("editMessageText", group_id(g), tapped)
        return preview_took, card_took, edit_took, card


class Discord:
    def __init__(self, dc: DiscordEmulator, bare: bool) -> None:
        self.dc, self.bare = dc, bare
        self.card: Message | None = None
        self.from_click: list[float] = []  # each tap's event built by the emulator: not counted

    def _requests(self, method: str, pattern: str, after: float) -> list[float]:
        regex = re.compile(pattern)
        return [
            r.time
            for r in self.dc.requests
            if r.method == method and r.ok and r.time >= after and regex.search(r.path)
        ]

    async def _first(self, method: str, pattern: str, after: float, within: float = 30) -> float:
        await self.dc.wait_until(lambda: bool(self._requests(method, pattern, after)), within=within)
        return min(self._requests(method, pattern, after)) - after

    def _cards(self) -> list[Message]:
        return [m for m in self.dc.messages(GENERAL) if not m.from_interaction and m.components]

    async def post(self, n: int) -> float:
        """Post -> the card in the channel."""
        who = dc_member(n)
        before = {m.id for m in self._cards()}
        if self.bare:
            root = self._cards()[0]
            pressed = time.monotonic()
            await self.dc.user_clicks(who, root, "bare:post")
        else:
            opened = await self.dc.user_runs_command(who, GUILD, GENERAL, "secret")
            await opened.response(within=10)
            submitted = await self.dc.user_submits_modal(who, opened, {TEXT_ID: texts(n)})
            await submitted.response(within=10)
            preview = submitted.original()
            pressed = time.monotonic()
            await self.dc.user_clicks(who, preview, custom_id(preview, "Post"))
        took = await self._first("POST", rf"/channels/{GENERAL}/messages$", pressed)
        await self.dc.wait_until(lambda: any(m.id not in before for m in self._cards()), within=30)
        self.card = next(m for m in reversed(self._cards()) if m.id not in before)
        return took

    async def react(self, n: int) -> float:
        """A tap on the card's ❤️ -> the card edited (by the answer itself, or by the outbox)."""
        assert self.card is not None
        card = self.card
        clicked = time.monotonic()
        pending = await self.dc.user_clicks(dc_member(n), card, custom_id(card, "❤"))
        # from the event's leaving for the gateway (stamped before it goes, so no answer comes before it):
        # the emulator's building of the event is no part of either bot's time; from the click, it adds the
        # same to both sides and brings their ratio nearer 1
        sent = pending.dispatched_at
        self.from_click.append(sent - clicked)
        answer, card_path = f"/interactions/{pending.id}/", f"/channels/{GENERAL}/messages/{card.id}"

        def edit(r: Request) -> bool:
            """The card edited: by the answer itself (type 7), the deferred answer's edit, or a PATCH."""
            if r.method == "POST" and r.path.startswith(answer):
                return isinstance(r.json, dict) and r.json.get("type") == 7
            if r.method == "PATCH" and r.path.endswith("/messages/@original"):
                return pending.token in r.path
            return not self.bare and r.method == "PATCH" and r.path == card_path

        def edits() -> list[float]:
            # when each edit reached Discord (as for every other path measured here)
            return [r.time for r in self.dc.requests if r.ok and r.time >= sent and edit(r)]

        await self.dc.wait_until(lambda: bool(edits()), within=30)
        return min(edits()) - sent

    async def taps(self, count: int) -> list[float]:
        """``count`` members tap the card at once: each acknowledgement's delay."""
        assert self.card is not None
        card = self.card
        clicks: list[PendingInteraction] = await asyncio.gather(
            *(self.dc.user_clicks(dc_member(n), card, custom_id(card, "❤")) for n in range(count))
        )
        await self.dc.wait_until(lambda: all(p.acknowledged for p in clicks), within=30)
        return [p.ack_delay or 0.0 for p in clicks]


def cpu_seconds(pid: int) -> float:
    """The CPU time a process has used (user and system), from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


Sides = dict[str, tuple[Telegram, Discord]]


async def more_reactions(sides: Sides, pids: dict[str, int], count: int) -> None:
    """Discord's reaction -> edit ``count`` more times on each side, taps alternating between the two (the
    same load for both), 0.15 s apart: p50 and quartiles, and each process's CPU per tap (its idle use over
    10 s before, subtracted)."""
    before = {side: cpu_seconds(pid) for side, pid in pids.items()}
    await asyncio.sleep(10)
    idle = {side: (cpu_seconds(pid) - before[side]) / 10 for side, pid in pids.items()}
    started, before = time.monotonic(), {side: cpu_seconds(pid) for side, pid in pids.items()}
    taken: dict[str, list[float]] = {side: [] for side in sides}
    for n in range(count):
        for side, (_, discord_) in sides.items():
            taken[side].append(await discord_.react(1 + n % 9))
            await asyncio.sleep(0.15)
    spent = time.monotonic() - started
    for side, values in taken.items():
        cpu = (cpu_seconds(pids[side]) - before[side] - idle[side] * spent) / count
        print(
            f"  dc reaction->edit x{count}, {side:<8} p25 {ms(percentile(values, 0.25))}"
            f"  p50 {ms(percentile(values, 0.5))}  p75 {ms(percentile(values, 0.75))} ms"
            f"   CPU a tap {cpu * 1000:5.2f} ms"
        )
    ratio = percentile(taken["murmure"], 0.5) / max(percentile(taken["bare"], 0.5), 1e-6)
    print(f"  dc reaction->edit x{count}, ratio of the p50s x{ratio:5.1f}")
    built = [t for _, discord_ in sides.values() for t in discord_.from_click]
    print(
        f"  (not counted: the emulator building each tap's event before it leaves, "
        f"p50 {ms(percentile(built, 0.5))} ms)"
    )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f}"


def spread(values: list[float]) -> str:
    return f"p50 {ms(percentile(values, 0.5))} ms  p95 {ms(percentile(values, 0.95))} ms"


async def wait_for(condition: Callable[[], bool], within: float) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("a process never got ready")
        await asyncio.sleep(0.05)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--rtt-ms", type=float, default=0.0)
    parser.add_argument("--taps", type=int, default=50)
    parser.add_argument("--reactions", type=int, default=0, help="Discord reaction -> edit N times more")
    args = parser.parse_args()
    rtt = args.rtt_ms / 1000
    rounds = args.rounds
    async with (
        TelegramEmulator(latency=rtt) as tg_bare,
        TelegramEmulator(latency=rtt) as tg_murmure,
        DiscordEmulator(latency=rtt) as dc_bare,
        DiscordEmulator(latency=rtt) as dc_murmure,
    ):
        telegram_world(tg_bare, rounds, bot_in=True)
        telegram_world(tg_murmure, rounds, bot_in=False)
        await discord_world(dc_bare, args.taps)
        await discord_world(dc_murmure, args.taps)
        with tempfile.TemporaryDirectory() as directory:
            config = murmure_config(Path(directory), tg_murmure, dc_murmure)
            murmure = subprocess.Popen(  # noqa: ASYNC220 - started before anything is measured
                [sys.executable, "-m", "murmure.cli", "run", "--config", str(config)],
                cwd=ROOT,
                env=environment(tg_murmure.token, dc_murmure.token),
                stdin=subprocess.DEVNULL,
            )
            bare = subprocess.Popen(  # noqa: ASYNC220
                [
                    sys.executable,
                    str(ROOT / "benchmarks" / "bare_bots.py"),
                    "--telegram",
                    tg_bare.base_url,
                    "--telegram-files",
                    tg_bare.base_file_url,
                    "--discord-api",
                    dc_bare.api_base,
                    "--discord-gateway",
                    dc_bare.gateway_url,
                    "--channel",
                    str(GENERAL),
                ],
                cwd=ROOT,
                env=environment(tg_bare.token, dc_bare.token),
                stdin=subprocess.DEVNULL,
            )
            try:
                await tg_murmure.wait_for_request("getUpdates", within=60)
                await dc_murmure.wait_for_request("PUT", r"/applications/\d+/commands", within=60)
                await wait_for(lambda: bool(dc_murmure.live_sessions()), 60)
                await tg_bare.wait_for_request("getUpdates", within=60)
                await wait_for(lambda: bool(dc_bare.messages(GENERAL)), 60)
                await asyncio.sleep(0.5)
                for g in range(rounds):  # Murmure's communities: the bot added to each group
                    await tg_murmure.add_bot_to_group(group_id(g), member(g, 0), admin=True)
                setup = await dc_murmure.user_runs_command(
                    MOD, GUILD, GENERAL, "murmure", subcommand="setup", options={"moderators": MODS}
                )
                await setup.response(within=10)
                await wait_for(lambda: all(tg_murmure.bot_messages(group_id(g)) for g in range(rounds)), 60)
                await wait_for(
                    lambda: any("Murmure is here" in (m.content or "") for m in dc_murmure.messages(GENERAL)),
                    60,
                )
                print(
                    f"rtt {args.rtt_ms:g} ms added by each emulator; Murmure on SQLite, publication delay 0"
                    " (set in its config for this benchmark)"
                )
                print(f"{'round':>5}  " + "  ".join(f"{p:>28}" for p in PATHS))
                sides = {
                    "bare": (Telegram(tg_bare, True), Discord(dc_bare, True)),
                    "murmure": (Telegram(tg_murmure, False), Discord(dc_murmure, False)),
                }
                times: dict[str, dict[str, list[float]]] = {s: {p: [] for p in PATHS} for s in sides}
                ratios: dict[str, list[float]] = {p: [] for p in PATHS}
                for g in range(rounds):
                    row: dict[str, dict[str, float]] = {}
                    for side, (telegram, discord_) in sides.items():
                        preview, card, edit, _ = await telegram.round(g)
                        posted = await discord_.post(g)
                        await asyncio.sleep(1.2)
                        reacted = await discord_.react(args.taps + 1 + g % 9)
                        row[side] = dict(zip(PATHS, (preview, card, edit, posted, reacted), strict=True))
                        for path, value in row[side].items():
                            times[side][path].append(value)
                    cells = []
                    for path in PATHS:
                        ratio = row["murmure"][path] / max(row["bare"][path], 1e-6)
                        ratios[path].append(ratio)
                        cells.append(f"{ms(row['bare'][path])} /{ms(row['murmure'][path])} x{ratio:5.1f}")
                    print(f"{g:>5}  " + "  ".join(f"{c:>28}" for c in cells))
                print("medians (bare / Murmure, ms; ratio = median of the rounds' ratios):")
                for path in PATHS:
                    bare_p50 = statistics.median(times["bare"][path])
                    murmure_p50 = statistics.median(times["murmure"][path])
                    murmure_p95 = percentile(times["murmure"][path], 0.95)
                    print(
                        f"  {path:<20} bare {ms(bare_p50)}   Murmure p50 {ms(murmure_p50)}"
                        f" p95 {ms(murmure_p95)}"
                        f"   x{statistics.median(ratios[path]):5.1f}"
                    )
                if args.reactions:
                    await more_reactions(sides, {"bare": bare.pid, "murmure": murmure.pid}, args.reactions)
                await asyncio.sleep(1.2)
                for side, (_, discord_) in sides.items():
                    acks = await discord_.taps(args.taps)
                    print(f"  dc {args.taps} taps at once, {side:<8} acknowledged {spread(acks)}")
                await asyncio.sleep(3)  # the taps' follow-ups and edits go out before the emulators stop
            finally:
                for process in (murmure, bare):
                    process.terminate()
                for process in (murmure, bare):
                    try:
                        process.wait(timeout=20)
                    except subprocess.TimeoutExpired:
                        process.kill()


if __name__ == "__main__":
    asyncio.run(main())
