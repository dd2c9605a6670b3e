"""/forget and /export in the core: what the member's keys reach, cut loose or erased; the file of it."""

from __future__ import annotations

import json

import pytest

from bot import own_list
from bot.actions import Forget, KeepAll, ReplyLink
from bot.messages import EditPressed, Response, Say
from bot.model import CommunitySettings, ReplyStatus, SecretStatus
from tests.core.harness import Harness, post_action, text_of


async def _reply(h: Harness, user: str, secret_id: int, text: str) -> None:
    await h.service.start(h.actor(user), ReplyLink(h.token(secret_id)).encode())
    await h.press(user, post_action(await h.service.text(h.actor(user), text)))


async def _lived(h: Harness) -> int:
    """u1 posts two secrets, replies under u2's, leaves a preview open and picks French; u2 replies to u1."""
    await h.post("u1", "First thing I never said.")
    mine = max(h.db.state.secrets)
    await h.post("u1", "Second thing I never said.")
    await h.post("u2", "Someone else's secret.")
    theirs = max(h.db.state.secrets)
    await _reply(h, "u1", theirs, "My answer under theirs.")
    await _reply(h, "u2", mine, "Their answer under mine.")
    await h.service.text(h.actor("u1"), "A preview left open.")
    await h.service.set_language(h.actor("u1"), "fr")
    return theirs


def _buttons(responses: list[Response]) -> list[object]:
    return [
        b.action
        for r in responses
        if isinstance(r, Say | EditPressed)
        for row in r.message.buttons
        for b in row
    ]


async def test_cutting_every_tie_keeps_the_writing_published_and_tied_to_no_one() -> None:
    h = await Harness().setup()
    theirs = await _lived(h)
    tags = {s.id: s.author_tag for s in h.db.state.secrets.values()}
    my_reply = next(r for r in h.db.state.replies.values() if r.secret_id == theirs)
    asked = await h.service.command(h.actor("u1"), "forget")
    assert "Couper tout lien" in text_of(asked)
    assert "Tout supprimer" in text_of(asked)
    confirm = await h.press("u1", Forget(erase=False, confirmed=False))
    assert "2 secrets et 1 réponses" in text_of(confirm)
    assert KeepAll() in _buttons(confirm)
    done = await h.press("u1", Forget(erase=False, confirmed=True))
    assert "2 secrets et 1 réponses ne sont plus liés à toi" in text_of(done)

    state = h.db.state
    texts = {s.text for s in state.secrets.values()}
    assert {"First thing I never said.", "Second thing I never said."} <= texts  # still published
    for secret in state.secrets.values():
        unchanged = secret.author_tag == tags[secret.id]
        assert unchanged == (secret.text == "Someone else's secret."), secret.text
        assert secret.status is SecretStatus.PUBLISHED and len(secret.author_tag) == 64
    reply = state.replies[my_reply.id]
    assert reply.text == "My answer under theirs." and reply.thread_key != my_reply.thread_key
    assert state.thread_names[(theirs, reply.thread_key)] == my_reply.pseudonym  # the name stays taken
    keys = h.anonymizer.keys("test", "u1")
    assert keys.preference() not in state.locales and keys.own_list()[0] not in state.own_lists
    assert state.drafts == {}
    assert not [k for k in state.memberships if k[0] == keys.member(1)]
    assert "haven't posted any secret" in text_of(await h.service.command(h.actor("u1"), "mine"))
    assert "nothing to export" in text_of(await h.service.command(h.actor("u1"), "export"))
    # moderators can still ban the author of a recent secret: forgetting is no way out of a sanction
    first = next(s for s in state.secrets.values() if s.text == "First thing I never said.")
    banned = await h.service.sanction(h.actor("u6"), "g", "ban", str(first.number))
    assert "banned" in text_of(banned).lower(), text_of(banned)
    assert [key for _, key in h.db.state.ban_records.values()] == [keys.member(1)]
    # the other member's writing is theirs still
    assert "1 replies" in text_of(await h.service.command(h.actor("u2"), "export"))


async def test_deleting_everything_erases_and_takes_down_then_cuts_the_ties() -> None:
    h = await Harness().setup()
    theirs = await _lived(h)
    await h.press("u1", Forget(erase=True, confirmed=False))
    done = await h.press("u1", Forget(erase=True, confirmed=True), locale="en")
    assert "2 secrets et 1 réponses sont effacés" in text_of(done)
    state = h.db.state
    gone = [s for s in state.secrets.values() if s.text == ""]
    assert len(gone) == 2 and all(s.status is SecretStatus.DELETED and s.author_tag == "" for s in gone)
    my_reply = next(r for r in state.replies.values() if r.secret_id == theirs)
    assert (my_reply.text, my_reply.thread_key, my_reply.status) == ("", "", ReplyStatus.DELETED)
    assert all(r.text == "" for r in state.replies.values())  # the reply under a deleted secret too
    edits = [s.message.text.plain_text for s in h.messenger.sent if s.edited]
    assert not any("never said" in e or "My answer" in e for e in edits[-4:])
    cards = [s for s in h.messenger.sent if s.edited and "deleted" in s.message.text.plain_text.lower()]
    assert cards, "the cards and the reply were edited to placeholders"
    assert "Someone else's secret." in {s.text for s in state.secrets.values()}


