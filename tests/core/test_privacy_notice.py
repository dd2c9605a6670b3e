"""/privacy says what is kept, for how long and who sees what, in the member's language."""

from __future__ import annotations

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
