"""Scale-out (issue 16, point 6): two Telegram webhook workers and two Discord shard processes, the real
`murmure run`, on one PostgreSQL database, against the emulators, under a burst.

Telegram POSTs updates to one URL over several connections at once (``webhook_parallel``); a small front in
this test passes each to the two workers in turn, as a load balancer would, and also sends every third one to
the other worker at the same moment (Telegram sending it again, landing elsewhere). The Discord emulator
routes each server's events to the shard that owns it (``(id >> 22) % 2``), the DMs to shard 0.

Measured: every secret's card exactly once; each card's reaction counts exact, though a member's two taps
went to two processes at the same moment; no 429 from either emulator (each group's and the bot's limits,
each Discord channel's); every outbox entry claimed and delivered by a process running its messenger (a
trigger logs each claim and each delivery with the claiming instance); a polling process started beside the
webhook workers is refused.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import os
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import text

from storage.repositories.communities import CommunityCache
from tests.conftest import migrated, sql_url
from tests.emulators.discord import DiscordEmulator, Member, Message
from tests.emulators.telegram import ChatMessage, TelegramEmulator
from tests.telegram.test_telegram_delivery import free_port

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
# Telegram's limits on both sides (the emulator's and the processes' config): each group's is 8 messages in
# any 5 s instead of 20 in any 60 s, so that the burst runs past it several times and still ends within the
# test; the bot's is 10 a second instead of 30, stricter, so that the burst runs past it too
GROUP_LIMIT, GROUP_WINDOW, OVERALL_LIMIT = 8, 5.0, 10
TG_GROUPS = (-1001000000001, -1001000000002)
TG_PER_GROUP = 8  # members posting in each group: 8 cards + the welcome in each, the edits of their counts
TAPPED = 4  # cards each member taps ❤️ on
DC_GUILDS = (910000000000000001, 910000000004194305)  # one on each shard: (id >> 22) % 2 is 0, then 1
DC_CHANNEL = 11  # a server's channel id: its id + this
DC_MODS = 12
DC_PER_GUILD = 6
TEXT_ID = "murmure:text"
DUPLICATE_EVERY = 3  # every third update also goes to the other worker at once

CLAIM_LOG = (
    "DROP TABLE IF EXISTS claim_log",
    "CREATE TABLE claim_log (entry_id integer, kind text, platform text, instance text, what text)",
    """CREATE OR REPLACE FUNCTION log_claim() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        -- an entry no one claimed is removed when it is called off (an author's "Sent!" that showed)
        INSERT INTO claim_log VALUES (OLD.id, OLD.kind, OLD.platform, OLD.claimed_by,
          CASE WHEN OLD.claimed_until IS NULL THEN 'called off' ELSE 'delivered' END);
        RETURN OLD;
      END IF;
      IF NEW.claimed_until IS NOT NULL AND NEW.claimed_by IS NOT NULL
         AND (OLD.claimed_until IS NULL OR NEW.claimed_by IS DISTINCT FROM OLD.claimed_by) THEN
        INSERT INTO claim_log VALUES (NEW.id, NEW.kind, NEW.platform, NEW.claimed_by, 'claimed');
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER outbox_claims AFTER UPDATE OR DELETE ON outbox FOR EACH ROW EXECUTE FUNCTION log_claim()",
)


WORDS = [
    "bridge",
    "rain",
    "lantern",
    "orchard",
    "harbour",
    "violin",
    "meadow",
    "candle",
    "river",
    "attic",
    "garden",
    "ladder",
    "window",
    "forest",
    "pebble",
    "kettle",
    "compass",
    "blanket",
    "mirror",
    "quarry",
    "lighthouse",
    "village",
    "comet",
    "saddle",
]


def _words(n: int) -> str:
    """Words of its own for each secret: alike texts could be refused as near-duplicates."""
    return " ".join(WORDS[(n * 7 + k * 5) % len(WORDS)] for k in range(4)) + f" ({n})"


def tg_user(group: int, n: int) -> int:
    return 7_000_000 + 1000 * group + n


def dc_user(guild: int, n: int) -> int:
    return 1_300_000_000_000_000_000 + 1000 * guild + n


