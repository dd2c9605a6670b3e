"""Reply notices on Discord (issue 15, point 2): an author who switched them on at the preview hears of a
reply in their DM, in their language, 15 to 30 minutes after it (on the core's clock, which the test moves);
ten replies within a minute make one notice; the notice's Stop button ends them."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.discord.harness import GENERAL, GUILD, MODS, TEXT_ID, Discord, populate, running_discord, uid
from tests.emulators.discord import DiscordEmulator
from tests.support import FixedClock, card_recorded, replies_recorded

SECRET = "J'ai toujours peur du noir, à quarante ans."
NOTICE = re.compile(r"Quelqu'un a répondu|nouvelles réponses")


def notices(d: Discord) -> list[str]:
    """The notices sent to the author's DM (as sent: the Stop button edits the one it is on)."""
    channel = d.dc.dm_channel_id(uid("alice"))
    if channel is None:
        return []
    sent = [r.json or {} for r in d.dc.calls("POST", f"/channels/{channel}/messages") if r.ok]
    return [str(body.get("content", "")) for body in sent if NOTICE.search(str(body.get("content", "")))]


async def reply(d: Discord, name: str, text: str) -> None:
    """A member replies from the card's Reply button (a modal); returns once the reply is in the card's
    thread and recorded so (its notice, if any, is queued then, at a moment drawn from the core's clock)."""
    assert d.database is not None
    database = d.database
    out = replies_recorded(database)
    card = d.card(1)
    opened = await d.dc.user_clicks(uid(name), card, d.custom_id(card, "Reply"))
    assert (await opened.response())["type"] == 9
    submitted = await d.dc.user_submits_modal(uid(name), opened, {TEXT_ID: text})
    await submitted.response()
    await d.click(name, submitted.original(), "Post")
    await d.until(card.id, re.escape(text), within=30)
    await d.dc.wait_until(lambda: replies_recorded(database) > out, within=8)


async def test_replies_reach_their_author_once_batched_and_until_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FixedClock(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    async with DiscordEmulator() as dc:
        await populate(dc)
        dc.add_user(uid("alice"), "alicia_dc", "Alicia Display", "fr")
        async with running_discord(tmp_path, monkeypatch, dc, clock=clock) as d:
            setup = await dc.user_runs_command(uid("mod"), GUILD, GENERAL, "murmure", subcommand="setup",
                                               options={"moderators": MODS})  # fmt: skip
            await setup.response()
            submitted = await d.write_secret("alice", SECRET)
            preview = submitted.original()
            await d.click("alice", preview, "Me prévenir des réponses")
            assert "réponses : oui" in str(dc.message(preview.id).components)
            await d.click("alice", preview, "Publier")
            await dc.wait_until(lambda: bool(d.cards()), within=8)
            await dc.wait_until(lambda: card_recorded(tmp_path / "murmure.db", SECRET), within=8)

            replied_at = clock.current
            await reply(d, "bob", "Me too, I sleep with a night light.")
            clock.current = replied_at.replace(minute=14, second=59)  # the window opens at 15 minutes
            await asyncio.sleep(1.5)  # the dispatcher looks at least once a second
            assert notices(d) == []
            clock.current = replied_at.replace(minute=30)  # and closes at 30
            first = await d.dm_until("alice", "Quelqu'un a répondu")
            assert "💬 Quelqu'un a répondu à ton secret #1." in (first.content or "")  # the author's language
            await asyncio.sleep(1.0)
            assert len(notices(d)) == 1  # one notice for one reply

            # ten replies within a minute (bob's first reply is out of the way): one notice
            repliers = ["bob", "carol", "dave", "erin", "mod"]
            for n in range(10):
                await reply(d, repliers[n % 5], f"Another reply, number {n}.")
                clock.advance(seconds=5)
            clock.advance(minutes=31)
            batched = await d.dm_until("alice", "10 nouvelles réponses")
            assert "💬 10 nouvelles réponses à ton secret #1." in (batched.content or "")
            await asyncio.sleep(1.5)
            assert len(notices(d)) == 2

            await d.click("alice", batched, "Arrêter ces notifications")
            await d.dm_until("alice", "plus de notifications des réponses à ce secret")
            clock.advance(minutes=1)
            await reply(d, "carol", "And one last reply.")
            clock.advance(minutes=31)
            await asyncio.sleep(1.5)
            assert len(notices(d)) == 2  # stopped: nothing more
