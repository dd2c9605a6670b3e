"""Scoped keys in the core: the ban path's sealed community key and its window, sealed reporter keys, the
sealed own list behind /mine, the sealed pending reply; fixed clock, in-memory store."""

from __future__ import annotations

import pytest

from bot.actions import AskDelete, ConfirmDelete, Moderate, ReplyLink, Report, ReportLink
from bot.anonymity import Sealer
from bot.model import ModOperation, ReportReason, Secret, SecretStatus
from bot.own_list import open_list
from bot.own_list import seal as own_list_seal
from bot.records import NewSecret, OwnList
from bot.usecases import authorship
from tests.core.harness import PLATFORM, Harness, post_action, text_of
from tests.fakes.secrets import FakeSecrets

SEALER = Sealer(b"k" * 32)  # the harness's sealing key


async def _secret(
    h: Harness, user: str = "u1", text: str = "Something people will have opinions about."
) -> int:
    await h.post(user, text)
    return max(h.db.state.secrets)


async def _hide_by_reports(h: Harness, secret_id: int) -> int:
    for user in ("u2", "u3", "u4"):
        await h.service.start(h.actor(user), ReportLink(h.token(secret_id)).encode())
        await h.press(user, Report(h.token(secret_id), ReportReason.HARASSMENT))
    assert h.db.state.secrets[secret_id].status is SecretStatus.HIDDEN
    return max(h.db.state.items)


async def test_a_ban_reaches_the_author_through_the_key_sealed_on_the_secret() -> None:
    h = await Harness().setup()
    secret_id = await _secret(h)
    secret = h.db.state.secrets[secret_id]
    sealed = h.db.state.ban_keys[secret_id].sealed
    member_key = h.anonymizer.keys(PLATFORM, "u1").member(1)
    assert SEALER.open(sealed, authorship.ban_key_context(secret.author_salt)) == member_key
    assert member_key.encode() not in sealed and secret.author_tag != member_key
    item_id = await _hide_by_reports(h, secret_id)
    await h.press("u6", Moderate(h.item(item_id), ModOperation.BAN_DAY))
    assert [key for _, key in h.db.state.ban_records.values()] == [member_key]
    assert "can't post in Group until" in text_of(await h.service.text(h.actor("u1"), "Back so soon?"))


async def test_past_its_window_the_author_is_forgotten_unless_moderators_still_have_to_decide() -> None:
    h = await Harness().setup()
    waiting, older = await _secret(h), await _secret(h, "u5", "Another thing entirely, about my garden.")
    item_id = await _hide_by_reports(h, waiting)
    h.clock.advance(hours=49)
    await h.service.sweep()
    assert waiting in h.db.state.ban_keys and older not in h.db.state.ban_keys  # one waits for moderators
    hidden_late = await _hide_by_reports(h, older)  # reported after its window: no one to ban
    refused = await h.press("u6", Moderate(h.item(hidden_late), ModOperation.BAN_FOREVER))
    assert "can no longer be banned" in text_of(refused)
    assert (
        h.db.state.ban_records == {} and h.db.state.secrets[older].status is SecretStatus.HIDDEN
    )  # still open
    await h.press("u6", Moderate(h.item(item_id), ModOperation.BAN_WEEK))  # the waiting one still can
    assert len(h.db.state.ban_records) == 1


async def test_reporters_keys_are_sealed_on_reports_and_erased_once_judged() -> None:
    h = await Harness().setup()
    secret_id = await _secret(h)
    item_id = await _hide_by_reports(h, secret_id)
    seals = {key: sealed for (sid, key), sealed in h.db.state.reporter_seals.items() if sid == secret_id}
    assert len(seals) == 3
    reporter = h.anonymizer.keys(PLATFORM, "u2")
    opened = SEALER.open(
        seals[reporter.report(secret_id)].sealed, authorship.reporter_key_context(reporter.report(secret_id))
    )
    assert opened == reporter.member(1)
    await h.press("u6", Moderate(h.item(item_id), ModOperation.APPROVE))
    assert not any(sid == secret_id for sid, _ in h.db.state.reporter_seals)
    assert h.db.state.reporter_records[(reporter.member(1), 1)] == (0, 1)


async def test_a_replys_sealed_key_opens_to_the_repliers_community_key() -> None:
    h = await Harness().setup()
    secret_id = await _secret(h)
    await h.service.start(h.actor("u2"), ReplyLink(h.token(secret_id)).encode())
    await h.press("u2", post_action(await h.service.text(h.actor("u2"), "Same here, honestly.")))
    reply = next(iter(h.db.state.replies.values()))
    keys = h.anonymizer.keys(PLATFORM, "u2")
    assert reply.thread_key == keys.thread(secret_id)
    sealed = h.db.state.reply_ban_keys[reply.id].sealed
    context = authorship.reply_ban_key_context(reply.thread_key, reply.created_at)
    assert SEALER.open(sealed, context) == keys.member(1)


async def test_the_pending_reply_keeps_its_target_sealed() -> None:
    h = await Harness().setup()
    secret_id = await _secret(h)
    await h.service.start(h.actor("u2"), ReplyLink(h.token(secret_id)).encode())
    ((key, pending),) = h.db.state.pending.items()
    assert key == h.anonymizer.keys(PLATFORM, "u2").pending()
    assert b"reply:" not in pending.sealed
    assert SEALER.open(pending.sealed, f"pending:{key}") == f"reply:{secret_id}"


async def test_mine_lists_the_members_own_secrets_from_the_sealed_list_only() -> None:
    h = await Harness().setup()
    first = await _secret(h, "u1", "The first thing I never told anyone.")
    await _secret(h, "u2", "Someone else's story, not on my list.")
    second = await _secret(h, "u1", "A second thing, about my brother's car.")
    ((locator, stored),) = [
        (k, v)
        for k, v in h.db.state.own_lists.items()
        if k == h.anonymizer.keys(PLATFORM, "u1").own_list()[0]
    ]
    assert len(h.db.state.own_lists) == 2 and locator
    mine = text_of(await h.service.command(h.actor("u1"), "mine"))
    assert "brother's car" in mine and "never told anyone" in mine and "Someone else's" not in mine
    assert "Delete" not in text_of(
        await h.press("u2", AskDelete(h.token(first)))
    )  # not theirs: nothing to confirm
    await h.press("u1", ConfirmDelete(h.token(second)))
    assert h.db.state.own_lists[locator] != stored  # rewritten without it
    mine = text_of(await h.service.command(h.actor("u1"), "mine"))
    assert "brother's car" not in mine and "never told anyone" in mine


async def test_a_posts_list_read_with_its_secret_is_read_again_if_it_changed_before_the_save(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    h = await Harness().setup()
    first = await _secret(h, "u1", "The first thing I never told anyone.")
    locator, key = h.anonymizer.keys(PLATFORM, "u1").own_list()
    add_from_draft = FakeSecrets.add_from_draft

    async def meanwhile(
        self: FakeSecrets, draft_id: int, secret: NewSecret, own_list: str
    ) -> tuple[Secret, OwnList | None] | None:
        made = await add_from_draft(self, draft_id, secret, own_list)
        # another event of the member's rewrites the list after it was read with the secret
        self.s.own_lists[locator] = OwnList(own_list_seal([first, 999], key, locator), "changed")
        return made

    monkeypatch.setattr(FakeSecrets, "add_from_draft", meanwhile)
    second = await _secret(h, "u1", "A second thing, about my brother's car.")
    assert open_list(h.db.state.own_lists[locator].sealed, key, locator) == [first, 999, second]