class Front:
    """One webhook URL before two workers: each update to the next worker in turn, every third also to the
    other one at once; answered 200 once both answered 200 (else Telegram sends it again)."""

    def __init__(self, workers: list[str]) -> None:
        self._workers = workers
        self._turn = itertools.count()
        self.duplicated = 0
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.port = free_port()

    async def __aenter__(self) -> Front:
        server = web.Application()
        server.router.add_post("/tg", self._receive)
        self._runner = web.AppRunner(server, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _forward(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        assert self._session is not None
        try:
            async with self._session.post(url, data=body, headers=headers) as response:
                await response.read()
                return response.status
        except (aiohttp.ClientError, TimeoutError):
            return 502

    async def _receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        kept = ("content-type", "x-telegram-bot-api-secret-token")
        headers = {k: v for k, v in request.headers.items() if k.lower() in kept}
        turn = next(self._turn)
        targets = [self._workers[turn % 2]]
        if turn % DUPLICATE_EVERY == 0:
            targets.append(self._workers[(turn + 1) % 2])
            self.duplicated += 1
        statuses = await asyncio.gather(*(self._forward(url, body, headers) for url in targets))
        return web.Response(status=max(statuses))


def _env(tg: TelegramEmulator, dc: DiscordEmulator) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "MURMURE_TELEGRAM_TOKEN": tg.token,
        "MURMURE_DISCORD_TOKEN": dc.token,
        "MURMURE_PEPPER": base64.b64encode(b"t" * 32).decode(),
        "MURMURE_SEALING_KEY": base64.b64encode(b"s" * 32).decode(),
        "MURMURE_TELEGRAM_WEBHOOK_SECRET": "scale-out-webhook-secret",
        "PTB_TIMEDELTA": "true",
    }


def _config(folder: Path, url: str, section: str) -> Path:
    folder.mkdir()
    path = folder / "config.toml"
    path.write_text(
        f'[database]\nurl = "{url}"\n{section}\n[community]\npublication_delay_seconds = 0\n',
        encoding="utf-8",
    )
    return path


@asynccontextmanager
async def _processes(configs: list[Path], env: dict[str, str]) -> AsyncIterator[None]:
    """``murmure run`` with each config (its stderr in ``err.log`` beside it), interrupted at the end."""
    started: list[asyncio.subprocess.Process] = []
    logs = [(config.parent / "err.log").open("wb") for config in configs]
    try:
        for config, log in zip(configs, logs, strict=True):
            command = [sys.executable, "-m", "murmure.cli", "run", "--config", str(config)]
            started.append(
                await asyncio.create_subprocess_exec(
                    *command, cwd=config.parent, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=log
                )
            )
        yield
    finally:
        for process in started:
            if process.returncode is None:
                process.send_signal(2)
        for process in started:
            try:
                await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                process.kill()
                await process.wait()
        for log in logs:
            log.close()


def _tg_counts(tg: TelegramEmulator, card: ChatMessage) -> int:
    current = next(m for m in tg.bot_messages(card.chat_id) if m.message_id == card.message_id)
    for button in current.buttons:
        found = re.search(r"❤️\s*(\d+)", str(button.get("text", "")))
        if found:
            return int(found[1])
    return 0


def _dc_hearts(dc: DiscordEmulator, card: Message) -> int:
    current = dc.message(card.id)
    for component in current.walk_components():
        found = re.search(r"❤️\s*(\d+)", str(component.get("label", "")))
        if found:
            return int(found[1])
    return 0


def _dc_cards(dc: DiscordEmulator, channel: int) -> list[Message]:
    return [
        m
        for m in dc.messages(channel)
        if not m.from_interaction and re.match(r"\*\*\\#\d+\*\*", m.content or "")
    ]


async def _until(
    check: Callable[[], bool], within: float, what: str, why: Callable[[], str] = lambda: ""
) -> None:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within} s: {what} {why()}")
        await asyncio.sleep(0.05)


def _world(tg: TelegramEmulator, dc: DiscordEmulator) -> None:
    for g, group in enumerate(TG_GROUPS):
        members = [tg_user(g, n) for n in range(TG_PER_GROUP + 1)]  # the last one is the admin
        for user_id in members:
            tg.add_user(user_id, f"Member {user_id}", None, "en")
        tg.add_group(group, f"Group {g}", members=members, admins=[members[-1]])


async def _discord_world(dc: DiscordEmulator) -> None:
    for g, guild in enumerate(DC_GUILDS):
        members = [dc_user(g, n) for n in range(DC_PER_GUILD + 1)]  # the last one moderates
        for user_id in members:
            dc.add_user(user_id, f"member{user_id}", f"Member {user_id}", "en-US")
        await dc.add_guild(
            guild,
            f"Server {g}",
            owner_id=members[-1],
            channels=[(guild + DC_CHANNEL, "general"), (guild + DC_MODS, "moderators")],
            members=[Member(user_id, joined=time.time() - 30 * 86400) for user_id in members[:-1]],
        )
        dc.make_moderator(guild, members[-1])
        dc.make_private(guild + DC_MODS, [members[-1]])


