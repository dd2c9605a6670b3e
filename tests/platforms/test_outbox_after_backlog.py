"""The outbox starts sending once the updates that waited for the process are handled (``run_platforms``,
``Connection.caught_up``; at most ``CATCH_UP_SECONDS``): a restart's first seconds handled them side by side
with the cards that waited too, and a card's answer waited behind them inside its send-to-commit window."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.actor import Actor
from bot.messages import Response
from bot.service import Murmure
from murmure.config import load_config
from murmure.platforms_app import run_platforms
from tests.emulators.telegram import TelegramEmulator
from tests.telegram.harness import GROUP, keys_env, populate, uid, write_config

WAITING = ("alice", "bob", "carol")


async def test_the_outbox_sends_once_the_updates_that_waited_are_handled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = Murmure.text

    async def slow_text(self: Murmure, actor: Actor, raw: str) -> list[Response]:
        await asyncio.sleep(1.5)  # well past the filter's build, which the outbox waits for too
        return await text(self, actor, raw)

    monkeypatch.setattr(Murmure, "text", slow_text)
    async with TelegramEmulator() as tg:
        keys_env(monkeypatch, tg.token)
        populate(tg)
        # what waited for the process: the bot added to a group (its welcome goes through the outbox) and DMs
        await tg.add_bot_to_group(GROUP, uid("mod"), admin=True)
        for name in WAITING:
            await tg.user_sends(uid(name), uid(name), f"what {name} wrote while the bot was down")
        stop = asyncio.Event()
        running = asyncio.create_task(
            run_platforms(load_config(write_config(tmp_path, tg)), stop, install_signals=False)
        )
        try:
            await tg.wait_until(lambda: bool(tg.bot_messages(GROUP)), within=30)
        finally:
            stop.set()
            await asyncio.wait_for(running, 30)
    sent = tg.calls("sendMessage")
    welcome = next(c for c in sent if int(c.params.get("chat_id", 0)) == GROUP)
    previews = [c for c in sent if int(c.params.get("chat_id", 0)) in {uid(n) for n in WAITING}]
    assert len(previews) == len(WAITING)
    assert welcome.time >= max(c.time for c in previews)
