"""The running dispatcher: woken by the commit that writes to the outbox, one lane per chat."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from bot import dispatch
from bot.dispatch import LEASE, RENEW_EVERY
from bot.messages import ChatTarget, OutgoingMessage
from bot.outbox import CardDue
from tests.core.harness import ESTABLISHED, GROUP, PLATFORM, Harness, post_action
from tests.fakes import FakeMessenger

OTHER = "h"


class HeldBack(FakeMessenger):
    """Sends to ``GROUP`` wait until released, as behind a platform's per-chat limit."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()

    async def send(self, target: ChatTarget, message: OutgoingMessage) -> str:
        if target.chat_ref == GROUP:
            await self.release.wait()
        return await super().send(target, message)


async def until(condition: Callable[[], bool]) -> None:
    while not condition():  # noqa: ASYNC110  (state of fakes, polled)
        await asyncio.sleep(0.001)


async def two_groups() -> Harness:
    h = await Harness().setup()
    h.directory.members[OTHER] = {f"v{i}" for i in range(1, 7)}
    h.directory.joined.update({f"v{i}": ESTABLISHED for i in range(1, 7)})
    await h.service.register_community(PLATFORM, OTHER, "Other")
    await h.dispatcher.drain()
    return h


async def post(h: Harness, user: str, text: str) -> None:
    """Writes and confirms a secret without delivering anything."""
    preview = await h.service.text(h.actor(user), text)
    await h.service.press(h.actor(user), post_action(preview).encode())


def cards_in(messenger: FakeMessenger, chat_ref: str) -> list[str]:
    return [
        s.message.text.plain_text.split()[0]
        for s in messenger.to(chat_ref)
        if s.message.text.plain_text[:1] == "#"
    ]


async def test_a_commit_to_the_outbox_wakes_the_dispatcher_without_waiting_for_a_poll() -> None:
    h = await Harness().setup()
    stop = asyncio.Event()
    running = asyncio.create_task(h.dispatcher.run_forever(stop, poll_seconds=3600))
    await asyncio.sleep(0.01)  # idle, for an hour unless woken
    await post(h, "u1", "Out as soon as it is stored.")
    await asyncio.wait_for(until(lambda: len(h.cards()) == 1), 5)
    stop.set()
    await asyncio.wait_for(running, 5)


async def test_a_held_back_group_delays_no_other_and_its_own_cards_keep_their_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dispatch, "STOP_GRACE_SECONDS", 0.05)
    h = await two_groups()
    slow = HeldBack()
    worker = dispatch.Dispatcher(h.db, {PLATFORM: slow}, h.dispatcher._sealer, h.clock)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run_forever(stop, poll_seconds=3600))
    for n in range(1, 4):
        await post(h, f"u{n}", f"Secret number {n} in the busy group.")
    await post(h, "v1", "Not stuck behind the busy group.")
    await asyncio.wait_for(until(lambda: len(cards_in(slow, OTHER)) == 1), 5)
    assert cards_in(slow, GROUP) == []

    # held for longer than a lease, the queued cards keep their claim
    h.clock.advance(seconds=RENEW_EVERY.total_seconds() + 1)
    await post(h, "v2", "Wakes the dispatcher.")
    await asyncio.wait_for(until(lambda: len(cards_in(slow, OTHER)) == 2), 5)
    queued = [e for e in h.db.state.outbox.values() if isinstance(e["message"], CardDue)]
    assert len(queued) == 3 and all(e["claimed"] == h.clock.now() + LEASE for e in queued)

    slow.release.set()
    await asyncio.wait_for(until(lambda: len(cards_in(slow, GROUP)) == 3), 5)
    assert cards_in(slow, GROUP) == ["#1", "#2", "#3"]
    stop.set()
    await asyncio.wait_for(running, 5)


async def test_on_stop_what_was_only_queued_is_given_back_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dispatch, "STOP_GRACE_SECONDS", 0.05)
    h = await Harness().setup()
    slow = HeldBack()
    worker = dispatch.Dispatcher(h.db, {PLATFORM: slow}, h.dispatcher._sealer, h.clock)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run_forever(stop, poll_seconds=3600))
    for n in range(1, 4):
        await post(h, f"u{n}", f"Secret number {n}, waiting.")
    await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(running, 5)
    claims = sorted(
        (e["claimed"] is None) for e in h.db.state.outbox.values() if isinstance(e["message"], CardDue)
    )
    assert claims == [False, True, True]  # the one being sent keeps its lease; the others are free
    await h.dispatcher.drain()
    assert [s.message.text.plain_text.split()[0] for s in h.cards()] == ["#2", "#3"]
