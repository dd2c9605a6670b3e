"""A photo secret on Telegram: sent as a photo, previewed, reviewed by the moderators (who alone see the
photo first), published blurred and re-uploaded with no metadata; the limits and the community's switch."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pictures.photos import assert_clean, jpeg_with_gps
from tests.support import card_recorded
from tests.telegram.harness import GROUP, MODS, running_telegram, setup_group, uid

CAPTION = "The view from the roof I'm not allowed on."


async def test_a_photo_secret_through_preview_review_and_publication(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_telegram(tmp_path, monkeypatch) as t:
        tg = t.tg
        await setup_group(t)
        sent = await tg.user_sends_photo(uid("alice"), jpeg_with_gps(), CAPTION, as_document="IMG_0042.jpg")
        assert "document" in sent  # a file, sent as it is: its EXIF included
        preview = await t.until(uid("alice"), "With your photo, re-encoded")
        shown = await t.until(uid("alice"), "Your photo as it will be published")  # the photo itself
        assert shown.photo is not None and shown.message_id == preview.message_id - 1
        assert_clean(shown.photo)
        await t.click("alice", preview, "Content warning")
        await tg.wait_until(lambda: "Content warning: on" in str(t.last(uid("alice")).buttons), within=8)
        await t.click("alice", t.last(uid("alice")), "Post")
        await t.until(uid("alice"), "Sent to the moderators")

        item = await t.until(MODS, "A photo, looked at before publication")
        assert item.photo is not None and item.has_spoiler
        assert not any(m.photo for m in t.bot_messages(GROUP))  # moderators see it first, and only they
        await t.click("mod", item, "Approve")
        card = await t.until(GROUP, "The view from the roof")
        assert card.photo is not None and card.has_spoiler and card.text is None
        assert_clean(card.photo)
        decided = await t.until(MODS, "Approved by")
        assert decided.message_id == item.message_id and decided.photo == item.photo  # the photo stays

        await tg.wait_until(lambda: card_recorded(t.data_dir / "murmure.db", CAPTION), within=8)  # out
        await t.click("bob", card, "❤️")
        await tg.wait_until(lambda: "❤️ 1" in str(t.last_card().buttons), within=8)
        assert t.last_card().photo == card.photo and not any(
            call.method == "editMessageMedia" for call in tg.requests
        )  # a count changes the caption, never uploads the photo again

        # the author deletes it: the card's photo gives way to the grey placeholder (the photo is erased)
        await tg.user_sends(uid("alice"), uid("alice"), "/mine")
        mine = await t.until(uid("alice"), "The view from the roof")
        await t.click("alice", mine, "Delete")
        await t.click("alice", await t.until(uid("alice"), "Delete your secret #1"), "Yes, delete it")
        await t.until(uid("alice"), "Your secret #1 was deleted")
        await tg.wait_until(lambda: "deleted by its author" in (t.last_card().caption or ""), within=8)
        gone = t.last_card()
        assert gone.photo is not None and gone.photo != card.photo and "The view" not in (gone.caption or "")
        as_text = [
            c
            for c in tg.requests
            if c.method == "editMessageText" and c.params.get("message_id") == gone.message_id
        ]
        assert not as_text  # a photo message is never edited as a text one (Telegram refuses it)

        await tg.user_sends_photo(uid("bob"), b"\xff" * (11 * 1024 * 1024), "Too big.", as_document="big.png")
        await t.until(uid("bob"), r"This photo is too large \(11.0 MB\): send one under 10 MB.")

        # the admin turns photos off: a photo is refused with the reason
        panel = await t.until(uid("mod"), r"community number \d+")  # the panel, in the admin's DM
        await t.click("mod", panel, "Photos")
        page = await t.until(uid("mod"), "A secret's photo: off")
        await t.click("mod", page, "off")
        await t.until(uid("mod"), r"Now: off \(chosen here\)")
        await tg.user_sends_photo(uid("carol"), jpeg_with_gps(), "Our garden at night.")
        preview = await t.until(uid("carol"), "Our garden at night")
        assert "Photos are off in Night owls" in (preview.text or "")
        await t.click("carol", preview, "Post")
        await t.until(uid("carol"), "Photos are off in Night owls: send your secret as text")


async def test_a_photo_the_file_server_fails_to_hand_over_is_tried_again_then_asked_for_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_telegram(tmp_path, monkeypatch, languages={"bob": "fr"}) as t:
        tg = t.tg
        await setup_group(t)
        tg.file_failures.append(502)  # once: the next try fetches it
        await tg.user_sends_photo(uid("alice"), jpeg_with_gps(), CAPTION)
        await t.until(uid("alice"), "With your photo, re-encoded")
        assert not tg.file_failures

        tg.file_failures.extend([502] * 10)  # failing on every try: the member is told, in their language
        await tg.user_sends_photo(uid("bob"), jpeg_with_gps(), "Notre jardin la nuit.")
        await t.until(uid("bob"), "Je n'ai pas pu récupérer ta photo à l'instant : rien n'en a été gardé")
        assert "Notre jardin" not in str([m.text for m in t.bot_messages(uid("bob"))])
