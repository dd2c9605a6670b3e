from __future__ import annotations

from datetime import timedelta

from bot.actions import (
    ChooseSetting,
    Moderate,
    React,
    RemoveFor,
    ReplyLink,
    Report,
    ReportLink,
)
from bot.model import ModerationMode, ModOperation, QueueStatus, Reaction, ReportReason, SecretStatus
from tests.core.harness import GROUP, MODS, Harness, post_action, text_of


async def _published(h: Harness, text: str = "A secret to talk about.", user: str = "u1") -> int:
    await h.post(user, text)
    return max(h.db.state.secrets)


async def _reply(h: Harness, user: str, secret_id: int, text: str) -> str:
    prompt = await h.service.start(h.actor(user), ReplyLink(h.token(secret_id)).encode())
    assert "Write your reply" in text_of(prompt)
    preview = await h.service.text(h.actor(user), text)
    answer = await h.press(user, post_action(preview))
    return text_of(answer)


async def test_a_burst_of_taps_gives_few_edits_and_the_right_final_counts() -> None:
    h = await Harness().setup()
    secret_id = await _published(h)
    edits_before = len([s for s in h.messenger.sent if s.edited])
    on: set[tuple[str, Reaction]] = set()
    for tap in range(50):
        user, kind = f"u{tap % 5 + 1}", list(Reaction)[(tap // 5) % 4]
        on ^= {(user, kind)}
        await h.service.press(h.actor(user), React(h.token(secret_id), kind).encode())
        if tap % 10 == 0:
            await h.dispatcher.drain()
    await h.dispatcher.drain()
    h.clock.advance(seconds=2)
    await h.dispatcher.drain()
    edits = [s for s in h.messenger.sent if s.edited][edits_before:]
    assert 1 <= len(edits) <= 3  # the clock moved 2 s in all: about one edit a second at most
    expected = [sum(1 for _, k in on if k == kind) for kind in Reaction]
    assert [int(b.label.split()[-1]) for b in edits[-1].message.buttons[0]] == expected


async def test_replies_carry_a_pseudonym_stable_in_a_thread_and_the_author_crown() -> None:
    h = await Harness().setup()
    first = await _published(h, "Thread one.")
    second = await _published(h, "Thread two, another secret.")
    a = await _reply(h, "u2", first, "First answer")
    b = await _reply(h, "u2", first, "Second answer")
    crown = await _reply(h, "u1", first, "Author speaking")
    assert a.split(" as ")[1] == b.split(" as ")[1]
    assert "👑 Author" in crown
    replies = [s for s in h.messenger.to(GROUP) if s.target.reply_to is not None]
    assert len(replies) == 3 and all(s.target.reply_to == h.db.state.secrets[first].card_ref for s in replies)
    assert replies[2].message.text.plain_text.startswith("💬 👑 Author")
    names_in_other_threads = {
        h.anonymizer.pseudonym(h.anonymizer.keys("test", "u2").thread(thread))
        for thread in range(second, second + 20)
    }
    assert len(names_in_other_threads) > 1  # not one fixed name across threads: unlinkable


async def test_reports_from_distinct_members_hide_the_card_and_queue_it() -> None:
    h = await Harness().setup()
    secret_id = await _published(h)
    for user in ("u2", "u3"):
        await h.service.start(h.actor(user), ReportLink(h.token(secret_id)).encode())
        await h.press(user, Report(h.token(secret_id), ReportReason.HARASSMENT))
    assert "already reported" in text_of(await h.press("u2", Report(h.token(secret_id), ReportReason.HATE)))
    assert h.db.state.secrets[secret_id].status is SecretStatus.PUBLISHED
    await h.press("u4", Report(h.token(secret_id), ReportReason.SPAM))
    assert h.db.state.secrets[secret_id].status is SecretStatus.HIDDEN
    assert "hidden" in h.messenger.to(GROUP)[-1].message.text.plain_text
    queue = h.messenger.to(MODS)
    assert len([s for s in queue if not s.edited]) == 1
    assert "Hidden after 3 reports: harassment, spam" in queue[-1].message.text.plain_text


async def test_moderators_are_checked_at_every_click_and_authors_stay_unknown() -> None:
    h = await Harness().setup()
    secret_id = await _published(h)
    for user in ("u2", "u3", "u4"):
        await h.press(user, Report(h.token(secret_id), ReportReason.HARASSMENT))
    item_id = next(iter(h.db.state.items))
    denied = await h.press("u2", Moderate(h.item(item_id), ModOperation.APPROVE))
    assert "Only the admins" in text_of(denied)
    assert h.db.state.items[item_id].status is QueueStatus.OPEN
    checks = h.directory.admin_checks
    reasons = await h.press("u6", Moderate(h.item(item_id), ModOperation.REMOVE))
    assert "Why remove it" in text_of(reasons)
    await h.press("u6", RemoveFor(h.item(item_id), ReportReason.PERSONAL_INFO))
    assert h.directory.admin_checks == checks + 2
    assert h.db.state.secrets[secret_id].status is SecretStatus.REMOVED
    notice = h.messenger.to("dm-u1")[-1]
    assert "Reason: personal information" in notice.message.text.plain_text
    assert secret_id not in h.db.state.returns  # used once, erased
    again = await h.press("u6", Moderate(h.item(item_id), ModOperation.APPROVE))
    assert "already decided" in text_of(again)
    for sent in h.messenger.to(MODS):
        assert "u1" not in sent.message.text.plain_text
    assert [entry[3] for entry in h.db.state.audit] == ["auto_hide", "remove"]


async def test_approving_a_held_secret_publishes_it_and_tells_the_author_in_their_language() -> None:
    h = await Harness().setup()
    preview = await h.service.text(h.actor("u1", "fr"), "appelle REVIEWME")
    await h.press("u1", post_action(preview), locale="fr")
    item_id = next(iter(h.db.state.items))
    await h.press("u6", Moderate(h.item(item_id), ModOperation.APPROVE))
    assert len(h.card_refs()) == 1
    assert "ont approuvé ton secret" in h.messenger.to("dm-u1")[-1].message.text.plain_text


async def test_a_ban_refuses_the_author_until_it_ends() -> None:
    h = await Harness().setup()
    preview = await h.service.text(h.actor("u1"), "REVIEWME please")
    await h.press("u1", post_action(preview))
    item_id = next(iter(h.db.state.items))
    await h.press("u6", Moderate(h.item(item_id), ModOperation.BAN_DAY))
    assert "suspended you for 24 hours" in h.messenger.to("dm-u1")[-1].message.text.plain_text
    refused = await h.service.text(h.actor("u1"), "Back already?")
    assert "You can't post in Group until" in text_of(refused)
    h.clock.advance(hours=24, seconds=1)
    assert "Preview" in text_of(await h.service.text(h.actor("u1"), "Back after the ban."))


async def test_a_return_address_unused_for_seven_days_is_gone() -> None:
    h = await Harness().setup()
    preview = await h.service.text(h.actor("u1"), "REVIEWME later")
    await h.press("u1", post_action(preview))
    item_id = next(iter(h.db.state.items))
    h.clock.advance(days=7, seconds=1)
    await h.press("u6", Moderate(h.item(item_id), ModOperation.APPROVE))
    assert h.messenger.to("dm-u1") == []
    assert timedelta(days=7) > timedelta(0)


async def test_the_sealed_address_is_not_the_chat_id() -> None:
    h = await Harness().setup()
    await h.post("u1", "Sealed.")
    sealed, _ = next(iter(h.db.state.returns.values()))
    assert b"dm-u1" not in sealed and len(sealed) > 12


async def test_only_admins_see_and_change_settings_checked_at_every_click() -> None:

    h = await Harness().setup()
    assert "Only the admins" in text_of(await h.service.settings(h.actor("u1"), GROUP))
    panel = await h.service.settings(h.actor("u6"), GROUP)
    assert "Report threshold: 3 · default" in text_of(panel)
    community_id = next(iter(h.db.state.communities))
    assert "Only the admins" in text_of(
        await h.press("u2", ChooseSetting(community_id, "report_threshold", 1))
    )
    changed = await h.press("u6", ChooseSetting(community_id, "report_threshold", 2))
    assert "Now: 2 (chosen here)" in text_of(changed)
    await h.press("u6", ChooseSetting(community_id, "mode", 1))
    assert "expired" in text_of(await h.press("u6", ChooseSetting(community_id, "report_threshold", 999)))
    assert h.db.state.communities[community_id].settings.mode is ModerationMode.REVIEW
    assert h.db.state.communities[community_id].settings.report_threshold == 2
    await h.post("u1", "Now every secret waits.")
    assert h.card_refs() == [] and len(h.messenger.to(MODS)) == 1


async def test_admins_make_a_community_public_from_the_settings() -> None:
    h = await Harness().setup()
    community_id = next(iter(h.db.state.communities))
    panel = await h.service.settings(h.actor("u6"), GROUP)
    assert "Public sharing: off" in text_of(panel)
    await h.press("u6", ChooseSetting(community_id, "public", 1))
    assert h.db.state.communities[community_id].settings.public
