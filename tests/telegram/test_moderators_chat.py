"""The moderation queue goes to a Telegram moderators' chat only while everyone in it is an admin of the
group: checked against Telegram (member count, admins, membership) when linking and before each item."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from bot.delivery import moderators
from tests.telegram.harness import GROUP, MODS, Telegram, running_telegram, uid

HELD = "My neighbour's number is 06 12 34 56 78, call him at night"
SAY = {
    "en": {
        "community": "",
        "welcome": "Murmure is here",
        "number": r"community number (\d+)",
        "refused": "people who aren't admins of that community can read it",
        "linked": "now receives the moderation queue",
        "post": "Submit to moderators",
        "warning": "people who aren't admins of the community",
    },
    "fr": {
        "community": '[community]\nlocale = "fr"\n',
        "welcome": "Murmure est là",
        "number": r"communauté numéro (\d+)",
        "refused": "des personnes qui ne sont pas admins de cette communauté peuvent le lire",
        "linked": "reçoit désormais la file de modération",
        "post": "Soumettre aux modérateurs",
        "warning": "qui ne sont pas admins de la communauté",
    },
}


async def _link(t: Telegram, say: dict[str, str]) -> None:
    await t.tg.add_bot_to_group(GROUP, uid("mod"), admin=True)
    await t.until(GROUP, say["welcome"])
    await t.tg.add_bot_to_group(MODS, uid("mod"))
    await t.dm("mod", "/start")
    await t.tg.user_sends(uid("mod"), GROUP, "/settings")  # the panel comes in the admin's DM
    number = re.search(say["number"], (await t.until(uid("mod"), say["number"])).text or "")
    assert number is not None
    await t.tg.join_group(uid("erin"), MODS)
    await t.tg.user_sends(uid("mod"), MODS, f"/linkmods {number[1]}")
    await t.until(uid("mod"), say["refused"])  # told privately
    await t.tg.leave_group(uid("erin"), MODS)
    await t.tg.user_sends(uid("mod"), MODS, f"/linkmods {number[1]}")
    await t.until(MODS, say["linked"])


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_the_queue_waits_while_someone_who_is_no_admin_is_in_the_moderators_chat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    say = SAY[lang]
    monkeypatch.setattr(moderators, "NO_MODERATION_CHAT_RETRY", timedelta(seconds=0.3))
    monkeypatch.setattr(moderators, "READERS_CHECK_TTL", timedelta(0))
    languages = dict.fromkeys(("alice", "erin", "mod"), lang)
    async with running_telegram(tmp_path, monkeypatch, extra=say["community"], languages=languages) as t:
        await _link(t, say)
        await t.tg.join_group(uid("erin"), MODS)  # erin joins after the link
        await t.dm("alice", "/start")
        await t.dm("alice", HELD)
        preview = await t.until(uid("alice"), "06 12")
        await t.click("alice", preview, say["post"])
        warning = await t.until(MODS, say["warning"])
        assert all("06 12" not in (m.text or "") for m in t.bot_messages(MODS))
        assert warning.buttons == []
        await t.tg.leave_group(uid("erin"), MODS)
        item = await t.until(MODS, "06 12")  # everyone left in the chat is an admin: the item comes
        assert item.buttons
        assert len([m for m in t.bot_messages(MODS) if say["warning"] in (m.text or "")]) == 1
