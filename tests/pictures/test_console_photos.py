"""A photo secret in the console: preview, review, publication with nothing of the file's metadata, and
the limits said clearly."""

from __future__ import annotations

from pathlib import Path

from storage.database import SqlDatabase
from tests.console_flow import ConsoleFlow
from tests.pictures.photos import assert_clean, jpeg_with_gps

GROUP, MODS = "Demo group", "Demo moderators"


async def test_a_photo_secret_goes_through_preview_review_and_publication(
    tmp_path: Path, database: SqlDatabase
) -> None:
    url = database.engine.url.render_as_string(hide_password=False)
    flow = await ConsoleFlow.start(tmp_path, url)
    try:
        photo = tmp_path / "IMG_20261201_alice.jpg"
        photo.write_bytes(jpeg_with_gps())
        printed = await flow.as_("alice", f"/photo {photo} The view from the roof I'm not allowed on.")
        preview = flow.last_in("DM alice ⇄ Murmure", printed)
        assert "With your photo, re-encoded" in preview.body and "looks at the photo" in preview.body
        photo_line = "Your photo as it will be published"
        (shown,) = [m for m in flow.parse_new(printed) if photo_line in m.body]  # the photo, above
        assert shown.id == preview.id - 1 and "🖼 photo" in printed
        previewed = flow.session.world.messages[shown.id].picture
        assert previewed is not None and "IMG_" not in previewed.name
        assert_clean(previewed.data)
        printed = await flow.send("/click Content warning")
        printed = await flow.send("/click Post")
        assert "Sent to the moderators" in printed

        item = flow.last_in(MODS)
        assert "A photo, looked at before publication" in item.body and "🖼 photo" in printed
        shown = flow.session.world.messages[item.id].picture
        assert shown is not None and shown.spoiler and "alice" not in shown.name
        printed = await flow.as_("mod", f"/click {item.id} Approve")
        card = flow.last_in(GROUP, printed)
        assert "The view from the roof" in card.body and "blurred" in printed
        published = flow.session.world.messages[card.id].picture
        assert published is not None and published.name.endswith(".jpg") and "IMG_" not in published.name
        assert_clean(published.data)

        # too large: said with the limit, nothing kept
        big = tmp_path / "big.jpg"
        big.write_bytes(b"\xff" * (10 * 1024 * 1024 + 1))
        printed = await flow.as_("bob", f"/photo {big} Too big to be true.")
        assert "This photo is too large (10.0 MB): send one under 10 MB." in printed
        text = tmp_path / "notes.jpg"
        text.write_text("not a photo at all")
        printed = await flow.send(f"/photo {text} Hello.")
        assert "I can't read this file as a photo" in printed
    finally:
        await flow.close()


async def test_a_photo_in_a_community_with_photos_off_is_refused_with_the_reason(
    tmp_path: Path, database: SqlDatabase
) -> None:
    url = database.engine.url.render_as_string(hide_password=False)
    flow = await ConsoleFlow.start(tmp_path, url, '[community]\npictures = "off"\n')
    try:
        photo = tmp_path / "garden.jpg"
        photo.write_bytes(jpeg_with_gps())
        printed = await flow.as_("carol", f"/photo {photo} Our garden at night.")
        preview = flow.last_in("DM carol ⇄ Murmure", printed)
        assert "Photos are off in Demo group: send your secret as text, without the photo." in preview.body
        printed = await flow.send("/click Post")
        assert "Photos are off in Demo group: send your secret as text, without the photo." in printed
        out = [shown for shown in flow.parse_new(flow.transcript) if shown.chat in (GROUP, MODS)]
        assert not [shown for shown in out if "garden" in shown.body]  # neither published nor queued

        await flow.send("/lang fr")
        printed = await flow.send(f"/photo {photo} Notre jardin la nuit.")
        assert "Les photos sont désactivées dans Demo group" in printed
        printed = await flow.send("/click Publier")
        assert "Les photos sont désactivées dans Demo group : envoie ton secret en texte" in printed

        # the text alone goes through
        printed = await flow.send("Notre jardin la nuit, sans photo.")
        await flow.send("/click Publier")
        assert "Notre jardin la nuit, sans photo." in flow.last_in(GROUP).body
        assert flow.session.world.messages[flow.last_in(GROUP).id].picture is None
    finally:
        await flow.close()


async def test_photos_kept_in_a_folder_are_erased_by_forget_me_and_the_card_shows_a_placeholder(
    tmp_path: Path, database: SqlDatabase
) -> None:
    url = database.engine.url.render_as_string(hide_password=False)
    folder = tmp_path / "photos"
    extra = f'[pictures]\nstorage = "folder"\nfolder = "{folder}"\n[community]\npictures = "open"\n'
    flow = await ConsoleFlow.start(tmp_path, url, extra)
    try:
        photo = tmp_path / "IMG_20261201_alice.jpg"
        photo.write_bytes(jpeg_with_gps())
        await flow.as_("alice", f"/photo {photo} The view from the roof I'm not allowed on.")
        printed = await flow.send("/click Post")
        card = flow.last_in(GROUP, printed)
        published = flow.session.world.messages[card.id].picture
        assert published is not None and "The view from the roof" in card.body
        assert_clean(published.data)
        (kept,) = list(folder.iterdir())  # the photo, as a file: private, named by a random token
        assert kept.read_bytes() == published.data and oct(kept.stat().st_mode & 0o777) == "0o600"
        assert "alice" not in kept.name and "IMG" not in kept.name and kept.stem != published.name[:-4]
        assert "kept as a file (readable by the bot's account only)" in await flow.send("/privacy")

        await flow.send("/forget")
        await flow.send("/click Delete everything")
        printed = await flow.send("/click Yes, delete everything")
        assert "erased and taken down" in printed
        assert list(folder.iterdir()) == []  # no file left
        shown = flow.session.world.messages[card.id].picture
        assert shown is not None and shown.name == "hidden.jpg"  # the card no longer shows the photo
    finally:
        await flow.close()
