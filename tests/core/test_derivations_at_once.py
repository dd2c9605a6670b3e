"""A restart's first members each derive their keys in a worker thread (scrypt): a few at once
(``DERIVATIONS_AT_ONCE``, a core left to the event loop), where each member's first post started one more
thread beside the others and the loop's thread lost its core to them."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from bot.anonymity import Anonymizer
from bot.usecases import context
from tests.core.harness import Harness, post_action


async def test_a_burst_of_first_posts_derives_a_few_keys_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context, "DERIVATIONS_AT_ONCE", 1)
    h = await Harness().setup()
    derive = Anonymizer.own_list_keys
    running, most = [0], [0]
    counting = threading.Lock()

    def slow_derive(self: Anonymizer, person: bytes) -> tuple[str, bytes]:
        with counting:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)  # a derivation on a loaded machine
        try:
            return derive(self, person)
        finally:
            with counting:
                running[0] -= 1

    monkeypatch.setattr(Anonymizer, "own_list_keys", slow_derive)
    users = ("u1", "u2", "u3", "u4", "u5")
    previews = [await h.service.text(h.actor(u), f"what {u} never told anyone") for u in users]
    h.anonymizer._own_lists.clear()  # a restarted process: nothing derived yet
    await asyncio.gather(
        *(h.service.press(h.actor(u), post_action(p).encode()) for u, p in zip(users, previews, strict=True))
    )
    assert most == [1]
    assert len(h.anonymizer._own_lists) == len(users)  # every one derived all the same
