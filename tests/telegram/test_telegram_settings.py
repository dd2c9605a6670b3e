"""The settings panel on Telegram, in English and French: ``/settings`` typed in the group answers only in
private (the panel for the admin, the refusal for anyone else, nothing at all for someone the bot can't write
to), the welcome's button opens it in private too, and a setting changed there applies at once."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from tests.emulators.telegram import ChatMessage
from tests.telegram.harness import GROUP, MODS, USERS, Telegram, running_telegram, uid

SAY = {
    "en": {
        "welcome": "Murmure is here",
        "settings_button": "Settings (admins)",
        "number": r"community number (\d+)",
        "linked": "now receives the moderation queue",
        "refused": "Only the admins of Night owls",
        "setting": "Moderation",
        "review": "review",
        "now": "Now: review — every secret waits for approval (chosen here)",
        "preview": "Preview",
        "post": "Post",
        "held": "Sent to the moderators of Night owls",
        "community": "",
    },
    "fr": {
        "welcome": "Murmure est là",
        "settings_button": "Réglages (admins)",
        "number": r"communauté numéro (\d+)",
        "linked": "reçoit désormais la file de modération",
        "refused": "Seuls les admins de Night owls",
        "setting": "Modération",
        "review": "relecture",
        "now": "Actuellement : relecture — chaque secret attend une approbation (choisi ici)",
        "preview": "Aperçu",
        "post": "Publier",
        "held": "Envoyé aux modérateurs de Night owls",
        "community": '[community]\nlocale = "fr"\n',
    },
}


def _group_messages(t: Telegram) -> int:
    return len(t.bot_messages(GROUP))


def _now(t: Telegram, message: ChatMessage) -> ChatMessage:
    """The message as the chat shows it now."""
    return next(m for m in t.bot_messages(message.chat_id) if m.message_id == message.message_id)


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_settings_open_in_private_and_apply_at_once_on_telegram(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    say = SAY[language]
    languages = dict.fromkeys(USERS, language)
    async with running_telegram(tmp_path, monkeypatch, say["community"], languages=languages) as t:
        await t.tg.add_bot_to_group(GROUP, uid("mod"), admin=True)
        welcome = await t.until(GROUP, say["welcome"])
        await t.tg.add_bot_to_group(MODS, uid("mod"))
        for name in ("mod", "erin", "alice"):
            await t.dm(name, "/start")
        in_group = _group_messages(t)

        # a member who isn't an admin is refused in private; one the bot can't write to gets nothing
        await t.tg.user_sends(uid("erin"), GROUP, "/settings")
        await t.until(uid("erin"), say["refused"])
        await t.tg.user_sends(uid("carol"), GROUP, "/settings")
        # the admin's panel comes in their DM, as it does from the welcome's button
        await t.tg.user_sends(uid("mod"), GROUP, "/settings")
        panel = await t.until(uid("mod"), say["number"])
        await t.open_link("mod", welcome, say["settings_button"])
        await t.tg.wait_until(lambda: len(t.bot_messages(uid("mod"))) >= 3, within=8)
        await asyncio.sleep(0.3)
        assert _group_messages(t) == in_group  # nothing was said in the group
        number = re.search(say["number"], panel.text or "")
        assert number is not None
        await t.tg.user_sends(uid("mod"), MODS, f"/linkmods {number[1]}")
        await t.until(MODS, say["linked"])

        # review mode, chosen in the panel, holds the next secret
        await t.click("mod", panel, say["setting"])
        await t.tg.wait_until(
            lambda: f"Night owls · {say['setting']}" in (_now(t, panel).text or ""), within=8
        )
        await t.click("mod", _now(t, panel), say["review"])
        await t.tg.wait_until(lambda: say["now"] in (_now(t, panel).text or ""), within=8)
        await t.dm("alice", "I have never seen the sea.")
        await t.click("alice", await t.until(uid("alice"), say["preview"]), say["post"])
        await t.until(uid("alice"), say["held"])
        await t.until(MODS, "I have never seen the sea.")
        assert _group_messages(t) == in_group