async def _tg_post(tg: TelegramEmulator, user_id: int, secret: str) -> None:
    await tg.user_sends(user_id, user_id, secret)
    await _until(
        lambda: any("Preview" in (m.text or "") for m in tg.bot_messages(user_id)),
        30,
        "a preview",
        lambda: f"the DM shows {[m.text for m in tg.bot_messages(user_id)]}",
    )
    preview = next(m for m in tg.bot_messages(user_id) if "Preview" in (m.text or ""))
    post = next(b for b in preview.buttons if "Post" in b.get("text", ""))
    await tg.user_clicks(user_id, preview, str(post["callback_data"]))


async def _dc_post(dc: DiscordEmulator, guild: int, user_id: int, secret: str) -> None:
    channel = guild + DC_CHANNEL
    opened = await dc.user_runs_command(user_id, guild, channel, "secret")
    assert (await opened.response())["type"] == 9
    submitted = await dc.user_submits_modal(user_id, opened, {TEXT_ID: secret})
    await submitted.response()

    def post_button() -> str | None:
        for component in submitted.original().walk_components():
            if "Post" in str(component.get("label", "")):
                return str(component["custom_id"])
        return None

    await _until(lambda: post_button() is not None, 30, "a Discord preview")
    clicked = await dc.user_clicks(user_id, submitted.original(), str(post_button()))
    await clicked.response()


