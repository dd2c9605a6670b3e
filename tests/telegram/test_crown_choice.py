"""On Telegram, the author of a secret replies in its thread without the 👑 if they choose, in English and
French: the reply under the card carries another pseudonym and no crown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support import card_recorded
from tests.telegram.harness import GROUP, running_telegram, setup_group, uid

SECRET = "I learned to swim at thirty and never told my parents."
SAY = {
    "en": ("Preview", "Post", "Write your reply", "You wrote this secret", "Post without 👑"),
    "fr": ("Aperçu", "Publier", "Écris ta réponse", "Tu as écrit ce secret", "Publier sans 👑"),
}


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_the_author_replies_without_the_crown_on_telegram(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    preview_title, post, prompt, choice, without = SAY[lang]
    async with running_telegram(tmp_path, monkeypatch, languages={"alice": lang}) as t:
        await setup_group(t)
        await t.dm("alice", "/start")
        await t.dm("alice", SECRET)
        await t.click("alice", await t.until(uid("alice"), preview_title), post)
        card = await t.until(GROUP, re.escape(SECRET))
        await t.tg.wait_until(lambda: card_recorded(t.data_dir / "murmure.db", SECRET), within=8)
        for text, button in (("Signed, with love.", post), ("Quietly: same here.", without)):
            # the first reply's prompt and preview, still there, are no answer to the second one's steps
            before = t.last(uid("alice")).message_id
            await t.open_link("alice", card, "Reply")
            await t.until(uid("alice"), prompt, after=before)
            await t.dm("alice", text)
            preview = await t.until(uid("alice"), choice, after=before)
            assert sum("👑" in b["text"] for b in preview.buttons) == 2  # with or without the crown
            await t.click("alice", preview, button)
            await t.until(GROUP, re.escape(text))
        signed = await t.until(GROUP, "Signed, with love")
        quiet = await t.until(GROUP, "Quietly: same here")
        assert "👑" in (signed.text or "") and "👑" not in (quiet.text or "")
        assert (signed.text or "").split("\n")[0] != (quiet.text or "").split("\n")[0]  # another pseudonym
