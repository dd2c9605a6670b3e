"""The Telegram adapter against Telegram's limits: button presses answered at once, whatever the queue."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.telegram.harness import GROUP, post, running_telegram, setup_group, uid

SATURATING_PRESSES = 21
GROUP_PER_MINUTE = 3  # the adapter's group limit here: the welcome and the card leave room for one edit


async def test_presses_are_answered_within_a_second_while_the_group_limiter_is_saturated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each tap on a card's reaction edits the card (coalesced), spending the adapter's group limit, set
    low here (3 a minute). The answer to the press must not wait for that edit. The emulator's own group
    window is shrunk to 3 s, explicitly: this test saturates the adapter's limiter, and the emulator must
    not add minute-long 429s to it. 150 ms of latency on every request."""
    extra = f"group_per_minute = {GROUP_PER_MINUTE}\n"  # in [telegram]
    async with running_telegram(tmp_path, monkeypatch, extra) as t:
        # 20 per 3 s, not per 60 s: this saturates the adapter's own limiter; the emulator adds no minute-long 429s
        t.tg.limit_rates(per_group_per_minute=20, group_window=3)  # the adapter's limiter is what saturates
        await setup_group(t)
        card = await post(t, "alice", "Tap my heart as often as you like.")
        t.tg.latency = 0.15  # every request now takes 150 ms more, as over a real network
        taps = []
        for _ in range(SATURATING_PRESSES):
            click = await t.tg.user_clicks(uid("bob"), card, t.data(card, "❤️"))
            taps.append(query_id := click["callback_query"]["id"])
            await t.tg.wait_until(lambda q=query_id: t.tg.callback_answer(q) is not None, within=20)
        delays = {query: delay for query, delay in t.tg.answer_delays().items() if query in taps}
        assert len(delays) == SATURATING_PRESSES
        assert max(delays.values()) < 1.0, sorted(round(d, 2) for d in delays.values())
        in_group = [
            call for call in t.tg.calls("editMessageText") if call.params.get("chat_id") == str(GROUP)
        ]
        assert (
            1 <= len(in_group) < SATURATING_PRESSES // 2
        )  # the edits wait behind the limiter; answers don't
