"""Direct moderation typed by admins (remove, ban, unban, the ban list), and bans stopping everything a
member does in that community. Authors stay unknown to moderators."""

from __future__ import annotations

from bot.actions import React, ReplyLink, Report, ReportLink, ReportReply, ReportReplyLink
from bot.model import Reaction, ReportReason, SecretStatus
from tests.core.harness import GROUP, MODS, Harness, post_action, text_of


async def _secret(h: Harness, user: str, text: str) -> int:
    await h.post(user, text)
    return max(h.db.state.secrets)


async def _sanction(h: Harness, user: str, command: str, chat: str = MODS) -> str:
    name, _, argument = command.partition(" ")
    answer = await h.service.sanction(h.actor(user), chat, name, argument)
    await h.settle()
    return text_of(answer)


async def test_an_admin_removes_a_card_by_its_number_from_the_moderators_chat() -> None:
    h = await Harness().setup()
    secret_id = await _secret(h, "u1", "A secret the moderators will not like.")
    number = h.db.state.secrets[secret_id].number
    assert "Only the admins" in await _sanction(h, "u2", f"remove {number}")
    assert h.db.state.secrets[secret_id].status is SecretStatus.PUBLISHED
    assert f"#{number} removed" in await _sanction(h, "u6", f"remove {number}")
    assert h.db.state.secrets[secret_id].status is SecretStatus.REMOVED
    assert "removed by the moderators" in h.messenger.to(GROUP)[-1].message.text.plain_text
    assert f"removed your secret #{number}" in h.messenger.to("dm-u1")[-1].message.text.plain_text
    assert "already removed" in await _sanction(h, "u6", f"remove #{number}")
    assert "no secret #999" in await _sanction(h, "u6", "remove 999")
    assert "no secret #abc" in await _sanction(h, "u6", "remove abc")
    audit = text_of(await h.service.audit(h.actor("u6"), GROUP))
    assert f"#{number} · removed (by command)" in audit


async def test_a_ban_stops_everything_in_the_community_until_it_is_lifted() -> None:
    h = await Harness().setup()
    other = await _secret(h, "u3", "Someone else's secret, still up.")
    await h.service.start(h.actor("u3"), ReplyLink(h.token(other)).encode())
    await h.press("u3", post_action(await h.service.text(h.actor("u3"), "A reply by its author.")))
    reply_id = max(h.db.state.replies)
    banned = await _secret(h, "u2", "The secret that gets its author banned.")
    number = h.db.state.secrets[banned].number

    answer = await _sanction(h, "u6", f"ban {number} 24h")
    assert f"#{number} removed; its author is suspended until" in answer
    assert h.db.state.secrets[banned].status is SecretStatus.REMOVED
    assert "suspended you until" in h.messenger.to("dm-u2")[-1].message.text.plain_text
    ban_number = max(h.db.state.ban_records)

    # everything the member does in the community is refused, with a clear message
    assert "You can't post in Group until" in text_of(await h.service.text(h.actor("u2"), "Let me back."))
    refusals = [
        await h.press("u2", React(h.token(other), Reaction.HEART)),
        await h.service.start(h.actor("u2"), ReportLink(h.token(other)).encode()),
        await h.press("u2", Report(h.token(other), ReportReason.SPAM)),
        await h.service.start(h.actor("u2"), ReplyLink(h.token(other)).encode()),
        await h.service.start(h.actor("u2"), ReportReplyLink(h.reply_token(reply_id)).encode()),
        await h.press("u2", ReportReply(h.reply_token(reply_id), ReportReason.SPAM)),
    ]
    for refusal in refusals:
        assert "You are suspended in Group until" in text_of(refusal), text_of(refusal)
    assert h.db.state.reactions == set() and h.db.state.reports == {} and h.db.state.reply_reports == {}
    assert await h.service.may_open(h.actor("u2"), ReplyLink(h.token(other))) != []
    assert await h.service.may_open(h.actor("u4"), ReplyLink(h.token(other))) == []

    # the ban list: its number, the secret, the length, the end; never who
    listed = await _sanction(h, "u6", "bans")
    assert f"Ban #{ban_number} · for #{number} · 24 h · ends " in listed
    key = h.anonymizer.keys("test", "u2").member(1)
    assert "u2" not in listed and key not in listed and key[:12] not in listed

    assert "no ban #999" in await _sanction(h, "u6", "unban 999")
    assert "Only the admins" in await _sanction(h, "u3", f"unban {ban_number}")
    assert f"Ban #{ban_number} lifted" in await _sanction(h, "u6", f"unban {ban_number}")
    assert "no longer in force" in await _sanction(h, "u6", f"unban {ban_number}")
    assert "No ban in force in Group" in await _sanction(h, "u6", "bans")
    assert "Preview" in text_of(await h.service.text(h.actor("u2"), "I am back, and nicer."))
    assert "❤️" in text_of(await h.press("u2", React(h.token(other), Reaction.HEART)))
    audit = text_of(await h.service.audit(h.actor("u6"), GROUP))
    assert f"author banned (ban #{ban_number})" in audit and f"ban lifted (ban #{ban_number})" in audit