async def test_two_webhook_workers_and_two_discord_shards_on_one_postgresql_under_a_burst(
    tmp_path: Path,
) -> None:
    url = sql_url("postgresql", tmp_path)
    assert [(guild >> 22) % 2 for guild in DC_GUILDS] == [0, 1]
    async with migrated(url) as database:
        async with database.engine.begin() as connection:
            for statement in CLAIM_LOG:
                await connection.execute(text(statement))
        async with TelegramEmulator() as tg, DiscordEmulator() as dc:
            tg.webhook_parallel = 8
            # 8 in any 5 s per group (not 20 in 60 s) and 10 a second (not 30), set alike in the processes'
            # config: a short burst runs past both limits several times within the test (see GROUP_LIMIT)
            tg.limit_rates(  # a short burst crosses both limits several times (said above)
                per_group_per_minute=GROUP_LIMIT, global_per_second=OVERALL_LIMIT, group_window=GROUP_WINDOW
            )
            _world(tg, dc)
            await _discord_world(dc)
            ports = [free_port(), free_port()]
            async with Front([f"http://127.0.0.1:{port}/tg" for port in ports]) as front:
                telegram = (
                    f'[telegram]\nbase_url = "{tg.base_url}"\nbase_file_url = "{tg.base_file_url}"\n'
                    f'mode = "webhook"\nwebhook_url = "http://127.0.0.1:{front.port}/tg"\nurl_path = "tg"\n'
                    f"group_window_seconds = {GROUP_WINDOW}\ngroup_per_minute = {GROUP_LIMIT}\n"
                    f"overall_per_second = {OVERALL_LIMIT}\n"
                )
                discord = (
                    f'[discord]\napi_base_url = "{dc.api_base}"\ngateway_url = "{dc.gateway_url}"\n'
                    "guild_ready_timeout = 0.05\nshard_count = 2\n"
                )
                configs = [
                    _config(tmp_path / f"telegram{n}", url, telegram + f"port = {port}\n")
                    for n, port in enumerate(ports)
                ] + [_config(tmp_path / f"discord{n}", url, discord + f"shard_id = {n}\n") for n in range(2)]
                env = _env(tg, dc)
                async with _processes(configs, env):
                    await _until(lambda: len(tg.calls("setWebhook")) >= 2, 90, "both workers listening")
                    await _until(lambda: len(dc.live_sessions()) >= 2, 90, "both shards connected")
                    await _until(
                        lambda: len(dc.calls("PUT", r"/applications/\d+/commands")) >= 2,
                        90,
                        "commands synced",
                    )
                    await asyncio.sleep(0.5)
                    # a poller beside the webhook workers is refused, before it asks Telegram anything (it
                    # starts now, and is looked at once the burst is over)
                    poller = _config(
                        tmp_path / "poller",
                        url,
                        f'[telegram]\nbase_url = "{tg.base_url}"\nbase_file_url = "{tg.base_file_url}"\n',
                    )
                    refused = await asyncio.create_subprocess_exec(
                        sys.executable, "-m", "murmure.cli", "run", "--config", str(poller),
                        cwd=poller.parent, env=env,
                        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
                    )  # fmt: skip
                    refusal = asyncio.create_task(refused.communicate())

                    started = time.monotonic()
                    # the communities: the bot added to each group, /murmure setup in each server
                    for g, group in enumerate(TG_GROUPS):
                        await tg.add_bot_to_group(group, tg_user(g, TG_PER_GROUP), admin=True)
                    for g, guild in enumerate(DC_GUILDS):
                        setup = await dc.user_runs_command(
                            dc_user(g, DC_PER_GUILD), guild, guild + DC_CHANNEL, "murmure",
                            subcommand="setup", options={"moderators": guild + DC_MODS},
                        )  # fmt: skip
                        await setup.response()
                    await _until(
                        lambda: (
                            all(tg.bot_messages(group) for group in TG_GROUPS)
                            and all(dc.messages(guild + DC_CHANNEL) for guild in DC_GUILDS)
                        ),
                        30,
                        "the welcomes",
                    )
                    # a community one process registered shows in the others' cached lists within this long
                    # (before, a member's first DM there may be told there is no community yet)
                    await asyncio.sleep(CommunityCache.LIFETIME)

                    # the burst: every member posts at once, on both platforms
                    secrets: dict[str, tuple[str, int]] = {}
                    posts = []
                    for g, group in enumerate(TG_GROUPS):
                        for n in range(TG_PER_GROUP):
                            secret = f"Telegram secret {g}-{n}: {_words(g * TG_PER_GROUP + n)}."
                            secrets[secret] = ("telegram", group)
                            posts.append(_tg_post(tg, tg_user(g, n), secret))
                    for g, guild in enumerate(DC_GUILDS):
                        for n in range(DC_PER_GUILD):
                            secret = f"Discord secret {g}-{n}: {_words(100 + g * DC_PER_GUILD + n)}."
                            secrets[secret] = ("discord", guild + DC_CHANNEL)
                            posts.append(_dc_post(dc, guild, dc_user(g, n), secret))
                    await asyncio.gather(*posts)

                    def tg_cards(secret: str, group: int) -> list[ChatMessage]:
                        return [m for m in tg.bot_messages(group) if secret in (m.text or "")]

                    def dc_cards(secret: str, channel: int) -> list[Message]:
                        return [m for m in _dc_cards(dc, channel) if secret in (m.content or "")]

                    def all_out() -> bool:
                        return all(
                            (tg_cards(s, chat) if where == "telegram" else dc_cards(s, chat))
                            for s, (where, chat) in secrets.items()
                        )

                    def missing() -> list[str]:
                        return [
                            s
                            for s, (where, chat) in secrets.items()
                            if not (tg_cards(s, chat) if where == "telegram" else dc_cards(s, chat))
                        ]

                    await _until(
                        all_out,
                        45,
                        "every card",
                        lambda: (
                            f"missing: {missing()} "
                            + str(
                                [
                                    (r.method, r.path, r.status)
                                    for r in dc.requests
                                    if "/channels/" in r.path or "callback" in r.path
                                ][-60:]
                            )
                        ),
                    )
                    posted = time.monotonic() - started

                    # reactions: each member taps ❤️ on TAPPED cards of their group (every member of a
                    # server on every card there), a third of them twice at the same moment: two updates,
                    # POSTed on two connections at once, to two workers (or two interactions)
                    expected: dict[tuple[str, int], int] = {}
                    taps = []
                    for g, group in enumerate(TG_GROUPS):
                        cards = [m for m in tg.bot_messages(group) if "Telegram secret" in (m.text or "")]
                        for c, card in enumerate(cards):
                            heart = next(b for b in card.buttons if "❤️" in b.get("text", ""))
                            hearts = 0
                            for n in range(TG_PER_GROUP):
                                if (n - c) % TG_PER_GROUP >= TAPPED:
                                    continue
                                times = 2 if (n + c) % 3 == 0 else 1
                                hearts += times % 2
                                taps += [
                                    tg.user_clicks(tg_user(g, n), card, str(heart["callback_data"]))
                                    for _ in range(times)
                                ]
                            expected[("telegram", card.message_id)] = hearts
                    dc_taps = []
                    for g, guild in enumerate(DC_GUILDS):
                        for card in _dc_cards(dc, guild + DC_CHANNEL):
                            button = next(c for c in card.walk_components() if "❤️" in str(c.get("label", "")))
                            hearts = 0
                            for n in range(DC_PER_GUILD):
                                times = 2 if (n + card.id) % 3 == 0 else 1
                                hearts += times % 2
                                dc_taps += [
                                    dc.user_clicks(dc_user(g, n), card, str(button["custom_id"]))
                                    for _ in range(times)
                                ]
                            expected[("discord", card.id)] = hearts
                    await asyncio.gather(*taps)
                    pending = await asyncio.gather(*dc_taps)
                    await asyncio.gather(*(p.response() for p in pending))

                    def counts() -> dict[tuple[str, int], int]:
                        found = {}
                        for group in TG_GROUPS:
                            for card in tg.bot_messages(group):
                                if ("telegram", card.message_id) in expected:
                                    found[("telegram", card.message_id)] = _tg_counts(tg, card)
                        for guild in DC_GUILDS:
                            for card in _dc_cards(dc, guild + DC_CHANNEL):
                                found[("discord", card.id)] = _dc_hearts(dc, card)
                        return found

                    await _until(
                        lambda: counts() == expected,
                        45,
                        "the reaction counts",
                        lambda: str(
                            {k: (v, expected.get(k)) for k, v in counts().items() if v != expected.get(k)}
                        ),
                    )
                    took = time.monotonic() - started
                    await tg.wait_updates_consumed(within=20)

                    async def outbox() -> dict[str, int]:
                        async with database.engine.connect() as connection:
                            rows = await connection.execute(
                                text("SELECT status, count(*) FROM outbox GROUP BY status")
                            )
                            return {str(status): int(count) for status, count in rows.all()}

                    # the edits still queued behind each group's window go out, then nothing is left
                    for _ in range(80):
                        if not (left := await outbox()):
                            break
                        await asyncio.sleep(0.5)
                    drained = time.monotonic() - started
                    _, err = await asyncio.wait_for(refusal, 60)
                    assert refused.returncode == 5, err.decode()[-2000:]
                    assert "webhook workers receive this bot's updates" in err.decode()
                    assert not tg.calls("deleteWebhook") and not tg.calls("getUpdates")
                    await asyncio.sleep(1.5)  # any late or doubled edit or card would show now
                    final_counts = counts()
                    async with database.engine.connect() as connection:
                        log = (
                            await connection.execute(
                                text("SELECT entry_id, kind, platform, instance, what FROM claim_log")
                            )
                        ).all()

        # every card exactly once
        doubled = {
            s: len(tg_cards(s, chat) if where == "telegram" else dc_cards(s, chat))
            for s, (where, chat) in secrets.items()
        }
        assert doubled == dict.fromkeys(secrets, 1)
        assert final_counts == expected
        # no 429 anywhere: each group's 20 in any window, the bot's 30 a second, each Discord channel's
        # buckets and Discord's global limit, over all the processes
        tg_refused = Counter(c.method for c in tg.requests if c.status == 429)
        dc_refused = Counter(
            f"{r.method} {re.sub(r'[0-9]+', 'N', r.path)}" for r in dc.requests if r.status == 429
        )
        assert not tg_refused and not dc_refused, (tg_refused, dc_refused)
        # every entry claimed and delivered by a process running its messenger: the instances that
        # delivered Telegram entries never claimed a Discord one, and the other way round
        by_instance: dict[str, set[str | None]] = defaultdict(set)
        for _, _, platform, instance, what in log:
            if what != "called off":
                by_instance[instance].add(platform)
        assert log and all(
            len(platforms) == 1 and None not in platforms for platforms in by_instance.values()
        )
        delivered = Counter(platform for _, _, platform, _, what in log if what == "delivered")
        assert delivered["telegram"] >= len(TG_GROUPS) * TG_PER_GROUP
        assert delivered["discord"] >= len(DC_GUILDS) * DC_PER_GUILD
        instances = Counter(next(iter(platforms)) for platforms in by_instance.values())
        assert instances["telegram"] <= 2 and instances["discord"] <= 2
        assert left == {}  # every entry delivered, none failed nor left waiting
        assert front.duplicated > 0
        print(
            f"\nscale-out: {len(secrets)} cards in {posted:.1f} s, reactions settled at {took:.1f} s, outbox "
            f"empty at {drained:.1f} s; "
            f"{sum(expected.values())} hearts from {len(taps) + len(dc_taps)} taps; "
            f"{front.duplicated} updates sent to both workers; deliveries {dict(delivered)}; "
            f"Telegram requests {len(tg.requests)}, Discord {len(dc.requests)}; 429s: 0"
        )
