"""The running dispatcher: woken by the commit that writes to the outbox, one lane per chat."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from bot import dispatch
from bot.delivery.cards import SENDING_LEASE, SENDING_RECHECK
from bot.dispatch import LEASE, RENEW_EVERY
from bot.messages import ChatTarget, OutgoingMessage
from bot.outbox import CardDue
from tests.core.harness import ESTABLISHED, GROUP, PLATFORM, Harness, post_action, shown
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
    await shown(h.service, await h.service.press(h.actor(user), post_action(preview).encode()))


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


async def test_a_card_whose_sender_died_mid_send_goes_out_within_half_a_minute() -> None:
    h = await Harness().setup()
    stuck = HeldBack()
    dead = dispatch.Dispatcher(h.db, {PLATFORM: stuck}, h.dispatcher._sealer, h.clock)
    await post(h, "u1", "Sent by whoever is alive.")
    sending = asyncio.create_task(dead.run_once())  # claims the entry and the card, then never returns
    await asyncio.wait_for(until(lambda: bool(dead._context.cards_sending)), 5)
    h.clock.advance(seconds=SENDING_LEASE.total_seconds() - 1)
    await h.dispatcher.drain()
    assert h.cards() == []  # the claim might still be alive
    h.clock.advance(seconds=SENDING_RECHECK.total_seconds() + 1)  # 30 s: the sender is gone
    await h.dispatcher.drain()
    assert len(h.cards()) == 1
    sending.cancel()


async def test_a_live_sender_held_back_for_minutes_keeps_the_card_to_itself() -> None:
    h = await Harness().setup()
    slow = HeldBack()
    alive = dispatch.Dispatcher(h.db, {PLATFORM: slow}, h.dispatcher._sealer, h.clock)
    stop = asyncio.Event()
    running = asyncio.create_task(alive.run_forever(stop, poll_seconds=0.002))
    await post(h, "u1", "Only one card, however long the platform holds it back.")
    await asyncio.wait_for(until(lambda: bool(alive._context.cards_sending)), 5)
    for _ in range(40):  # three minutes and more: the claims are renewed as they go
        h.clock.advance(seconds=RENEW_EVERY.total_seconds())
        renewed = h.clock.now() + LEASE
        await asyncio.wait_for(
            until(lambda renewed=renewed: all(e["claimed"] == renewed for e in h.db.state.outbox.values())), 5
        )
        await h.dispatcher.drain()
    slow.release.set()
    await asyncio.wait_for(until(lambda: len(cards_in(slow, GROUP)) == 1), 5)
    stop.set()
    await asyncio.wait_for(running, 5)
    assert h.cards() == [] and len(cards_in(slow, GROUP)) == 1
