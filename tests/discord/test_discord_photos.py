"""A photo secret on Discord: attached in DM, previewed, reviewed by the moderators (who alone see the photo
first), published behind a spoiler and uploaded anew with no metadata; a file over the limit is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.discord.harness import GENERAL, GUILD, MODS, populate, running_discord, uid
from tests.emulators.discord import DiscordEmulator
from tests.pictures.photos import assert_clean, jpeg_with_gps
from tests.support import card_recorded

CAPTION = "The view from the roof I'm not allowed on."


async def test_a_photo_secret_through_preview_review_and_publication(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with DiscordEmulator() as dc:
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            setup = await dc.user_runs_command(uid("mod"), GUILD, GENERAL, "murmure", subcommand="setup",
                                               options={"moderators": MODS})  # fmt: skip
            await setup.response()
            photo = ("IMG_0042.jpg", jpeg_with_gps(), "image/jpeg")
            await dc.user_sends_dm(uid("alice"), CAPTION, [photo])
            preview = await d.dm_until("alice", "With your photo, re-encoded")
            await d.click("alice", preview, "Content warning")
            preview = await d.dm_until("alice", "With your photo, re-encoded")
            await d.click("alice", preview, "Post")
            await d.dm_until("alice", "Sent to the moderators")

            item = await d.until(MODS, "A photo, looked at before publication")
            assert item.attachments and all(a["filename"].startswith("SPOILER_") for a in item.attachments)
            assert not any(m.attachments for m in dc.messages(GENERAL))  # moderators see it first
            await d.click("mod", item, "Approve")
            card = await d.until(GENERAL, "The view from the roof")
            (attachment,) = card.attachments
            assert attachment["filename"].startswith("SPOILER_") and "IMG_" not in attachment["filename"]
            assert_clean(dc.attachment_bytes(attachment))
            assert (await d.until(MODS, "Approved by")).attachments == item.attachments  # the photo stays

            await dc.wait_until(lambda: card_recorded(tmp_path / "murmure.db", CAPTION), within=8)  # out
            await d.click("bob", card, "❤️")
            await dc.wait_until(lambda: "❤️ 1" in str(d.card(1).components), within=8)
            assert d.card(1).attachments == [attachment]  # a count edits the text, never uploads again

            big = ("big.png", b"\xff" * (11 * 1024 * 1024), "image/png")
            await dc.user_sends_dm(uid("bob"), "Too big.", [big])
            await d.dm_until("bob", r"This photo is too large \(11.0 MB\): send one under 10 MB.")
