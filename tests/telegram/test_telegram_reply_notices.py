"""Reply notices on Telegram (issue 15, point 2): an author who switched them on at the preview hears of a
reply in their DM, in their language, 15 to 30 minutes after it (on the core's clock, which the test moves);
ten replies within a minute make one notice; the notice's Stop button ends them."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support import FixedClock, card_recorded, replies_recorded
from tests.telegram.harness import GROUP, Telegram, running_telegram, setup_group, uid

SECRET = "J'ai toujours peur du noir, à quarante ans."
NOTICE = "💬 "
LIGHT = "I still sleep with the light on."
SHORT_GROUP_WINDOW = 5


def notices(t: Telegram) -> list[str]:
    """The notices sent to the author's DM (as sent: the Stop button edits the one it is on)."""
    sent = [
        c for c in t.tg.calls("sendMessage", ok=True) if str(c.params.get("chat_id")) == str(uid("alice"))
    ]
    shown = [str(c.response["result"].get("text", "")) for c in sent]
    return [text for text in shown if text.startswith(NOTICE)]


async def reply(t: Telegram, name: str, text: str) -> None:
    """A member replies from the card's Reply link; returns once the reply is out under the card and
    recorded so (its notice, if any, is queued then, at a moment drawn from the core's clock)."""
    out = replies_recorded(t.data_dir / "murmure.db")
    await t.open_link(name, t.last_card(), "Reply")
    await t.until(uid(name), "Write your reply to #1")
    await t.dm(name, text)
    preview = await t.until(uid(name), "Preview of your reply")
    await t.click(name, preview, "Post")
    # Telegram's 20 messages a minute in a group (replies and the card's edits), which the adapter and the
    # emulator both keep: a burst of replies waits its turn, up to a minute
    await t.until(GROUP, re.escape(text), within=75)
    await t.tg.wait_until(lambda: replies_recorded(t.data_dir / "murmure.db") > out, within=8)


async def test_replies_reach_their_author_once_batched_and_until_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FixedClock(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    # twelve replies and their card's edits pass Telegram's 20 a minute in the group, which would make this
    # test wait a minute of real time for a limit it is not about (tests/telegram/test_telegram_limits.py
    # and test_rate_limiter.py are): 20 in any 5 s instead, alike in the adapter and the emulator
    extra = f"group_window_seconds = {SHORT_GROUP_WINDOW}\n"  # in [telegram]
    async with running_telegram(tmp_path, monkeypatch, extra, languages={"alice": "fr"}, clock=clock) as t:
        t.tg.limit_rates(group_window=SHORT_GROUP_WINDOW)  # the same 5 s window, said above
        await setup_group(t)
        await t.dm("alice", SECRET)
        preview = await t.until(uid("alice"), "Aperçu")
        await t.click("alice", preview, "Me prévenir des réponses")
        await t.tg.wait_until(lambda: "réponses : oui" in str(t.last(uid("alice")).buttons), within=8)
        await t.click("alice", preview, "Publier")
        await t.until(GROUP, re.escape(SECRET))
        await t.tg.wait_until(lambda: card_recorded(t.data_dir / "murmure.db", SECRET), within=8)

        replied_at = clock.current
        await reply(t, "bob", "Me too, I sleep with a night light.")
        clock.current = replied_at.replace(minute=14, second=59)  # the window opens at 15 minutes
        await asyncio.sleep(1.5)  # the dispatcher looks at least once a second
        assert notices(t) == []
        clock.current = replied_at.replace(minute=30)  # and closes at 30
        first = await t.until(uid("alice"), "Quelqu'un a répondu")
        assert first.text == "💬 Quelqu'un a répondu à ton secret #1."  # in the author's language
        assert any(e.get("type") == "text_link" for e in first.entities)  # to the card
        await asyncio.sleep(1.0)
        assert len(notices(t)) == 1  # one notice for one reply

        # ten replies within a minute (bob's first reply is out of the way): one notice
        repliers = ["bob", "carol", "dave", "erin", "mod"]
        for n in range(10):
            await reply(t, repliers[n % 5], f"Another reply, number {n}.")
            clock.advance(seconds=5)
        clock.advance(minutes=31)
        batched = await t.until(uid("alice"), "10 nouvelles réponses")
        assert batched.text == "💬 10 nouvelles réponses à ton secret #1."
        await asyncio.sleep(1.5)
        assert len(notices(t)) == 2

        await t.click("alice", batched, "Arrêter ces notifications")
        await t.until(uid("alice"), "plus de notifications des réponses à ce secret")
        clock.advance(minutes=1)
        await reply(t, "carol", "And one last reply.")
        clock.advance(minutes=31)
        await asyncio.sleep(1.5)
        assert len(notices(t)) == 2  # stopped: nothing more


async def test_a_notice_whose_answer_was_lost_reaches_its_author_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Telegram takes the notice and its answer is lost (the sendMessage hangs, then 502): Telegram has no
    idempotency, and the retry must not send it again. The notice's replies were claimed before it went out:
    the author gets one notice, and a later reply makes a notice of its own."""
    clock = FixedClock(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    async with running_telegram(tmp_path, monkeypatch, clock=clock) as t:
        await setup_group(t)
        await t.dm("alice", LIGHT)
        preview = await t.until(uid("alice"), "Preview")
        await t.click("alice", preview, "Reply notices")
        await t.tg.wait_until(lambda: "Reply notices: on" in str(t.last(uid("alice")).buttons), within=8)
        await t.click("alice", preview, "Post")
        await t.until(GROUP, re.escape(LIGHT))
        await t.tg.wait_until(lambda: card_recorded(t.data_dir / "murmure.db", LIGHT), within=8)

        def told() -> list[str]:
            return [
                m.text or "" for m in t.tg.bot_messages(uid("alice")) if (m.text or "").startswith(NOTICE)
            ]

        await reply(t, "bob", "Me too, with a night light.")
        await reply(t, "carol", "Same here, since forever.")
        t.tg.hang("sendMessage", seconds=0.5, after=True)  # the next message sent: the notice
        clock.advance(minutes=31)
        await t.tg.wait_until(lambda: bool(told()), within=10)
        for _ in range(4):  # the retries after the lost answer (1 s, 2 s, 4 s on the core's clock)
            clock.advance(seconds=5)
            await asyncio.sleep(1.2)
        assert [str(c.params.get("chat_id")) for c in t.tg.calls("sendMessage", ok=False)] == [
            str(uid("alice"))
        ]
        assert told() == ["💬 2 new replies to your secret #1."]

        await reply(t, "dave", "And one more, later.")
        clock.advance(minutes=31)
        await t.until(uid("alice"), "Someone replied")
        await asyncio.sleep(1.0)
        assert told() == ["💬 2 new replies to your secret #1.", "💬 Someone replied to your secret #1."]
