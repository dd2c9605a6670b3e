"""A message Discord created whose answer never came back is not posted twice when the send is retried
(issue 16, point 1): every card, reply and queue item is sent with a nonce made from what it is, which
Discord enforces."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.discord.harness import (
    GENERAL,
    Discord,
    discord_config,
    populate,
    running_discord,
    set_up_server,
    uid,
)
from tests.emulators.discord import DiscordEmulator
from tests.support import FixedClock
from tests.telegram.harness import keys_env

ROOT = Path(__file__).resolve().parents[2]


async def test_a_card_whose_answer_was_lost_is_posted_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with DiscordEmulator() as dc:
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            await set_up_server(d)
            dc.drop_after_acting(rf"^POST /channels/{GENERAL}/messages$")
            card = await d.post("alice", "Created once, answered never.")
            await asyncio.sleep(2.5)  # the dispatcher's retry, 1 s later, has gone out
            posts = dc.calls("POST", rf"^/channels/{GENERAL}/messages$")
            assert len(posts) >= 3  # the welcome, the dropped send and its retry
            copies = [m for m in dc.messages(GENERAL) if "Created once" in (m.content or "")]
            assert [m.id for m in copies] == [card.id]
            assert (d.card(1).content or "").startswith("**\\#1**")


def _recorded(database: Path, text: str) -> str | None:
    with closing(sqlite3.connect(database)) as db:
        row = db.execute("SELECT card_ref FROM secrets WHERE text = ?", (text,)).fetchone()
    return None if row is None else row[0]


async def test_a_process_killed_between_discords_answer_and_the_commit_posts_the_card_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real ``murmure run`` killed (SIGKILL) as Discord creates its card, before the answer reaches it:
    the card is out and not recorded, the worst moment on a platform without idempotency. Restarted, the
    process takes the dead one's claims over, sends the card again with the same nonce, and Discord returns
    the first message: one card, recorded, within 30 s of the restart."""
    text = "Killed as Discord took my card, posted once all the same."
    async with DiscordEmulator() as dc:
        keys_env(monkeypatch, "unused-telegram-token")
        monkeypatch.setenv("MURMURE_DISCORD_TOKEN", dc.token)
        await populate(dc)
        config = discord_config(tmp_path, dc)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        database = tmp_path / "murmure.db"

        async def start() -> asyncio.subprocess.Process:
            started = len(dc.calls("PUT", r"/applications/\d+/commands"))
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "murmure.cli", "run", "--config", str(config),
                cwd=tmp_path, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
            await dc.wait_for_request("PUT", r"/applications/\d+/commands", count=started + 1, within=60)
            await dc.wait_until(lambda: bool(dc.live_sessions()), within=30)
            await asyncio.sleep(0.5)  # READY and GUILD_CREATE handled
            return process

        process = await start()
        try:
            d = Discord(dc, database)
            await set_up_server(d)
            card_posts = rf"^/channels/{GENERAL}/messages$"
            dc.after_acting(rf"^POST /channels/{GENERAL}/messages$", process.kill)
            submitted = await d.write_secret("alice", text)
            await dc.wait_until(lambda: any("Post" in c for c in d.choices(submitted.original())), within=8)
            await d.click("alice", submitted.original(), "Post")
            await process.wait()  # killed as the card was created
            copies = [m for m in dc.messages(GENERAL) if text in (m.content or "")]
            assert len(copies) == 1
            assert _recorded(database, text) is None  # the kill came before the commit
            sends = len(dc.calls("POST", card_posts))
            restarted = time.monotonic()
            process = await start()
            await dc.wait_until(lambda: _recorded(database, text) is not None, within=60)
            waited = time.monotonic() - restarted
            assert len(dc.calls("POST", card_posts)) > sends  # the card was sent again...
            assert [m.id for m in dc.messages(GENERAL) if text in (m.content or "")] == [copies[0].id]
            assert _recorded(database, text) == str(copies[0].id)  # ...and Discord returned the first one
            assert waited < 30
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()


async def test_an_author_whose_sent_showed_is_not_told_again_by_the_outbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The outbox keeps a copy of the author's "Sent!" in case the answer to Post never shows; the preview
    edited into it calls the copy off, so nothing comes to the author's DM once its time has passed."""
    clock = FixedClock(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    async with DiscordEmulator() as dc:
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc, clock=clock) as d:
            await set_up_server(d)
            submitted = await d.write_secret("alice", "Told once that it was sent, never twice.")
            await d.click("alice", submitted.original(), "Post")
            await dc.wait_until(lambda: "Sent!" in (dc.message(submitted.original().id).content or ""), 8)
            await dc.wait_until(lambda: bool(d.cards()), within=8)
            clock.advance(minutes=1)
            await asyncio.sleep(1.5)  # the dispatcher looks at least once a second
            channel = dc.dm_channel_id(uid("alice"))
            said = [
                str((r.json or {}).get("content", ""))
                for r in dc.calls("POST", f"/channels/{channel}/messages")
                if r.ok
            ]
    assert not any("Sent!" in text for text in said), said
