"""The member's DM digest on Discord at the time and zone they chose (issue 15, point 4): ``/digest`` with
its options, answered privately, the digest in their DM at 07:30 UTC in winter and not at 19:00 UTC,
switched off from the digest itself. The real APScheduler job runs it, on the core's clock the test moves."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.discord.harness import GENERAL, GUILD, MODS, Discord, populate, running_discord, uid
from tests.emulators.discord import DiscordEmulator
from tests.support import FixedClock, card_recorded

PUBLIC_AND_SCHEDULED = "[community]\npublic = true\n[scheduler]\ndigest_check_seconds = 0.2\n"
DIGEST = "Today in your topics"


def digests(d: Discord, name: str) -> list[str]:
    channel = d.dc.dm_channel_id(uid(name))
    messages = d.dc.messages(channel) if channel is not None else []
    return [m.content or "" for m in messages if DIGEST in (m.content or "")]


async def digest_command(d: Discord, name: str, **options: str) -> str:
    """``/digest`` run in the community's channel; its answer, which only the member sees."""
    pending = await d.dc.user_runs_command(uid(name), GUILD, GENERAL, "digest", options=options)
    await pending.response()
    answer = pending.original()
    assert answer.ephemeral
    return answer.content or ""


async def test_the_dm_digest_comes_at_the_members_local_time_and_stops_from_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FixedClock(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    async with DiscordEmulator() as dc:
        await populate(dc)
        dc.add_user(uid("dave"), "davide_dc", "Davide Display", "fr")
        async with running_discord(tmp_path, monkeypatch, dc, PUBLIC_AND_SCHEDULED, clock=clock) as d:
            setup = await dc.user_runs_command(uid("mod"), GUILD, GENERAL, "murmure", subcommand="setup",
                                               options={"moderators": MODS})  # fmt: skip
            await setup.response()
            topics = await dc.user_runs_command(uid("erin"), GUILD, GENERAL, "topics")
            await topics.response()
            await d.click("erin", topics.original(), "love")
            assert "Your daily digest is off" in await digest_command(d, "erin")
            assert "“Atlantis”" in await digest_command(d, "erin", time="08:30", zone="Atlantis")
            assert "« 25:00 » n'est pas une heure" in await digest_command(d, "dave", time="25:00")
            answer = await digest_command(d, "erin", time="08:30", zone="Europe/Paris")
            assert "your daily digest comes at 08:30, Europe/Paris time; the next one tomorrow" in answer

            text = "I wrote a love song and sang it to my cat."
            submitted = await d.write_secret("alice", text)
            preview = submitted.original()
            await d.click("alice", preview, "Topic")
            await d.click("alice", preview, "Post")
            await dc.wait_until(lambda: bool(d.cards()), within=8)
            await dc.wait_until(lambda: card_recorded(tmp_path / "murmure.db", text), within=8)
            for fan in ("bob", "carol"):
                await d.click(fan, d.card(1), "❤️")
            await asyncio.sleep(0.5)
            clock.advance(minutes=1)  # the card's edits are spaced out on the core's clock
            await dc.wait_until(lambda: "❤️ 2" in str(d.card(1).components), within=8)

            clock.current = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)  # the old fixed time: nothing
            await asyncio.sleep(1.5)  # several runs of the digest job
            assert digests(d, "erin") == []
            clock.current = datetime(2026, 11, 25, 7, 30, tzinfo=UTC)  # 08:30 in Paris in winter
            digest = await d.dm_until("erin", DIGEST)
            assert text in (digest.content or "") and "love" in (digest.content or "")
            await asyncio.sleep(1.0)
            assert len(digests(d, "erin")) == 1  # once

            await d.click("erin", digest, "Stop this digest")
            await d.dm_until("erin", "no more daily digest")
            assert "Your daily digest is off" in await digest_command(d, "erin")
            clock.current = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)
            await asyncio.sleep(1.5)
            assert len(digests(d, "erin")) == 1