async def test_a_ban_for_good_never_ends_and_bad_lengths_are_explained() -> None:
    h = await Harness().setup()
    secret_id = await _secret(h, "u2", "Another secret to ban for.")
    number = h.db.state.secrets[secret_id].number
    assert "/ban 12 24h" in await _sanction(h, "u6", f"ban {number} forever")
    assert h.db.state.secrets[secret_id].status is SecretStatus.PUBLISHED
    assert "banned for good" in await _sanction(h, "u6", f"ban {number}", chat=GROUP)
    assert "for good · never ends" in await _sanction(h, "u6", "bans", chat=GROUP)
    h.clock.advance(days=400)
    assert "You can no longer post in Group" in text_of(await h.service.text(h.actor("u2"), "Still here?"))
    assert "I don't know the command /nope" in await _sanction(h, "u6", "nope")


async def test_a_week_ban_from_the_french_side() -> None:
    h = await Harness().setup()
    secret_id = await _secret(h, "u2", "Un secret de trop.")
    number = h.db.state.secrets[secret_id].number
    answer = await h.service.sanction(h.actor("u6", "fr"), MODS, "ban", f"{number} 7j")
    assert f"#{number} retiré ; son auteur est suspendu jusqu'au" in text_of(answer)
    listed = text_of(await h.service.sanction(h.actor("u6", "fr"), MODS, "bans"))
    assert "Bannissement n°" in listed and "7 j" in listed


async def test_the_audit_log_shows_every_action_type_under_per_community_aliases_and_pages() -> None:
    from bot.actions import ChooseSetting, Moderate, RemoveFor
    from bot.model import ModOperation
    from bot.usecases.audit import PAGE

    h = await Harness(members=9).setup()
    h.directory.admins[GROUP] = {"u6", "u7"}
    first = await _secret(h, "u1", "First secret, hidden by reports then removed.")
    for user in ("u2", "u3", "u4"):
        await h.press(user, Report(h.token(first), ReportReason.SPAM))  # an automatic hide
    item_id = max(h.db.state.items)
    await h.press("u6", Moderate(h.item(item_id), ModOperation.REMOVE))
    await h.press("u6", RemoveFor(h.item(item_id), ReportReason.SPAM))  # a decision
    second = await _secret(h, "u2", "Second secret, removed by command.")
    await _sanction(h, "u7", f"remove {h.db.state.secrets[second].number}")  # a direct removal
    third = await _secret(h, "u3", "Third secret, its author banned.")
    await _sanction(h, "u7", f"ban {h.db.state.secrets[third].number} 24h")  # a ban
    await _sanction(h, "u6", f"unban {max(h.db.state.ban_records)}")  # an unban
    community = next(iter(h.db.state.communities.values()))
    await h.press("u6", ChooseSetting(community.id, "report_threshold", 4))  # a settings change

    log = text_of(await h.service.audit(h.actor("u6"), GROUP))
    lines = log.split("\n")[1:]
    for shown in (
        "hidden after reports",
        "removed spam",
        "removed (by command)",
        "author banned (ban #",
        "ban lifted (ban #",
        "setting changed: report threshold",
    ):
        assert any(shown in line for line in lines), (shown, log)
    automatic = next(line for line in lines if "hidden after reports" in line)
    assert "🤖 automatic" in automatic
    u6 = {line.split(" · ")[1] for line in lines if "removed spam" in line or "setting changed" in line}
    u7 = {line.split(" · ")[1] for line in lines if "(by command)" in line or "author banned" in line}
    assert len(u6) == 1 and len(u7) == 1 and u6 != u7  # two moderators told apart, each stable
    for user in ("u6", "u7"):
        assert user not in log and h.anonymizer.keys("test", user).moderator(community.id) not in log

    # the same moderator has another alias in another community
    h.directory.members["g2"] = {f"u{i}" for i in range(1, 10)}
    h.directory.admins["g2"] = {"u6"}
    await h.service.register_community("test", "g2", "Other")
    other = next(c for c in h.db.state.communities.values() if c.chat_ref == "g2")
    await h.press("u6", ChooseSetting(other.id, "report_threshold", 5))
    elsewhere = text_of(await h.service.audit(h.actor("u6"), "g2")).split("\n")[1].split(" · ")[1]
    assert elsewhere not in u6

    # paged: the newest first, an older page on request
    for change in range(PAGE):
        await h.press("u6", ChooseSetting(community.id, "report_threshold", (5, 6)[change % 2]))
    page_one = text_of(await h.service.audit(h.actor("u6"), GROUP))
    assert "page 1" in page_one and "Older actions: /audit 2" in page_one
    page_two = text_of(await h.service.audit(h.actor("u6"), GROUP, "2"))
    assert "page 2" in page_two and "hidden after reports" in page_two
    assert "hidden after reports" not in page_one
