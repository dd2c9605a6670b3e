"""/privacy in the console, in English and in French."""

from __future__ import annotations

from pathlib import Path

from tests.console_flow import ConsoleFlow


async def test_privacy_in_the_console_in_both_languages(tmp_path: Path) -> None:
    flow = await ConsoleFlow.start(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'murmure.db'}")
    try:
        assert "What Murmure keeps" in await flow.send("/privacy")
        await flow.send("/lang fr")
        assert "Ce que Murmure garde" in await flow.send("/privacy")
    finally:
        await flow.close()
