"""/privacy says what is kept, for how long and who sees what, in the member's language."""

from __future__ import annotations

from dataclasses import replace

from tests.core.harness import Harness, text_of


async def test_privacy_says_what_is_kept_and_for_how_long_in_english_and_french() -> None:
    h = await Harness().setup()
    english = text_of(await h.service.command(h.actor("u1"), "privacy"))
    assert "Never: your account id, username or name" in english
    assert "after 24 hours" in english and "after 7 days" in english and "5 to 10 minutes" in english
    french = text_of(await h.service.command(h.actor("u2", "fr"), "privacy"))
    assert "Jamais : ton identifiant de compte" in french and "après 7 jours" in french
    assert "removed keeps its text 7 days after it was written and after their last decision" in english
    assert "/export sends you a file" in english and "/forget cuts every tie" in english
    assert "garde son texte 7 jours après son écriture" in french and "/forget coupe tout lien" in french
    assert "/privacy" in text_of(await h.service.command(h.actor("u1"), "help"))


async def test_privacy_tells_of_photos_and_reply_notices_and_where_photos_are_kept() -> None:
    h = await Harness().setup()
    english = text_of(await h.service.command(h.actor("u1"), "privacy"))
    assert "A photo you send with a secret: re-encoded from its pixels" in english
    assert "no location, camera, date or other metadata" in english and "never forwarded" in english
    assert (
        "kept in the bot's database under a random name (never yours, never the secret's number)" in english
    )
    assert "erased with its secret or its preview" in english and "Delete everything" in english
    assert (
        "Reply notices, if you turn them on" in english and "sealed for that secret's notices only" in english
    )
    assert "erased after 7 days, when you press 🔕 Stop, or with the secret" in english
    assert "15 to 30 minutes after the first reply" in english
    french = text_of(await h.service.command(h.actor("u2", "fr"), "privacy"))
    assert "Une photo envoyée avec un secret : réencodée à partir de ses pixels" in french
    assert "gardée dans la base de données du bot sous un nom tiré au hasard" in french
    assert "scellé pour les notifications de ce secret seulement" in french
    assert "15 à 30 minutes après la première réponse" in french

    h.service._services = replace(h.service._services, pictures_in_folder=True)
    english = text_of(await h.service.command(h.actor("u1"), "privacy"))
    assert "kept as a file (readable by the bot's account only) in a folder on the bot's server" in english
    french = text_of(await h.service.command(h.actor("u2", "fr"), "privacy"))
    assert "gardée dans un fichier (lisible par le seul compte du bot) d'un dossier du serveur" in french
