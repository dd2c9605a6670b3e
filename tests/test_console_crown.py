"""In the console, the author of a secret replies in its thread without the 👑 if they choose, in English and
French: another pseudonym, no crown."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.console_flow import ConsoleFlow
from tests.test_console_scenario import FRENCH, GROUP, dm

SAY = {
    "en": {"post": "Post", "reply": "Reply", "choice": "You wrote this secret", "with": "Post as",
           "without": "Post without"},
    "fr": {"post": "Publier", "reply": "Répondre", "choice": "Tu as écrit ce secret", "with": "Publier en",
           "without": "Publier sans"},
}  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_the_author_replies_without_the_crown_in_the_console(tmp_path: Path, lang: str) -> None:
    say = SAY[lang]
    url = f"sqlite+aiosqlite:///{tmp_path / 'murmure.db'}"
    flow = await ConsoleFlow.start(tmp_path, url, FRENCH if lang == "fr" else "")
    try:
        await flow.as_("alice", "I practise speeches to my cat before every meeting.")
        card = flow.last_in(GROUP, await flow.send(f"/click {say['post']}"))
        replies = []
        for text, button in (("Signed, with love.", say["with"]), ("Quietly: same here.", say["without"])):
            await flow.send(f"/click {card.id} {say['reply']}")
            preview = flow.last_in(dm("alice"), await flow.send(text))
            assert say["choice"] in preview.body
            replies.append(flow.last_reply(await flow.send(f"/click {button}")))
        signed, quiet = (reply.body.split("\n")[0] for reply in replies)
        assert "👑" in signed and "👑" not in quiet and signed != quiet
    finally:
        await flow.close()
