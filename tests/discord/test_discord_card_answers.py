"""A tap on a card's reaction answered by the card itself (Discord's UPDATE_MESSAGE, one call), and the card
still ending with the exact counts when answers race, come too late, or their process dies before it knows."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.service import Murmure
from tests.discord.harness import (
    GENERAL,
    Discord,
    button_counts,
    set_up_discord,
    uid,
)
from tests.emulators.discord import DiscordEmulator, PendingInteraction

UPDATE_MESSAGE = 7


def _answered_counts(pending: PendingInteraction) -> list[int]:
    """The counts the card showed in the press's own answer."""
    (answer,) = [a for a in pending.answers if a.kind == "callback" and a.status == 200]
    assert answer.type == UPDATE_MESSAGE, answer
    return button_counts(answer.data["data"]["components"][0]["components"])


def _refreshes_waiting(d: Discord) -> int:
    assert d.database is not None
    with sqlite3.connect(d.database) as db:
        (count,) = db.execute("SELECT count(*) FROM outbox WHERE kind = 'refresh'").fetchone()
    return int(count)


def _card_patches(dc: DiscordEmulator, card_id: int) -> list[float]:
    return [r.time for r in dc.calls("PATCH", rf"/channels/{GENERAL}/messages/{card_id}$", status=200)]


async def test_a_tap_on_the_card_is_answered_by_the_card_with_its_new_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with set_up_discord(tmp_path, monkeypatch) as d:
        dc = d.dc
        card = await d.post("alice", "Counted in the answer itself.")
        patched = len(_card_patches(dc, card.id))
        liked = await d.click("bob", card, "❤️")
        assert _answered_counts(liked) == [1, 0, 0, 0] == d.counts(1)
        unliked = await d.click("bob", d.card(1), "❤️")
        assert _answered_counts(unliked) == [0, 0, 0, 0] == d.counts(1)
        # nothing else: no private notice, and the outbox's refresh, held back, was called off
        assert [a.kind for a in liked.answers + unliked.answers] == ["callback", "callback"]
        await dc.wait_until(lambda: _refreshes_waiting(d) == 0, within=5)
        assert len(_card_patches(dc, card.id)) == patched


async def test_two_answers_racing_end_with_the_final_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bob's answer (❤️ 1) is slow on its way: Carol's (❤️ 2), written and sent after it, is taken first, then
    Bob's lands and shows a count already old. The check after each answer sees it and refreshes the card."""
    async with set_up_discord(tmp_path, monkeypatch) as d:
        dc = d.dc
        card = await d.post("alice", "Two hearts at once.")
        slow = dc.hold_before_acting(r"POST /interactions/")
        bob = await dc.user_clicks(uid("bob"), card, d.custom_id(card, "❤️"))
        await dc.wait_for_request("POST", rf"/interactions/{bob.id}/.*")
        carol = await d.click("carol", card, "❤️")
        assert _answered_counts(carol) == [2, 0, 0, 0] == d.counts(1)
        patched = len(_card_patches(dc, card.id))
        slow.set()
        await bob.response()
        assert _answered_counts(bob) == [1, 0, 0, 0]  # taken last: the card showed the old count
        await dc.wait_until(lambda: len(_card_patches(dc, card.id)) > patched, within=8)
        assert _card_patches(dc, card.id)[-1] > bob.answers[0].time
        assert d.counts(1) == [2, 0, 0, 0]
        await dc.wait_until(lambda: _refreshes_waiting(d) == 0, within=8)


async def test_an_answer_past_the_deadline_leaves_the_card_to_the_outbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with set_up_discord(tmp_path, monkeypatch) as d:
        dc = d.dc
        card = await d.post("alice", "Answered too late.")
        dc.ack_deadline = 0.0
        late = await dc.user_clicks(uid("bob"), card, d.custom_id(card, "❤️"))
        await dc.wait_until(lambda: [a.status for a in late.answers] == [404], within=5)
        await dc.wait_until(lambda: d.counts(1) == [1, 0, 0, 0], within=8)
        assert _card_patches(dc, card.id)
        await dc.wait_until(lambda: _refreshes_waiting(d) == 0, within=8)


async def test_a_process_gone_before_its_check_leaves_the_held_refresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer showed, but the process never checked it (killed right then): the refresh held back edits
    the card a few seconds later, with the counts of a press written meanwhile that no answer showed."""

    async def never_checked(self: Murmure, *args: object) -> None:
        return None

    async with set_up_discord(tmp_path, monkeypatch) as d:
        dc = d.dc
        card = await d.post("alice", "Checked by no one.")
        monkeypatch.setattr(Murmure, "card_answered", never_checked)
        slow = dc.hold_before_acting(r"POST /interactions/")
        bob = await dc.user_clicks(uid("bob"), card, d.custom_id(card, "❤️"))
        await dc.wait_for_request("POST", rf"/interactions/{bob.id}/.*")
        carol = await d.click("carol", card, "😢")
        slow.set()
        await bob.response()
        assert _answered_counts(carol) == [1, 0, 0, 1] and _answered_counts(bob) == [1, 0, 0, 0]
        assert d.counts(1) == [1, 0, 0, 0]
        await dc.wait_until(lambda: d.counts(1) == [1, 0, 0, 1], within=15)
        await dc.wait_until(lambda: _refreshes_waiting(d) == 0, within=8)


async def test_a_slow_tap_is_deferred_then_the_card_edited_through_the_interaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The use case takes longer than the answer's budget: the press is acknowledged at once (type 6), and
    the card, once known, edited through the interaction's message, not by the outbox."""
    pressing = Murmure.press

    async def slow(self: Murmure, *args: object) -> object:
        await asyncio.sleep(1.5)
        return await pressing(self, *args)  # type: ignore[arg-type]

    async with set_up_discord(tmp_path, monkeypatch) as d:
        dc = d.dc
        card = await d.post("alice", "Counted after a pause.")
        patched = len(_card_patches(dc, card.id))
        monkeypatch.setattr(Murmure, "press", slow)
        tap = await dc.user_clicks(uid("bob"), card, d.custom_id(card, "❤️"))
        await dc.wait_until(lambda: [a.kind for a in tap.answers] == ["callback", "edit_original"], within=8)
        assert tap.answers[0].type == 6 and d.counts(1) == [1, 0, 0, 0]
        await dc.wait_until(lambda: _refreshes_waiting(d) == 0, within=5)
        assert len(_card_patches(dc, card.id)) == patched
