"""Discord's error codes read precisely: a message gone is not a channel gone, a missing right is told."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.discord.harness import (
    GENERAL,
    GUILD,
    TEXT_ID,
    Discord,
    populate,
    running_discord,
    set_up_server,
    uid,
)
from tests.emulators.discord import DiscordEmulator

CREATE_PUBLIC_THREADS = 1 << 35


async def _reply_to(d: Discord, name: str, card_id: int, text: str) -> None:
    card = d.dc.message(card_id)
    opened = await d.dc.user_clicks(uid(name), card, d.custom_id(card, "Reply"))
    assert (await opened.response())["type"] == 9
    submitted = await d.dc.user_submits_modal(uid(name), opened, {TEXT_ID: text})
    await submitted.response()
    await d.click(name, submitted.original(), "Post")


async def test_a_card_deleted_by_hand_leaves_the_community_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with DiscordEmulator() as dc:
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            await set_up_server(d)
            card = await d.post("alice", "A card a moderator will delete by hand.")
            opened = await dc.user_clicks(uid("bob"), card, d.custom_id(card, "Reply"))
            assert (await opened.response())["type"] == 9
            await dc.delete_by_hand(card.id)  # while Bob writes his reply
            submitted = await dc.user_submits_modal(uid("bob"), opened, {TEXT_ID: "Too late, it's gone."})
            await submitted.response()
            await d.click("bob", submitted.original(), "Post")
            await dc.wait_until(
                lambda: bool(dc.calls("POST", rf"/channels/{GENERAL}/messages/{card.id}/threads"))
            )
            thread_call = dc.calls("POST", rf"/channels/{GENERAL}/messages/{card.id}/threads")[-1]
            assert thread_call.status == 404 and thread_call.response["code"] == 10008
            # the channel is fine: the next secret is offered for it and published there
            second = await d.post("alice", "The community is still on.")
            assert second.channel_id == GENERAL


async def test_a_missing_permission_is_told_to_the_owner_and_the_community_stays_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with DiscordEmulator() as dc:
        await populate(dc)
        async with running_discord(tmp_path, monkeypatch, dc) as d:
            await set_up_server(d)
            card = await d.post("alice", "Replies will need a thread.")
            dc.revoke_bot_permissions(GUILD, CREATE_PUBLIC_THREADS)
            await _reply_to(d, "bob", card.id, "A reply with nowhere to go.")
            notice = await d.dm_until("mod", "missing the permission")  # the guild's owner is "mod"
            assert "Create Public Threads" in (notice.content or "") and "#general" in (notice.content or "")
            assert re.search(r"Night owls", notice.content or "")
            second = await d.post("alice", "Secrets still go out.")
            assert second.channel_id == GENERAL
