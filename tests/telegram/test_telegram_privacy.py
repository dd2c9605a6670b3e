"""/privacy on Telegram, in English and in French: what is kept of a photo and of reply notices, and how long."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.telegram.harness import running_telegram, uid


async def test_privacy_tells_of_photos_and_reply_notices_in_both_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_telegram(tmp_path, monkeypatch, languages={"carol": "fr"}) as t:
        await t.tg.user_sends(uid("alice"), uid("alice"), "/privacy")
        english = (await t.until(uid("alice"), "What Murmure keeps")).text or ""
        assert "A photo you send with a secret: re-encoded from its pixels" in english
        assert "kept in the bot's database under a random name (never yours" in english
        assert "erased with its secret or its preview" in english
        assert "Reply notices, if you turn them on" in english and "erased after 7 days" in english
        assert "15 to 30 minutes after the first reply" in english
        await t.tg.user_sends(uid("carol"), uid("carol"), "/privacy")
        french = (await t.until(uid("carol"), "Ce que Murmure garde")).text or ""
        assert "Une photo envoyée avec un secret : réencodée à partir de ses pixels" in french
        assert "gardée dans la base de données du bot sous un nom tiré au hasard" in french
        assert "Les notifications des réponses, si tu les demandes" in french and "après 7 jours" in french
        assert "15 à 30 minutes après la première réponse" in french
