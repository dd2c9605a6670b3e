"""Ranking, browsing, collections across communities and daily digests, on a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.actions import ChooseCommunity, CycleTopic, DailyDigest, Page, Post, React, ToggleSubscription
from bot.messages import Say
from bot.model import CommunitySettings, FeedKind, Reaction
from bot.ranking import hot
from tests.core.harness import GROUP, PLATFORM, Harness, post_action, text_of

PARIS = CommunitySettings(
    publication_delay_seconds=0, digest_time="20:00", timezone="Europe/Paris"
)  # 19:00 UTC in November


async def _post(
    h: Harness, user: str, text: str, *, topic_clicks: int = 0, community: str | None = None
) -> int:
    preview = await h.service.text(h.actor(user), text)
    draft_id = post_action(preview).draft
    if community is not None:
        chosen = next(c for c in h.db.state.communities.values() if c.chat_ref == community)
        await h.press(user, ChooseCommunity(draft_id, chosen.id))
    for _ in range(topic_clicks):
        await h.press(user, CycleTopic(draft_id))
    await h.press(user, Post(draft_id))
    return max(h.db.state.secrets)


async def _react(h: Harness, secret_id: int, users: list[str]) -> None:
    for user in users:
        await h.press(user, React(h.token(secret_id), Reaction.HEART))


FEED_TEXTS = (
    "I still have my childhood blanket.",
    "I lied about reading that book for the club.",
    "My plants are plastic and nobody noticed.",
    "I sing in the car at full volume every day.",
    "I never learned how to ride a bike properly.",
    "I once ate cereal with orange juice, on purpose.",
    "I pretend to be busy when my neighbour knocks.",
)


def test_hot_score_decays_with_age() -> None:
    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    fresh = hot(4, datetime(2026, 11, 24, 11, tzinfo=UTC), now)
    old = hot(4, datetime(2026, 11, 23, 12, tzinfo=UTC), now)
    assert fresh > old > 0
    assert hot(-3, now, now) < 0


async def test_the_digest_comes_at_local_time_in_hot_order_with_links_once() -> None:
    h = await Harness(PARIS).setup()
    quiet = await _post(h, "u1", "A quiet one nobody reacts to.")
    liked = await _post(h, "u2", "The one everybody loves.")
    h.clock.advance(hours=2)
    newer = await _post(h, "u3", "A newer one with a couple of reactions.")
    await _react(h, liked, ["u1", "u3", "u4", "u5"])
    await _react(h, newer, ["u1", "u2"])
    h.clock.current = datetime(2026, 11, 24, 18, 59, tzinfo=UTC)
    assert await h.service.run_due_digests() == 0
    h.clock.current = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)
    assert await h.service.run_due_digests() == 1
    assert await h.service.run_due_digests() == 0
    await h.settle()
    digest = h.messenger.to(GROUP)[-1].message
    lines = digest.text.plain_text.split("\n")
    assert lines[0] == "🌙 Today's top secrets in Group"
    assert [line.split(" — ")[1] for line in lines[1:]] == [
        "The one everybody loves.",
        "A newer one with a couple of reactions.",
    ]
    links = [span.link for span in digest.text.spans if span.link is not None]
    cards = {h.db.state.secrets[i].card_ref for i in (liked, newer)}
    assert {link.message_ref for link in links} == cards and all(link.chat_ref == GROUP for link in links)
    assert "quiet" not in digest.text.plain_text and h.db.state.secrets[quiet].points == 0
    h.clock.current = datetime(2026, 11, 25, 19, 0, tzinfo=UTC)
    assert await h.service.run_due_digests() == 0  # nothing worth it in the last 24 h: no digest


async def test_a_process_started_late_catches_up_once_within_the_grace_period() -> None:
    h = await Harness(PARIS).setup()
    liked = await _post(h, "u1", "Worth a digest.")
    await _react(h, liked, ["u2"])
    h.clock.current = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)  # 4.5 h late
    assert await h.service.run_due_digests() == 1
    assert await h.service.run_due_digests() == 0
    other = await Harness(PARIS).setup()
    await _react(other, await _post(other, "u1", "Another community's."), ["u2"])
    other.clock.current = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 7 h late: too late
    assert await other.service.run_due_digests() == 0


async def test_browsing_pages_forward_and_back_and_top_is_by_hotness() -> None:
    h = await Harness().setup()
    ids = []
    for n, text in enumerate(FEED_TEXTS):
        ids.append(await _post(h, f"u{n % 5 + 1}", f"Secret number {n}: {text}"))
        h.clock.advance(minutes=10)
    await _react(h, ids[2], ["u1", "u2", "u3"])
    first = await h.service.command(h.actor("u6"), "latest")
    text = text_of(first)
    assert "page 1" in text and "Secret number 6" in text and "Secret number 2" in text
    assert "Secret number 1" not in text
    page = first[0]
    assert isinstance(page, Say)
    next_action = next(b.action for row in page.message.buttons for b in row if b.label == "Next ▶")
    assert next_action is not None
    second = await h.press("u6", next_action)
    assert "page 2" in text_of(second) and "Secret number 0" in text_of(second)
    assert "Next ▶" not in str(second)
    back = await h.press("u6", Page(FeedKind.LATEST, 0))
    assert "page 1" in text_of(back)
    top = text_of(await h.service.command(h.actor("u6"), "top"))
    assert top.index("Secret number 2") < top.index("Secret number 6")


async def test_subscribers_see_public_communities_they_are_not_in_never_private_ones() -> None:
    h = await Harness().setup()
    insiders = {f"u{i}" for i in range(1, 7)}
    for ref, public in (("plaza", True), ("backroom", False)):
        h.directory.members[ref] = set(insiders)
        h.directory.admins[ref] = {"u6"}
        await h.service.register_community(
            PLATFORM, ref, ref.title(), CommunitySettings(publication_delay_seconds=0, public=public)
        )
    h.directory.members["elsewhere"] = {"u9", "u1", "u2", "u3", "u4"}
    h.directory.joined["u9"] = h.clock.now()
    await h.service.register_community(PLATFORM, "elsewhere", "Elsewhere")
    await _post(h, "u1", "Love story in the plaza.", topic_clicks=1, community="plaza")
    await _post(h, "u2", "Love story in the back room.", topic_clicks=1, community="backroom")
    await _post(h, "u3", "Work story in the plaza.", topic_clicks=2, community="plaza")
    before = text_of(await h.service.command(h.actor("u9"), "latest"))
    assert "story" not in before
    topics = await h.service.command(h.actor("u9"), "topics")
    assert "➕ love" in str(topics)
    subscribed = await h.press("u9", ToggleSubscription("love"))
    assert "✅ love" in str(subscribed)
    after = text_of(await h.service.command(h.actor("u9"), "latest"))
    assert "Love story in the plaza." in after
    assert "back room" not in after and "Work story" not in after
    assert "🏷 love" in after


async def test_members_who_opt_in_get_a_daily_dm_digest_of_their_topics_while_active() -> None:
    h = await Harness().setup()
    h.directory.members["plaza"] = {f"u{i}" for i in range(1, 7)}
    await h.service.register_community(
        PLATFORM, "plaza", "Plaza", CommunitySettings(publication_delay_seconds=0, public=True)
    )
    h.directory.members["elsewhere"] = {"u9", "u1", "u2", "u3", "u4"}
    await h.service.register_community(PLATFORM, "elsewhere", "Elsewhere")
    await h.press("u9", ToggleSubscription("love"))  # love
    panel = await h.press("u9", DailyDigest(True))
    assert "Daily digest of these topics in DM: on" in str(panel)
    loved = await _post(h, "u1", "A love story worth a daily digest.", topic_clicks=1, community="plaza")
    await _react(h, loved, ["u2", "u3"])
    h.clock.current = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)
    assert await h.service.run_due_digests() == 1
    assert await h.service.run_due_digests() == 0
    await h.settle()
    sent = h.messenger.to("dm-u9")[-1].message.text.plain_text
    assert sent.startswith("🌙 Today in your topics") and "A love story" in sent and "Plaza" in sent
    # a week without any activity from u9: the sealed address expires, nothing more is sent
    h.clock.current = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)
    again = await _post(h, "u2", "Another love story, days later.", topic_clicks=1, community="plaza")
    await _react(h, again, ["u3"])
    h.clock.current = datetime(2026, 12, 2, 19, 0, tzinfo=UTC)
    assert await h.service.run_due_digests() == 0
    assert await h.service.sweep() >= 1
    assert h.db.state.digest_readers == {}
