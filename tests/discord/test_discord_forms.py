"""A Discord form open while the process restarts (issue 16): its submission used to be dropped by discord.py
(the modal lived in the old process's memory) and the member's text was lost. The form's custom id says
what it was opened for, so the new process reads the submission whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.discord.harness import (
    GENERAL,
    GUILD,
    TEXT_ID,
    populate,
    running_discord,
    set_up_server,
    uid,
)
from tests.emulators.discord import DiscordEmulator


async def test_a_secret_form_open_across_a_restart_keeps_its_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with DiscordEmulator() as dc:
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            await set_up_server(d)
            opened = await dc.user_runs_command(uid("alice"), GUILD, GENERAL, "secret")
            assert (await opened.response())["type"] == 9
            in_dm = await dc.user_runs_command(uid("bob"), None, None, "secret")
            assert (await in_dm.response())["type"] == 9
        # the process stopped and started again on the same database while both forms were open
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            submitted = await dc.user_submits_modal(
                uid("alice"), opened, {TEXT_ID: "Written while the bot restarted."}
            )
            await submitted.response()
            preview = submitted.original()
            assert "Written while the bot restarted." in (preview.content or "")
            await d.click("alice", preview, "Post")
            await d.dc.wait_until(lambda: len(d.cards()) == 1, within=8)
            assert "Written while the bot restarted." in (d.cards()[0].content or "")
            from_dm = await dc.user_submits_modal(uid("bob"), in_dm, {TEXT_ID: "Mine too, from my DM."})
            await from_dm.response()
            assert "Mine too, from my DM." in (from_dm.original().content or "")


async def test_a_reply_form_open_across_a_restart_keeps_its_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with DiscordEmulator() as dc:
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            await set_up_server(d)
            card = await d.post("alice", "A secret someone will answer.")
            opened = await dc.user_clicks(uid("bob"), card, d.custom_id(card, "Reply"))
            assert (await opened.response())["type"] == 9
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            submitted = await dc.user_submits_modal(
                uid("bob"), opened, {TEXT_ID: "An answer across a restart."}
            )
            await submitted.response()
            preview = submitted.original()
            assert "An answer across a restart." in (preview.content or "")
            await d.click("bob", preview, "Post")
            await dc.wait_until(
                lambda: card.thread_id is not None and bool(dc.messages(card.thread_id)), within=8
            )
            assert card.thread_id is not None
            assert "An answer across a restart." in (dc.last_message(card.thread_id).content or "")


async def test_a_form_this_bot_never_opened_is_answered_as_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with DiscordEmulator() as dc:
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc):
            data = {
                "custom_id": "3f2a9c0e5b7d41a8",  # how discord.py named forms before: nothing to read in it
                "components": [{"type": 1, "components": [{"type": 4, "custom_id": TEXT_ID, "value": "Hi"}]}],
            }
            forged = await dc.user_submits_forged_modal(uid("carol"), GUILD, GENERAL, data)
            answer = await forged.response()
            assert answer["type"] == 4 and answer["data"]["flags"] & 64
            assert "expired" in answer["data"]["content"]
