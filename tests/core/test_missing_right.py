"""A right taken from the bot in a community is not the community gone (issue 16): it stays on, its cards
wait, its admins are told once, and a card that still can't go out after three days is given up with its
author told."""

from __future__ import annotations

from bot.messages import ChatTarget, OutgoingMessage
from bot.model import SecretStatus
from bot.ports import DeliveryError
from tests.core.harness import GROUP, MODS, Harness, text_of


def refuse_in_group(h: Harness) -> list[bool]:
    """The group refuses the bot's messages while the returned switch is on, as a group that took the
    right to send text from the bot does."""
    switch = [True]
    send = h.messenger.send

    async def refusing(target: ChatTarget, message: OutgoingMessage) -> str:
        if switch[0] and target.chat_ref == GROUP:
            raise DeliveryError("a right is missing", retry_after=60, missing_right=True)
        return await send(target, message)

    h.messenger.send = refusing  # type: ignore[method-assign]
    return switch


def notices(h: Harness) -> list[str]:
    return [
        s.message.text.plain_text
        for s in h.messenger.to(MODS)
        if "can't post in" in s.message.text.plain_text
    ]


async def test_a_missing_right_keeps_the_community_on_its_cards_waiting_and_tells_its_admins_once() -> None:
    h = await Harness().setup()
    refusing = refuse_in_group(h)
    await h.post("u1", "First, while the bot may not write.")
    await h.post("u2", "Second, while the bot may not write.")
    for _ in range(3):
        await h.settle()
    community = next(iter(h.db.state.communities.values()))
    assert community.active
    assert sorted(e["status"] for e in h.db.state.outbox.values()) == ["pending", "pending"]
    assert len(notices(h)) == 1 and "Group" in notices(h)[0]
    assert "aren't a member" not in text_of(await h.service.text(h.actor("u3"), "Still offered the group?"))
    refusing[0] = False  # an admin gave the right back
    for _ in range(4):
        h.clock.advance(seconds=30)
        await h.settle()
    published = [s.message.text.plain_text for s in h.messenger.to(GROUP)]
    assert sum("while the bot may not write" in p for p in published) == 2
    assert len(notices(h)) == 1


async def test_a_card_refused_for_a_missing_right_for_three_days_is_given_up_and_its_author_told() -> None:
    h = await Harness().setup()
    refuse_in_group(h)
    await h.post("u1", "Never allowed out.")
    await h.settle()
    h.clock.advance(days=3, seconds=1)
    await h.settle()
    (secret,) = h.db.state.secrets.values()
    assert secret.status is SecretStatus.DELETED and not secret.text
    told = h.messenger.to("dm-u1")[-1].message.text.plain_text
    assert "could not be published" in told and "lacked the right" in told
    assert not h.db.state.outbox


async def test_admins_are_told_of_a_missing_right_once_a_day_whatever_the_restarts() -> None:
    h = await Harness().setup()
    refuse_in_group(h)
    await h.post("u1", "Waiting for its right.")
    await h.settle()
    assert len(notices(h)) == 1
    for _ in range(3):  # the process restarts: what it remembered in memory is gone
        h.restart_delivery()
        h.clock.advance(minutes=20)
        await h.settle()
    assert len(notices(h)) == 1
    h.clock.advance(days=1)
    await h.settle()
    assert len(notices(h)) == 2  # the next day, told again
