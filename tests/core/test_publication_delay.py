"""The default publication delay: cards, replies and queue items wait a random time in [D/2, D]."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from bot import delays
from bot.actions import ReplyLink
from bot.model import CommunitySettings, ModerationMode
from bot.outbox import CardDue, QueueItemDue, ReplyDue
from tests.core.harness import GROUP, Harness, post_action, text_of

DEFAULT = CommunitySettings()  # what every new community gets unless its admins change it


_WORDS = [
    "garden",
    "window",
    "river",
    "coffee",
    "winter",
    "teacher",
    "bicycle",
    "letter",
    "kitchen",
    "morning",
    "mountain",
    "guitar",
    "sister",
    "airport",
    "library",
    "summer",
    "violin",
    "basement",
    "chocolate",
    "holiday",
    "painting",
    "station",
    "umbrella",
    "festival",
    "neighbour",
    "lantern",
    "harbour",
    "blanket",
    "orchard",
    "notebook",
]


def _sentence(n: int) -> str:
    """Sixty secrets different enough that the duplicate check lets each one through."""
    return " ".join(random.Random(n).sample(_WORDS, 6)).capitalize() + "."


def _waits(h: Harness, kind: type, since: datetime | None = None) -> list[timedelta]:
    """How long each waiting ``kind`` waits after ``since`` (the press that queued it; by default now).

    ``h.press`` and ``h.post`` settle the outbox, which moves the clock on by 1.5 s: a wait measured from
    the clock after them would read 1.5 s short of the one drawn.
    """
    start = since or h.clock.now()
    return [e["not_before"] - start for e in h.db.state.outbox.values() if isinstance(e["message"], kind)]


def test_the_default_delay_is_not_zero_and_its_window_starts_at_half() -> None:
    assert DEFAULT.publication_delay_seconds == 600
    assert delays.window(600) == (300, 600)
    assert delays.random_wait(0) is None


async def test_with_the_default_settings_no_card_appears_before_the_window_opens() -> None:
    h = await Harness(DEFAULT).setup()
    await h.post("u1", "Nobody at work knows I write poems at lunch.")
    assert h.cards() == []
    h.clock.advance(seconds=296)  # post() and settle() add 1.5 s each: 299 s, still before 300 s
    await h.settle()
    assert h.cards() == []
    h.clock.advance(seconds=301)
    await h.settle()
    assert len(h.cards()) == 1


async def test_publication_times_spread_evenly_over_the_window() -> None:
    h = await Harness(CommunitySettings(max_secrets_per_day=20)).setup()
    for n in range(60):
        user = h.actor(f"u{n % 6 + 1}")
        preview = await h.service.text(user, _sentence(n))
        await h.service.press(user, post_action(preview).encode())
    waits = [wait.total_seconds() for wait in _waits(h, CardDue)]
    assert len(waits) == 60
    assert all(300 <= wait <= 600 for wait in waits)
    thirds = [sum(1 for wait in waits if 300 + 100 * i <= wait < 400 + 100 * i) for i in range(3)]
    assert all(count >= 5 for count in thirds), thirds  # expected 20 each; below 5 has odds under 1e-5
    assert len(set(waits)) > 40  # not a few fixed slots


async def test_replies_wait_in_the_same_window_and_the_card_counts_them_once_out() -> None:
    h = await Harness(DEFAULT).setup()
    await h.post("u1", "I moved cities and told no one.")
    h.clock.advance(seconds=601)
    await h.settle()
    secret_id = max(h.db.state.secrets)
    await h.service.start(h.actor("u2"), ReplyLink(h.token(secret_id)).encode())
    preview = await h.service.text(h.actor("u2"), "Brave move, good luck there!")
    pressed_at = h.clock.now()
    answer = await h.press("u2", post_action(preview))
    assert "in 5 to 10 minutes" in text_of(answer)
    [wait] = _waits(h, ReplyDue, since=pressed_at)
    assert timedelta(seconds=300) <= wait <= timedelta(seconds=600)
    assert not any(s.target.reply_to for s in h.messenger.to(GROUP))
    h.clock.advance(seconds=120)
    await h.settle()
    assert _reply_labels(h) == {"💬 Reply"}  # the card doesn't count the reply before it is out
    h.clock.advance(seconds=601)
    await h.settle()
    assert len([s for s in h.messenger.to(GROUP) if s.target.reply_to]) == 1
    assert "💬 Reply (1)" in _reply_labels(h)


def _reply_labels(h: Harness) -> set[str]:
    return {
        button.label
        for sent in h.messenger.to(GROUP)
        for row in sent.message.buttons
        for button in row
        if "Reply" in button.label
    }


async def test_queue_items_wait_too() -> None:
    h = await Harness(CommunitySettings(mode=ModerationMode.REVIEW)).setup()
    pressed_at = h.clock.now()
    await h.post("u1", "Held for the moderators, at a random moment.")
    [wait] = _waits(h, QueueItemDue, since=pressed_at)
    assert timedelta(seconds=300) <= wait <= timedelta(seconds=600)
