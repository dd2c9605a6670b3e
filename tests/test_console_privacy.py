"""/privacy in the console, in English and in French."""

from __future__ import annotations

from pathlib import Path

from tests.console_flow import ConsoleFlow


async def test_privacy_in_the_console_in_both_languages(tmp_path: Path) -> None:
    flow = await ConsoleFlow.start(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'murmure.db'}")
    try:
        english = await flow.send("/privacy")
        assert "What Murmure keeps" in english
        assert "A photo you send with a secret: re-encoded from its pixels" in english
        assert "kept in the bot's database under a random name" in english
        assert "Reply notices, if you turn them on" in english and "15 to 30 minutes" in english
        await flow.send("/lang fr")
        french = await flow.send("/privacy")
        assert "Ce que Murmure garde" in french and "Une photo envoyée avec un secret" in french
        assert "Les notifications des réponses" in french
    finally:
        await flow.close()
