"""Moderator tools in a Telegram group, with the real python-telegram-bot against the emulator, in English
and French: replies reported, queued and removed, deleted by their author, hidden with their secret."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.emulators.telegram import ChatMessage
from tests.support import card_recorded
from tests.telegram.harness import GROUP, MODS, USERS, Telegram, running_telegram, uid

TEXTS = {
    "en": {
        "community": "",
        "welcome": "Murmure is here",
        "number": r"community number (\d+)",
        "linked": "now receives the moderation queue",
        "preview": "Preview",
        "post": "Post",
        "accepted": "will appear in",
        "reply": "Reply",
        "reply_prompt": "Write your reply",
        "reply_preview": "Preview of your reply",
        "report": "Report",
        "ask": "Why are you reporting this reply under #1",
        "ask_secret": "Why are you reporting #1",
        "reason": "harassment",
        "thanks": "Your report is anonymous",
        "hidden": "This reply is hidden while moderators look at reports.",
        "queued": "a reply under Night owls #1",
        "remove": "Remove",
        "why": "Why remove it",
        "removed": "This reply was removed by the moderators.",
        "delete": "Delete this reply",
        "confirm": "Delete your reply under #1?",
        "yes": "Yes, delete it",
        "deleted": "This reply was deleted by its author.",
        "secret_removed": "removed by the moderators",
        "with_secret": "This reply is hidden with its secret.",
        "told_removed": "removed your secret #1",
        "removed_answer": "#1 removed; its author is told",
        "banned_answer": "#2 removed; its author is suspended until",
        "list": r"Ban #(\d+) · for #2 · 24 h · ends",
        "refused": "You are suspended in Night owls until",
        "refused_post": "You can't post in Night owls until",
        "lifted": "lifted",
    },
    "fr": {
        "community": '[community]\nlocale = "fr"\n',
        "welcome": "Murmure est là",
        "number": r"communauté numéro (\d+)",
        "linked": "reçoit désormais la file de modération",
        "preview": "Aperçu",
        "post": "Publier",
        "accepted": "va apparaître dans",
        "reply": "Répondre",
        "reply_prompt": "Écris ta réponse",
        "reply_preview": "Aperçu de ta réponse",
        "report": "Signaler",
        "ask": "Pourquoi signales-tu cette réponse sous le #1",
        "ask_secret": "Pourquoi signales-tu le #1",
        "reason": "harcèlement",
        "thanks": "Ton signalement est anonyme",
        "hidden": "Cette réponse est masquée le temps que les modérateurs examinent les signalements.",
        "queued": "une réponse sous Night owls #1",
        "remove": "Retirer",
        "why": "Pourquoi le retirer",
        "removed": "Cette réponse a été retirée par les modérateurs.",
        "delete": "Supprimer cette réponse",
        "confirm": "Supprimer ta réponse sous le #1 ?",
        "yes": "Oui, la supprimer",
        "deleted": "Cette réponse a été supprimée par son auteur.",
        "secret_removed": "retiré par les modérateurs",
        "with_secret": "Cette réponse est masquée avec son secret.",
        "told_removed": "ont retiré ton secret #1",
        "removed_answer": "#1 retiré ; son auteur est prévenu",
        "banned_answer": "#2 retiré ; son auteur est suspendu jusqu'au",
        "list": r"Bannissement n°(\d+) · pour #2 · 24 h · prend fin le",
        "refused": "Tu es suspendu dans Night owls jusqu'au",
        "refused_post": "Tu ne peux pas publier dans Night owls avant le",
        "lifted": "levé",
    },
}


async def _setup(t: Telegram, say: dict[str, str]) -> None:
    await t.tg.add_bot_to_group(GROUP, uid("mod"), admin=True)
    await t.until(GROUP, say["welcome"])
    await t.tg.add_bot_to_group(MODS, uid("mod"))
    await t.dm("mod", "/start")
    await t.tg.user_sends(uid("mod"), GROUP, "/settings")  # the panel comes in the admin's DM
    panel = await t.until(uid("mod"), say["number"])
    number = re.search(say["number"], panel.text or "")
    assert number is not None
    await t.tg.user_sends(uid("mod"), MODS, f"/linkmods {number[1]}")
    await t.until(MODS, say["linked"])
    for name in USERS:
        await t.dm(name, "/start")


async def _reply(t: Telegram, name: str, card: ChatMessage, text: str, say: dict[str, str]) -> ChatMessage:
    await t.open_link(name, card, say["reply"])
    await t.until(uid(name), say["reply_prompt"])
    await t.dm(name, text)
    preview = await t.until(uid(name), say["reply_preview"])
    await t.click(name, preview, say["post"])
    return await t.until(GROUP, re.escape(text))


def _now(t: Telegram, message: ChatMessage) -> ChatMessage:
    """The message as the chat shows it now."""
    return next(m for m in t.bot_messages(message.chat_id) if m.message_id == message.message_id)


async def _changes(t: Telegram, message: ChatMessage, text: str) -> None:
    await t.tg.wait_until(lambda: text in (_now(t, message).text or ""), within=8)


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_replies_are_moderated_in_a_telegram_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    say = TEXTS[language]
    languages = dict.fromkeys(USERS, language)
    async with running_telegram(tmp_path, monkeypatch, say["community"], languages=languages) as t:
        await _setup(t, say)
        secret = "My cat has a bigger wardrobe than I do."
        await t.dm("alice", secret)
        await t.click("alice", await t.until(uid("alice"), say["preview"]), say["post"])
        card = await t.until(GROUP, re.escape(secret))
        await t.tg.wait_until(lambda: card_recorded(t.data_dir / "murmure.db", secret), within=8)

        # a rude reply: its Report link opens the reasons in DM; three reports hide it and queue it
        rude = await _reply(t, "bob", card, "Pathetic, honestly.", say)
        assert rude.reply_to == card.message_id
        for name in ("carol", "dave", "erin"):
            await t.open_link(name, rude, say["report"])
            reasons = await t.until(uid(name), say["ask"])
            await t.click(name, reasons, say["reason"])
            await t.until(uid(name), say["thanks"])
        await _changes(t, rude, say["hidden"])
        assert "Pathetic" not in (_now(t, rude).text or "") and not _now(t, rude).buttons
        item = await t.until(MODS, re.escape(say["queued"]))
        assert "Pathetic, honestly." in (item.text or "") and "Roberto" not in (item.text or "")

        # the moderator removes it with a reason
        await t.click("mod", item, say["remove"])
        reasons = await t.until(MODS, say["why"])
        await t.click("mod", reasons, say["reason"])
        await _changes(t, rude, say["removed"])

        # carol deletes her own reply from her DM
        kind = await _reply(t, "carol", card, "Mine too, and I regret nothing.", say)
        # the preview becomes "sent" with its Delete button, which may come just after the reply is out
        await t.tg.wait_until(lambda: say["delete"] in str(t.last(uid("carol")).buttons), within=8)
        posted = t.last(uid("carol"))
        await t.click("carol", posted, say["delete"])
        confirm = await t.until(uid("carol"), re.escape(say["confirm"]))
        await t.click("carol", confirm, say["yes"])
        await _changes(t, kind, say["deleted"])

        # the secret is reported and removed: what is left of its thread is hidden with it
        kept = await _reply(t, "dave", card, "Same, and proud.", say)
        for name in ("bob", "carol", "erin"):
            await t.open_link(name, card, say["report"])
            await t.click(name, await t.until(uid(name), say["ask_secret"]), say["reason"])
            await t.until(uid(name), say["thanks"])
        await _changes(t, kept, say["with_secret"])
        item = await t.until(MODS, re.escape(secret))
        await t.click("mod", item, say["remove"])
        await t.click("mod", await t.until(MODS, say["why"]), say["reason"])
        await _changes(t, card, say["secret_removed"])
        assert say["with_secret"] in (_now(t, kept).text or "")
        await t.tg.wait_until(lambda: not t.tg.unanswered_callback_queries(), within=5)


async def _post(t: Telegram, name: str, text: str, say: dict[str, str]) -> ChatMessage:
    await t.dm(name, text)
    await t.click(name, await t.until(uid(name), say["preview"]), say["post"])
    card = await t.until(GROUP, re.escape(text))
    await t.tg.wait_until(lambda: card_recorded(t.data_dir / "murmure.db", text), within=8)
    return card


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_admins_remove_ban_list_and_unban_from_the_moderators_chat_on_telegram(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    say = TEXTS[language]
    languages = dict.fromkeys(USERS, language)
    async with running_telegram(tmp_path, monkeypatch, say["community"], languages=languages) as t:
        await _setup(t, say)
        first = await _post(t, "alice", "A first secret the admins remove.", say)
        second = await _post(t, "bob", "Bob's secret, which gets him suspended.", say)
        third = await _post(t, "carol", "Carol's secret stays up.", say)

        # typed in the moderators' chat, answered in the admin's DM; the author is told
        await t.tg.user_sends(uid("mod"), MODS, "/remove 1")
        await t.until(uid("mod"), re.escape(say["removed_answer"]))
        await _changes(t, first, say["secret_removed"])
        await t.until(uid("alice"), say["told_removed"])
        await t.tg.user_sends(uid("mod"), MODS, "/ban 2 24h")
        await t.until(uid("mod"), re.escape(say["banned_answer"]))
        await _changes(t, second, say["secret_removed"])
        await t.tg.user_sends(uid("mod"), MODS, "/bans")
        listed = await t.until(uid("mod"), say["list"])
        assert "Roberto" not in (listed.text or "") and str(uid("bob")) not in (listed.text or "")
        found = re.search(say["list"], listed.text or "")
        assert found is not None

        # bob can't react, report or open the reply prompt; nor post
        await t.click("bob", third, "❤️")
        await t.tg.wait_until(lambda: not t.tg.unanswered_callback_queries(), within=5)
        assert any(
            say["refused"] in str(call.params.get("text", "")) for call in t.tg.calls("answerCallbackQuery")
        )
        assert "❤️ 0" in str(_now(t, third).buttons)
        for label in (say["report"], say["reply"]):
            before = len(t.bot_messages(uid("bob")))
            await t.open_link("bob", third, label)
            # the refusal among what came after the link (bob's notice of the ban may still arrive meanwhile)
            await t.tg.wait_until(
                lambda seen=before: any(
                    say["refused"] in (m.text or "") for m in t.bot_messages(uid("bob"))[seen:]
                ),
                within=8,
            )
        await t.dm("bob", "Let me post again.")
        await t.until(uid("bob"), re.escape(say["refused_post"]))

        await t.tg.user_sends(uid("mod"), MODS, f"/unban {found[1]}")
        await t.until(uid("mod"), say["lifted"])
        await t.dm("bob", "Back, and nicer.")
        await t.until(uid("bob"), say["preview"])