async def test_forget_can_be_called_off() -> None:
    h = await Harness().setup()
    await _lived(h)
    assert "Rien n'a changé" in text_of(await h.press("u1", KeepAll()))
    assert "First thing I never said." in {s.text for s in h.db.state.secrets.values()}
    assert h.db.state.own_lists


async def test_export_is_a_json_file_of_what_the_members_keys_reach_never_stored() -> None:
    h = await Harness().setup()
    await _lived(h)
    await h.settle()
    queued = dict(h.db.state.outbox)
    answer = await h.service.command(h.actor("u1"), "export")
    assert h.db.state.outbox == queued  # answered in the event: nothing of it stored or queued
    (said,) = answer
    assert isinstance(said, Say) and said.message.document is not None
    assert "Tes 2 secrets et 1 réponses" in said.message.text.plain_text
    data = json.loads(said.message.document.content)
    assert [s["text"] for s in data["secrets"]] == ["Second thing I never said.", "First thing I never said."]
    assert [r["text"] for r in data["replies"]] == ["My answer under theirs."]
    assert said.message.document.name.endswith(".json")
    assert "Someone else's" not in said.message.document.content.decode()


MINE = [
    "I still sleep with the light on.",
    "My sister thinks I passed the exam; I never sat it.",
    "I eat cereal for dinner most weeks.",
    "Nobody at work knows I play the tuba.",
    "I cried at a cartoon about a lost balloon.",
    "I have read my diary from ten years ago twice this month.",
    "The plant on my desk is plastic and I water it anyway.",
    "I pretend to like jazz for my boyfriend.",
    "Our neighbour's cat visits me every morning and I feed it.",
]
THEIRS = [
    "Rain makes me happy.",
    "I learnt to swim at forty.",
    "My car is named Gérard.",
    "I hum when I cook.",
    "Winter is my favourite season.",
    "I collect train tickets.",
    "I never finished a crossword.",
]


async def test_forget_and_export_reach_what_outgrew_the_sealed_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    # lists of 4 ids, the oldest 2 moved to an archive page when full: 9 secrets and 7 threads fill pages
    monkeypatch.setattr(own_list, "CAPACITY", 4)
    monkeypatch.setattr(own_list, "MOVED_TO_ARCHIVE", 2)
    h = await Harness(CommunitySettings(publication_delay_seconds=0, max_secrets_per_day=50)).setup()
    for text in MINE:
        await h.post("u1", text)
    for n, text in enumerate(THEIRS):
        await h.post("u2", text)
        await _reply(h, "u1", max(h.db.state.secrets), f"Answer number {n}, under theirs.")
    keys = h.anonymizer.keys("test", "u1")
    # u1: 9 secrets in their list (3) and 3 archive pages, 7 threads in theirs (3) and 2 pages; u2: 7 secrets
    assert len(h.db.state.own_lists) == (1 + 3) + (1 + 2) + (1 + 2)

    (said,) = await h.service.command(h.actor("u1"), "export")
    assert isinstance(said, Say) and said.message.document is not None
    exported = json.loads(said.message.document.content)
    assert len(exported["secrets"]) == 9 and len(exported["replies"]) == 7

    confirm = await h.press("u1", Forget(erase=False, confirmed=False))
    assert "9 secrets and 7 replies" in text_of(confirm)
    await h.press("u1", Forget(erase=False, confirmed=True))
    state = h.db.state
    mine = [s for s in state.secrets.values() if s.text in MINE]
    assert len(mine) == 9 and not any(keys.wrote(s.author_salt, s.author_tag) for s in mine)
    assert not [r for r in state.replies.values() if r.thread_key == keys.thread(r.secret_id)]
    u2_list, u2_key = h.anonymizer.keys("test", "u2").own_list()
    u2_pages = {own_list.archive_locator(u2_key, u2_list, page) for page in (1, 2)}  # u2's 7 secrets: 2+2+3
    u2_rows = {u2_list, *u2_pages}
    assert set(state.own_lists) == u2_rows  # u1's lists and every archive page of them erased
