"""Webhook mode answers Telegram only once an update is handled (issue 16): a process killed while handling
a DM loses nothing, Telegram sends it again and the restarted process previews it. An update the library
can't read is answered (Telegram would otherwise send it for ever, holding back the rest) and skipped."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tests.emulators.telegram import TelegramEmulator
from tests.telegram.harness import GROUP, keys_env, populate, running_telegram, uid, write_config
from tests.telegram.test_telegram_delivery import free_port

ROOT = Path(__file__).resolve().parents[2]


def webhook_extra(port: int) -> str:
    return (
        f'mode = "webhook"\nlisten = "127.0.0.1"\nport = {port}\nurl_path = "tg-hook"\n'
        f'webhook_url = "http://127.0.0.1:{port}/tg-hook"\n'
    )


async def test_a_process_killed_while_handling_a_webhook_update_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with TelegramEmulator() as tg:
        keys_env(monkeypatch, tg.token)
        monkeypatch.setenv("MURMURE_TELEGRAM_WEBHOOK_SECRET", "s3cret-token_for-tests")
        populate(tg)
        config = write_config(tmp_path, tg, webhook_extra(free_port()))
        env = {**os.environ, "PYTHONPATH": str(ROOT)}

        async def start() -> asyncio.subprocess.Process:
            return await asyncio.create_subprocess_exec(
                sys.executable, "-m", "murmure.cli", "run", "--config", str(config),
                cwd=tmp_path, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
            )  # fmt: skip

        def previewed() -> int:
            return sum("Preview" in (m.text or "") for m in tg.bot_messages(uid("alice")))

        process = await start()
        try:
            await tg.wait_for_request("setWebhook", within=90)
            await tg.add_bot_to_group(GROUP, uid("mod"), admin=True)
            await tg.wait_until(lambda: bool(tg.bot_messages(GROUP)), within=20)
            tg.latency = 2.0  # the bot's requests while it handles the DM: the kill comes in the middle
            before = len(tg.requests)
            sending = asyncio.create_task(
                tg.user_sends(uid("alice"), uid("alice"), "Sent just before a crash.")
            )
            await tg.wait_until(lambda: len(tg.requests) > before, within=20)  # being handled
            process.kill()
            await process.wait()
            await sending
            assert not previewed()  # killed before the preview went out
            tg.latency = 0.0
            process = await start()
            await tg.wait_until(lambda: previewed() >= 1, within=90)
            await tg.wait_updates_consumed(within=10)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        assert previewed() == 1


async def test_an_unreadable_update_on_the_webhook_is_answered_and_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("MURMURE_TELEGRAM_WEBHOOK_SECRET", "s3cret-token_for-tests")
    async with running_telegram(
        tmp_path, monkeypatch, webhook_extra(free_port()), ready="setWebhook", startup_within=60
    ) as t:
        user = {"id": uid("carol"), "is_bot": False, "first_name": "Carolina"}
        chat = {"id": uid("carol"), "type": "private", "first_name": "Carolina"}
        await t.tg.send_raw_update(
            "message", {"message_id": 7, "date": 0, "chat": chat, "from": user, "poll": {"id": "1"}}
        )
        await t.tg.wait_updates_consumed(within=10)
        await t.dm("bob", "Heard after the unreadable one?")
        await t.until(uid("bob"), "")  # answered: the updates after it were not held back
    skipped = [r.getMessage() for r in caplog.records if "can't read was skipped" in r.getMessage()]
    assert len(skipped) == 1
    assert "Carolina" not in caplog.text and str(uid("carol")) not in caplog.text
