"""The Telegram adapter against Telegram's limits: button presses answered at once, whatever the queue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.telegram.harness import GROUP, running_telegram, setup_group, uid

SATURATING_PRESSES = 21  # with the welcome and the panel, past the adapter's 20 group messages a minute


async def test_presses_are_answered_within_a_second_while_the_group_limiter_is_saturated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each press on the group's settings panel edits the panel, spending the adapter's group limit (20 a
    minute, then one every 3 s). The answer to the press must not wait for that edit. The emulator's own
    group window is shrunk to 3 s here, explicitly: this test saturates the adapter's limiter, and the
    emulator must not add minute-long 429s to it. 150 ms of latency on every request."""
    async with running_telegram(tmp_path, monkeypatch) as t:
        t.tg.limit_rates(per_group_per_minute=20, group_window=3)
        await setup_group(t)
        panel = await t.until(GROUP, r"community number \d+")
        t.tg.latency = 0.15  # every request now takes 150 ms more, as over a real network
        for _ in range(SATURATING_PRESSES):
            current = next(m for m in t.tg.bot_messages(GROUP) if m.message_id == panel.message_id)
            data = str(current.buttons[0]["callback_data"])
            click = await t.tg.user_clicks(uid("mod"), current, data)
            query_id = click["callback_query"]["id"]
            await t.tg.wait_until(lambda q=query_id: t.tg.callback_answer(q) is not None, within=20)
        delays = t.tg.answer_delays()
        assert len(delays) == SATURATING_PRESSES
        assert max(delays.values()) < 1.0, sorted(round(d, 2) for d in delays.values())
        edits = t.tg.calls("editMessageText")
        assert len(edits) >= SATURATING_PRESSES - 3  # the panel edits did go out (the last may be waiting)
        assert re.search(r"community number \d+", panel.text or "")
