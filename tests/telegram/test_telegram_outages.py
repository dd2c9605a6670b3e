"""Nothing accepted is lost while the bot is out of a group for a while (issue 16, point 4)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import sys
from pathlib import Path

import pytest

from adapters.library_logs import scrub_library_logs
from tests.emulators.telegram import TelegramEmulator
from tests.telegram.harness import (
    GROUP,
    USERS,
    keys_env,
    populate,
    running_telegram,
    setup_group,
    uid,
    write_config,
)

ROOT = Path(__file__).resolve().parents[2]

AUTHORS = ("alice", "bob", "carol", "dave", "erin")


async def test_secrets_accepted_while_the_bot_is_out_of_the_group_are_published_once_it_is_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Five authors told "Sent!" (cards due 1 to 2 s later); the bot is removed at once and added back 3 s
    later: every card goes out, once, and the log says what waited without an id or a name."""
    extra = "[community]\npublication_delay_seconds = 2\n"
    async with running_telegram(tmp_path, monkeypatch, extra) as t:
        await setup_group(t)
        for name in AUTHORS:
            await t.dm(name, f"Waiting out the outage, says {name}.")
            preview = await t.until(uid(name), "Preview")
            await t.click(name, preview, "Post")
            await t.until(uid(name), "will appear in")
        await t.tg.remove_bot_from_group(GROUP, uid("mod"))
        await asyncio.sleep(3)
        await t.tg.add_bot_to_group(GROUP, uid("mod"), admin=True)
        for name in AUTHORS:
            await t.until(GROUP, f"says {name}", within=15)
        cards = [m.text for m in t.tg.bot_messages(GROUP) if "Waiting out the outage" in (m.text or "")]
        assert len(cards) == len(AUTHORS)
        assert sorted(re.findall(r"#(\d+)", "\n".join(c or "" for c in cards))) == ["1", "2", "3", "4", "5"]
    logged = caplog.text
    assert "its cards wait for its return" in logged
    assert str(GROUP) not in logged and "Alicia" not in logged and str(uid("alice")) not in logged


async def test_an_update_the_library_cant_read_is_skipped_and_logged_without_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A poll missing fields python-telegram-bot requires: the batch is not refetched for ever, the next
    member is answered, and the log (every level) holds no id, name, username or text of it."""
    caplog.set_level(logging.DEBUG)
    async with running_telegram(tmp_path, monkeypatch) as t:
        user_id, name, username = USERS["alice"]
        sender = {"id": user_id, "is_bot": False, "first_name": name, "username": username}
        chat = {"id": user_id, "type": "private", "first_name": name, "username": username}
        poll = {"id": "77", "question": "Is Roberto cheating on me?"}
        message = {"message_id": 9, "date": int(t.tg.now()), "chat": chat, "from": sender, "poll": poll}
        await t.tg.send_raw_update("message", message)
        await t.dm("bob", "Written after the broken update.")
        await t.until(uid("bob"), "")  # answered: the broken update held nothing up
        assert len(t.tg.calls("getUpdates")) < 20
    logged = caplog.text
    assert "an update the library can't read was skipped (TypeError)" in logged
    for leak in (str(user_id), name, username, "Roberto", "cheating"):
        assert leak not in logged, leak


async def test_a_process_killed_between_fetching_and_handling_loses_no_update(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Five DMs fetched in one batch; the real ``murmure run`` is killed (SIGKILL) 0.2 s after the batch left
    the server, while every request takes a second: once restarted, every DM has its preview."""
    async with TelegramEmulator() as tg:
        keys_env(monkeypatch, tg.token)
        populate(tg)
        config = write_config(tmp_path, tg)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}

        async def start() -> asyncio.subprocess.Process:
            return await asyncio.create_subprocess_exec(
                sys.executable, "-m", "murmure.cli", "run", "--config", str(config),
                cwd=tmp_path, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
            )  # fmt: skip

        def previewed(name: str) -> int:
            return sum("Preview" in (m.text or "") for m in tg.bot_messages(uid(name)))

        process = await start()
        try:
            await tg.wait_for_request("getUpdates", within=30)
            await tg.add_bot_to_group(GROUP, uid("mod"), admin=True)
            await tg.wait_until(lambda: bool(tg.bot_messages(GROUP)), within=20)
            tg.latency = 1.0  # every answer takes a second: nothing of the batch is answered before the kill

            def batch_fetched() -> bool:
                return any(
                    "Fetched in one batch" in json.dumps(call.response)
                    for call in tg.calls("getUpdates")
                    if call.answered
                )

            for name in AUTHORS:
                await tg.user_sends(uid(name), uid(name), f"Fetched in one batch by {name}.")
            await tg.wait_until(batch_fetched, within=20)
            await asyncio.sleep(0.2)  # the process has the batch and is handling it
            process.kill()
            await process.wait()
            handled = sum(1 for name in AUTHORS if previewed(name))
            assert handled < len(AUTHORS)  # the kill did come before the batch was handled
            tg.latency = 0.0
            process = await start()
            await tg.wait_until(lambda: all(previewed(name) for name in AUTHORS), within=30)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        assert all(previewed(name) <= 2 for name in AUTHORS)


def test_the_librarys_loggers_never_print_what_they_are_given() -> None:
    """What reaches the root logger's handlers (where the process's output goes) from PTB's loggers."""
    scrub_library_logs("telegram")
    seen: list[str] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = lambda record: seen.append(logging.Formatter().format(record))  # type: ignore[method-assign]
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        failure = ValueError("Alicia wrote: my secret")
        logging.getLogger("telegram.Bot").critical(
            "Error while parsing updates! Received data was %r", [{"first_name": "Alicia"}], exc_info=failure
        )
        logging.getLogger("telegram.ext.Updater").error("Getting updates: %s", [5550101])
    finally:
        root.removeHandler(handler)
    logged = "\n".join(seen)
    assert "Error while parsing updates! Received data was %r [details withheld] (ValueError at" in logged
    assert "Alicia" not in logged and "5550101" not in logged and "secret" not in logged
