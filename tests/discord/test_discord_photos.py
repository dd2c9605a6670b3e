"""A photo secret on Discord: attached in DM, previewed, reviewed by the moderators (who alone see the photo
first), published behind a spoiler and uploaded anew with no metadata; a file over the limit is refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adapters.discord import client as discord_client
from tests.discord.harness import (
    GENERAL,
    GUILD,
    MODS,
    TEXT_ID,
    ephemeral_answer,
    populate,
    readable,
    running_discord,
    set_up_server,
    uid,
)
from tests.emulators.discord import DiscordEmulator, EmulatorError, Message, PendingInteraction
from tests.pictures.photos import assert_clean, jpeg_with_gps
from tests.support import card_recorded

CAPTION = "The view from the roof I'm not allowed on."
PHOTO_ID = "murmure:photo"


async def test_a_photo_secret_through_preview_review_and_publication(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with DiscordEmulator() as dc:
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            await set_up_server(d)
            photo = ("IMG_0042.jpg", jpeg_with_gps(), "image/jpeg")
            await dc.user_sends_dm(uid("alice"), CAPTION, [photo])
            preview = await d.dm_until("alice", "With your photo, re-encoded")
            shown = await d.dm_until("alice", "Your photo as it will be published")  # the photo itself, above
            assert shown.attachments and "IMG_" not in shown.attachments[0]["filename"]
            assert_clean(dc.attachment_bytes(shown.attachments[0]))
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


async def test_a_photo_uploaded_in_the_secret_modal_through_preview_review_and_publication(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with DiscordEmulator() as dc:
        await populate(dc)
        dc.users[uid("carol")].locale = "fr"
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            await set_up_server(d)
            opened = await dc.user_runs_command(uid("alice"), GUILD, GENERAL, "secret")
            assert (await opened.response())["type"] == 9 and opened.modal is not None
            labels = [c for c in opened.modal["components"] if c["type"] == 18]
            upload = next(c["component"] for c in labels if c["component"]["type"] == 19)
            assert upload["custom_id"] == PHOTO_ID and not upload.get("required", True)
            assert upload.get("max_values") == 1
            photo = ("IMG_0042.jpg", jpeg_with_gps(), "image/jpeg")
            submitted = await dc.user_submits_modal(
                uid("alice"), opened, {TEXT_ID: CAPTION, PHOTO_ID: [photo]}
            )
            await submitted.response()
            preview = await _answered(dc, submitted, "With your photo, re-encoded")
            assert preview.visible_to == uid("alice")  # ephemeral: nobody else sees who wrote
            assert "A moderator looks at the photo before it is published" in readable(vars(preview))
            shown = await _answered(dc, submitted, "Your photo as it will be published")
            (previewed,) = shown.attachments  # the photo itself, just above the preview, for her only
            assert shown.visible_to == uid("alice") and "IMG_" not in previewed["filename"]
            assert_clean(dc.attachment_bytes(previewed))
            await d.click("alice", preview, "Post")
            await dc.wait_until(
                lambda: "Sent to the moderators" in readable(vars(dc.message(preview.id))), within=8
            )

            item = await d.until(MODS, "A photo, looked at before publication")
            assert item.attachments and "IMG_" not in item.attachments[0]["filename"]
            public = [m for m in dc.messages(GENERAL) if m.visible_to is None]  # not alice's private preview
            assert not any(m.attachments for m in public)  # moderators see it first
            await d.click("mod", item, "Approve")
            card = await d.until(GENERAL, "The view from the roof")
            (attachment,) = card.attachments
            assert "IMG_" not in attachment["filename"] and not card.from_interaction  # a plain bot message
            assert_clean(dc.attachment_bytes(attachment))
            sent = dc.attachment_bytes(attachment)
            assert sent != photo[1] and b"SN-1234567890" not in sent

            # a file over the limit, uploaded in the modal: refused with the limit, nothing fetched
            opened = await dc.user_runs_command(uid("bob"), GUILD, GENERAL, "secret")
            await opened.response()
            big = ("big.png", b"\xff" * (11 * 1024 * 1024), "image/png")
            submitted = await dc.user_submits_modal(
                uid("bob"), opened, {TEXT_ID: "Too big.", PHOTO_ID: [big]}
            )
            assert "This photo is too large (11.0 MB): send one under 10 MB." in await ephemeral_answer(
                submitted, "too large"
            )
            assert not any(a["filename"] == "big.png" for m in dc.messages(MODS) for a in m.attachments)

            # the admin turns photos off: a photo from the modal is refused with the reason, in French too
            panel = await dc.user_runs_command(uid("mod"), GUILD, GENERAL, "murmure", subcommand="settings")
            await panel.response()
            shown = panel.original().id
            await d.click("mod", dc.message(shown), "Photos")
            await dc.wait_until(
                lambda: "A secret's photo: off" in readable(vars(dc.message(shown))), within=8
            )
            await d.click("mod", dc.message(shown), "off")
            await dc.wait_until(
                lambda: "Now: off (chosen here)" in readable(vars(dc.message(shown))), within=8
            )
            opened = await dc.user_runs_command(uid("carol"), GUILD, GENERAL, "secret")
            await opened.response()
            garden = ("garden.jpg", jpeg_with_gps(), "image/jpeg")
            submitted = await dc.user_submits_modal(
                uid("carol"), opened, {TEXT_ID: "Notre jardin la nuit.", PHOTO_ID: [garden]}
            )
            refused = readable(vars(await _answered(dc, submitted, "Les photos sont désactivées")))
            assert "Les photos sont désactivées dans Night owls" in refused
            preview = await _answered(dc, submitted, "Les photos sont désactivées")
            await d.click("carol", preview, "Publier")
            await _answered(dc, submitted, "envoie ton secret en texte")
            published = [m for m in dc.messages(GENERAL) if m.visible_to is None]  # not the private preview
            assert not [m for m in published if "Notre jardin" in (m.content or "")]


async def _answered(dc: DiscordEmulator, submitted: PendingInteraction, pattern: str) -> Message:
    """The private answer to a submitted form that matches: its original response or a followup (a photo's
    preview comes as two messages), as it reads now."""

    def found() -> Message | None:
        try:
            answers = [submitted.original(), *submitted.followups()]
        except EmulatorError:  # not answered yet
            return None
        return next(
            (dc.message(m.id) for m in answers if re.search(pattern, readable(vars(dc.message(m.id))))), None
        )

    await dc.wait_until(lambda: found() is not None, within=8)
    message = found()
    assert message is not None
    return message


async def test_a_photo_the_cdn_fails_to_hand_over_is_tried_again_then_asked_for_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with DiscordEmulator() as dc:
        await populate(dc)
        dc.users[uid("bob")].locale = "fr"
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            await set_up_server(d)
            dc.cdn_failures.append(502)  # once: the next try fetches it
            await dc.user_sends_dm(uid("alice"), CAPTION, [("view.jpg", jpeg_with_gps(), "image/jpeg")])
            await d.dm_until("alice", "With your photo, re-encoded")
            assert not dc.cdn_failures

            dc.cdn_failures.extend([502] * 10)  # failing on every try: the member is told
            await dc.user_sends_dm(
                uid("bob"), "Our garden at night.", [("g.jpg", jpeg_with_gps(), "image/jpeg")]
            )
            await d.dm_until("bob", "I couldn't fetch your photo just now: nothing of it was kept")

            dc.cdn_failures[:] = [404]  # gone from the CDN, in the secret's form: told at once, in French
            opened = await dc.user_runs_command(uid("bob"), GUILD, GENERAL, "secret")
            await opened.response()
            photo = ("IMG_0042.jpg", jpeg_with_gps(), "image/jpeg")
            submitted = await dc.user_submits_modal(uid("bob"), opened, {TEXT_ID: CAPTION, PHOTO_ID: [photo]})
            told = await ephemeral_answer(submitted, "récupérer")
            assert "Je n'ai pas pu récupérer ta photo à l'instant : rien n'en a été gardé" in told
            assert not dc.cdn_failures


async def test_a_photo_the_cdn_keeps_waiting_for_is_tried_again_then_asked_for_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CDN that answers nothing for long: each try is given up after ``FETCH_SECONDS`` (aiohttp's own bound
    is 5 minutes, and its timeout was not among the failures tried again: the member heard nothing)."""
    monkeypatch.setattr(discord_client, "FETCH_SECONDS", 0.3)
    async with DiscordEmulator() as dc:
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            await set_up_server(d)
            dc.cdn_stalls.append(9.0)  # once: the next try fetches it
            await dc.user_sends_dm(uid("alice"), CAPTION, [("view.jpg", jpeg_with_gps(), "image/jpeg")])
            await d.dm_until("alice", "With your photo, re-encoded")
            assert not dc.cdn_stalls

            dc.cdn_stalls.extend([9.0] * 3)  # on every try: the member is told
            await dc.user_sends_dm(
                uid("bob"), "Our garden at night.", [("g.jpg", jpeg_with_gps(), "image/jpeg")]
            )
            await d.dm_until("bob", "I couldn't fetch your photo just now: nothing of it was kept")
            assert not dc.cdn_stalls
