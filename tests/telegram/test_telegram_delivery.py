"""Sending under Telegram's rules: coalesced edits, flood control, webhook mode, the real process."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.actions import Cancel, ChooseLanguage, Page
from bot.model import FeedKind
from murmure.config import load_config
from murmure.platforms_app import run_platforms
from tests.emulators.telegram import TelegramEmulator
from tests.telegram.harness import (
    GROUP,
    Telegram,
    keys_env,
    populate,
    post,
    running_telegram,
    setup_group,
    uid,
    write_config,
)

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def counts(t: Telegram) -> list[int]:
    row = t.last_card().reply_markup["inline_keyboard"][0]  # type: ignore[index]
    return [int(button["text"].split()[-1]) for button in row]


async def test_a_burst_of_fifty_taps_gives_coalesced_edits_and_the_right_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_telegram(tmp_path, monkeypatch) as t:
        await setup_group(t)
        card = await post(t, "alice", "Fifty taps are coming my way.")
        loop = asyncio.get_running_loop()
        started = loop.time()
        edits_before = len(
            [c for c in t.tg.calls("editMessageText") if c.params["message_id"] == str(card.message_id)]
        )
        on: set[tuple[str, int]] = set()
        taps = []
        for tap in range(50):
            name, kind = ("bob", "carol", "dave", "erin", "mod")[tap % 5], (tap // 5) % 4
            on ^= {(name, kind)}
            data = t.data(card, ("❤️", "😂", "😮", "😢")[kind])
            taps.append(t.tg.user_clicks(uid(name), card, data))
        await asyncio.gather(*taps)
        expected = [sum(1 for _, k in on if k == kind) for kind in range(4)]
        await t.tg.wait_until(lambda: counts(t) == expected, within=15)
        elapsed = loop.time() - started
        await asyncio.sleep(1.5)  # nothing more should come
        edits = [c for c in t.tg.calls("editMessageText") if c.params["message_id"] == str(card.message_id)]
        assert 1 <= len(edits) - edits_before <= elapsed + 2  # about one edit a second, at most
        assert counts(t) == expected
        await t.tg.wait_until(lambda: not t.tg.unanswered_callback_queries(), within=5)


async def test_flood_control_is_honoured_and_the_card_is_sent_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_telegram(tmp_path, monkeypatch) as t:
        await setup_group(t)
        t.tg.flood("sendMessage", times=2, retry_after=1)
        card = await post(t, "alice", "Slow down, Telegram says.")
        cards = [m for m in t.tg.bot_messages(GROUP) if m.text and "Slow down" in m.text]
        assert cards == [card]
        refused = [c for c in t.tg.calls("sendMessage") if c.status == 429]
        assert len(refused) == 2


async def test_the_post_flow_in_webhook_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    monkeypatch.setenv("MURMURE_TELEGRAM_WEBHOOK_SECRET", "s3cret-token_for-tests")
    extra = (
        f'mode = "webhook"\nlisten = "127.0.0.1"\nport = {port}\nurl_path = "tg-hook"\n'
        f'webhook_url = "http://127.0.0.1:{port}/tg-hook"\n'
    )
    async with running_telegram(tmp_path, monkeypatch, extra, ready="setWebhook") as t:
        call = t.tg.calls("setWebhook")[-1]
        assert call.params.get("secret_token") == "s3cret-token_for-tests"
        await setup_group(t)
        card = await post(t, "alice", "Posted through a webhook.")
        assert (card.text or "").startswith("#1")
        assert t.tg.calls("getUpdates") == []


async def test_murmure_run_against_the_emulator_stops_cleanly_on_sigint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with TelegramEmulator() as tg:
        keys_env(monkeypatch, tg.token)
        populate(tg)
        config = write_config(tmp_path, tg)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "murmure.cli", "run", "--config", str(config),
            cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await tg.wait_for_request("getUpdates", within=20)
            t = Telegram(tg, tmp_path)
            await setup_group(t)
            card = await post(t, "alice", "From a real process.")
            assert (card.text or "").startswith("#1")
        finally:
            process.send_signal(signal.SIGINT)
            out, err = await asyncio.wait_for(process.communicate(), 20)
        assert process.returncode == 0, err.decode()
        logs = out.decode() + err.decode()
        assert "Traceback" not in logs
        assert tg.token not in logs and "Alicia" not in logs and str(uid("alice")) not in logs


async def test_a_digest_posts_in_the_group_with_links_to_the_cards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    due = (datetime.now(UTC) - timedelta(minutes=2)).strftime("%H:%M")
    async with TelegramEmulator() as tg:
        keys_env(monkeypatch, tg.token)
        populate(tg)
        community = f'[community]\ndigest_time = "{due}"\n'
        quiet = write_config(tmp_path, tg, f"{community}[scheduler]\nenabled = false\n")
        t = Telegram(tg, tmp_path)
        stop = asyncio.Event()
        first = asyncio.create_task(run_platforms(load_config(quiet), stop, install_signals=False))
        await tg.wait_for_request("getUpdates", within=10)
        await setup_group(t)
        liked = await post(t, "alice", "Liked by many, worth the digest.")
        await t.click("bob", liked, "❤️")
        await t.click("carol", liked, "❤️")
        await tg.wait_until(lambda: "❤️ 2" in str(t.last_card().buttons), within=8)
        stop.set()
        await asyncio.wait_for(first, 15)

        # the process comes back after digest time, with its jobs on: it catches up, once
        scheduled = write_config(tmp_path, tg, f"{community}[scheduler]\ndigest_check_seconds = 0.5\n")
        stop = asyncio.Event()
        second = asyncio.create_task(run_platforms(load_config(scheduled), stop, install_signals=False))
        try:
            digest = await t.until(GROUP, "Today's top secrets", within=15)
            await asyncio.sleep(1.5)  # a few more job runs: still one digest
        finally:
            stop.set()
            await asyncio.wait_for(second, 15)
        assert len([m for m in tg.bot_messages(GROUP) if "Today's top secrets" in (m.text or "")]) == 1
        links = [e["url"] for e in digest.entities if e["type"] == "text_link"]
        assert links == [f"https://t.me/c/{str(GROUP)[4:]}/{liked.message_id}"]


async def test_forged_presses_on_group_cards_change_nothing_and_the_audit_goes_to_dm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_telegram(tmp_path, monkeypatch) as t:
        await setup_group(t)
        card = await post(t, "alice", "A card nobody may overwrite.")
        forged = (Page(FeedKind.LATEST, 0), ChooseLanguage("en"), Cancel(1))
        for data in (*(action.encode() for action in forged), "2:topics"):
            await t.tg.user_clicks(uid("bob"), card, data, forged=True)
        await t.tg.wait_until(lambda: not t.tg.unanswered_callback_queries(), within=5)
        assert t.last_card().text == card.text and t.last_card().buttons == card.buttons
        await t.tg.user_blocks_bot(uid("mod"))
        await t.tg.user_sends(uid("mod"), GROUP, "/audit")  # the bot can't write to mod
        await t.until(GROUP, "I answer commands privately")
        await t.tg.user_blocks_bot(uid("mod"), False)
        await t.dm("mod", "/start")
        before = len(t.tg.bot_messages(GROUP))
        await t.tg.user_sends(uid("mod"), GROUP, "/audit")
        await t.until(uid("mod"), "No moderation action|Moderation actions in")
        assert len(t.tg.bot_messages(GROUP)) == before


async def test_a_group_that_becomes_a_supergroup_stays_a_community(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_telegram(tmp_path, monkeypatch) as t:
        await setup_group(t)
        await post(t, "alice", "Posted before the upgrade.")
        new_id = -1007777777
        await t.tg.migrate_group(GROUP, new_id)
        await t.tg.wait_updates_consumed()
        await asyncio.sleep(0.3)
        await t.dm("bob", "Posted after the upgrade.")
        preview = await t.until(uid("bob"), "Preview")
        await t.click("bob", preview, "Post")
        card = await t.until(new_id, "Posted after the upgrade")
        assert (card.text or "").startswith("#2")


async def test_the_queue_is_never_linked_to_a_public_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_telegram(tmp_path, monkeypatch) as t:
        await t.tg.add_bot_to_group(GROUP, uid("mod"), admin=True)
        await t.until(GROUP, "Murmure is here")
        public = -1005555555
        t.tg.add_group(public, "Open lobby", members=[uid("mod")], admins=[uid("mod")], username="open_lobby")
        await t.tg.add_bot_to_group(public, uid("mod"))
        await t.dm("mod", "/start")
        await t.tg.user_sends(uid("mod"), public, "/linkmods 1")
        await t.until(uid("mod"), "must go to a separate private chat")  # told privately
        # the group's own welcome may be out by now (it is a community too); nothing else is
        assert not [m for m in t.tg.bot_messages(public) if "Murmure is here" not in (m.text or "")]
