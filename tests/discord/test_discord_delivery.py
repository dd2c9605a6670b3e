"""Discord under load and over time: coalesced edits, settings, digests, lost access, the real process,
and Telegram and Discord together on one database."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from murmure.config import load_config
from murmure.platforms_app import run_platforms
from tests.discord.harness import (
    GENERAL,
    GUILD,
    Discord,
    discord_config,
    populate,
    running_discord,
    set_up_server,
    uid,
)
from tests.emulators.discord import DiscordEmulator
from tests.emulators.telegram import TelegramEmulator
from tests.telegram import harness as tg_harness

ROOT = Path(__file__).resolve().parents[2]


async def test_a_burst_of_fifty_taps_gives_coalesced_edits_and_the_right_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with DiscordEmulator() as dc:
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            await set_up_server(d)
            card = await d.post("alice", "Fifty taps are coming my way.")
            loop = asyncio.get_running_loop()
            started = loop.time()
            edits_before = len(dc.calls("PATCH", rf"/channels/{GENERAL}/messages/{card.id}$"))
            on: set[tuple[str, int]] = set()
            clicks = []
            for tap in range(50):
                name, kind = ("bob", "carol", "dave", "erin", "mod")[tap % 5], (tap // 5) % 4
                on ^= {(name, kind)}
                clicks.append(
                    dc.user_clicks(uid(name), card, d.custom_id(card, ("❤️", "😂", "😮", "😢")[kind]))
                )
            pending = await asyncio.gather(*clicks)
            await asyncio.gather(*(p.response() for p in pending))
            expected = [sum(1 for _, k in on if k == kind) for kind in range(4)]
            await dc.wait_until(lambda: d.counts(1) == expected, within=15)
            elapsed = loop.time() - started
            await asyncio.sleep(1.5)
            edits = len(dc.calls("PATCH", rf"/channels/{GENERAL}/messages/{card.id}$")) - edits_before
            # each tap's answer is the card itself; the outbox edits only to mend counts an answer showed late
            assert edits <= elapsed + 2
            assert all(
                p.ack_type == 7 or [a.kind for a in p.answers][1:] == ["edit_original"] for p in pending
            )
            assert d.counts(1) == expected
        assert max(dc.ack_delays().values()) < 3


async def test_a_press_in_a_server_reads_its_member_from_the_interaction_not_the_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The interaction brings the member's roles: the tap's membership check asks Discord nothing more."""
    async with DiscordEmulator() as dc:
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            await set_up_server(d)
            card = await d.post("alice", "Tapped by someone the bot never looked up.")
            await d.click("erin", card, "❤️")
            await dc.wait_until(lambda: d.counts(1) == [1, 0, 0, 0], within=8)
            for name in ("alice", "erin"):
                assert dc.calls("GET", rf"/guilds/{GUILD}/members/{uid(name)}$") == [], name


async def test_settings_digest_with_jump_links_and_lost_access(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    due = (datetime.now(UTC) - timedelta(minutes=2)).strftime("%H:%M")
    extra = f'[community]\ndigest_time = "{due}"\n[scheduler]\nenabled = false\n'
    async with DiscordEmulator() as dc:
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc, extra) as d:
            await set_up_server(d)
            panel = await dc.user_runs_command(uid("mod"), GUILD, GENERAL, "murmure", subcommand="settings")
            answer = await panel.response()
            assert (
                answer["data"]["flags"] == 64 and "Report threshold: 3 · default" in answer["data"]["content"]
            )
            await d.click("mod", panel.original(), "Report threshold")
            await d.click("mod", dc.message(panel.original().id), "4")  # ten values: a select menu
            assert "Now: 4 (chosen here)" in (dc.message(panel.original().id).content or "")
            liked = await d.post("alice", "Liked by many, worth the digest.")
            await d.click("bob", liked, "❤️")
            await dc.wait_until(lambda: "❤️ 1" in str(d.card(1).components), within=8)
        # back with the jobs on, after digest time: the digest, once, linking to the card
        async with running_discord(tmp_path, monkeypatch, dc, extra.replace("false", "true")) as d:
            digest = await d.until(GENERAL, "Today's top secrets", within=15)
            assert f"https://discord.com/channels/{GUILD}/{GENERAL}/{liked.id}" in (digest.content or "")
            assert digest.allowed_mentions == {"parse": []}
            # the bot loses access to the channel: the community is marked inactive, nothing more is sent
            dc.set_channel_access(GENERAL, False)
            await dc.user_sends_dm(uid("carol"), "Will this reach anyone?")
            preview = await d.dm_until("carol", "Preview")
            await d.click("carol", preview, "Post")
            await dc.wait_until(lambda: "403" in str([r.status for r in dc.requests[-5:]]), within=8)
            await asyncio.sleep(0.5)
            await dc.user_sends_dm(uid("carol"), "And now?")
            await d.dm_until("carol", "aren't in any server channel")


async def test_murmure_run_against_the_emulator_stops_cleanly_on_sigint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with DiscordEmulator() as dc:
        await populate(dc)
        tg_harness.keys_env(monkeypatch, "unused")
        monkeypatch.setenv("MURMURE_DISCORD_TOKEN", dc.token)
        config = discord_config(tmp_path, dc)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "murmure.cli", "run", "--config", str(config),
            cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await dc.wait_until(lambda: bool(dc.live_sessions()), within=20)
            await asyncio.sleep(0.3)
            d = Discord(dc)
            await set_up_server(d)
            card = await d.post("alice", "From a real process.")
            assert (card.content or "").startswith("**\\#1**")
        finally:
            process.send_signal(signal.SIGINT)
            out, err = await asyncio.wait_for(process.communicate(), 20)
        assert process.returncode == 0, err.decode()
        logs = out.decode() + err.decode()
        assert "Traceback" not in logs and dc.token not in logs


async def test_one_process_runs_telegram_and_discord_on_one_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with TelegramEmulator() as tg, DiscordEmulator() as dc:
        tg_harness.keys_env(monkeypatch, tg.token)
        monkeypatch.setenv("MURMURE_DISCORD_TOKEN", dc.token)
        tg_harness.populate(tg)
        await populate(dc)
        path = tg_harness.write_config(tmp_path, tg)
        path.write_text(
            path.read_text(encoding="utf-8")
            + f'[discord]\napi_base_url = "{dc.api_base}"\ngateway_url = "{dc.gateway_url}"\n'
            "guild_ready_timeout = 0.05\n",
            encoding="utf-8",
        )
        stop = asyncio.Event()
        with dc.patch_discord():
            task = asyncio.create_task(run_platforms(load_config(path), stop, install_signals=False))
            try:
                await tg.wait_for_request("getUpdates", within=10)
                await dc.wait_until(lambda: bool(dc.live_sessions()), within=10)
                await asyncio.sleep(0.3)
                t = tg_harness.Telegram(tg, tmp_path)
                await tg_harness.setup_group(t)
                telegram_card = await tg_harness.post(t, "alice", "Through Telegram, same database.")
                d = Discord(dc)
                await set_up_server(d)
                discord_card = await d.post("bob", "Through Discord, same database.")
            finally:
                stop.set()
                await asyncio.wait_for(task, 15)
        assert (telegram_card.text or "").startswith("#1")
        assert re.match(r"\*\*\\#1\*\*", discord_card.content or "")  # numbered per community
