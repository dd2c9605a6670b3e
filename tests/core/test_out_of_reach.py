"""A secret that doesn't exist, isn't out yet or is in another community: one answer, byte for byte."""

from __future__ import annotations

from bot.actions import ChooseCommunity, Post, React, ReplyLink, Report, ReportLink
from bot.anonymity import new_token
from bot.model import CommunitySettings, Reaction, ReportReason, SecretStatus, Token
from tests.core.harness import GROUP, PLATFORM, Harness, post_action, text_of


async def _post(h: Harness, text: str, community_id: int) -> int:
    draft = post_action(await h.service.text(h.actor("u1"), text)).draft
    await h.press("u1", ChooseCommunity(draft, community_id))
    await h.press("u1", Post(draft))
    return max(h.db.state.secrets)


async def _three_out_of_reach(h: Harness) -> tuple[Token, Token, Token]:
    """u9 belongs to "elsewhere" only. Returns the tokens of a secret of the group (published), of one of
    "elsewhere" not out yet (a publication delay), and a token no secret has."""
    h.directory.members["elsewhere"] = {"u9", "u1", "u2", "u3", "u4"}
    elsewhere = await h.service.register_community(
        PLATFORM, "elsewhere", "Elsewhere", CommunitySettings(publication_delay_seconds=3600)
    )
    group = next(c for c in h.db.state.communities.values() if c.chat_ref == GROUP)
    published = await _post(h, "Out in the group.", group.id)
    waiting = await _post(h, "Not out yet elsewhere.", elsewhere.id)
    assert h.db.state.secrets[published].status is SecretStatus.PUBLISHED
    assert h.db.state.secrets[waiting].status is SecretStatus.QUEUED
    return h.token(published), h.token(waiting), new_token()


async def test_deep_links_and_buttons_answer_the_same_for_every_secret_out_of_reach() -> None:
    h = await Harness().setup()
    cases = await _three_out_of_reach(h)
    u9 = h.actor("u9")
    for answers in (
        [await h.service.start(u9, ReportLink(secret).encode()) for secret in cases],
        [await h.service.start(u9, ReplyLink(secret).encode()) for secret in cases],
        [await h.service.press(u9, React(secret, Reaction.HEART).encode()) for secret in cases],
        [await h.service.press(u9, Report(secret, ReportReason.SPAM).encode()) for secret in cases],
    ):
        assert answers[0] == answers[1] == answers[2], answers
        assert "isn't available" in text_of(answers[0])
    assert h.db.state.reactions == set() and not h.db.state.items


async def test_nothing_acts_on_a_secret_before_its_card_is_out() -> None:
    h = await Harness().setup()
    _, waiting, _ = await _three_out_of_reach(h)
    secret_id = next(s.id for s in h.db.state.secrets.values() if s.token == waiting)
    for user in ("u2", "u3"):  # members of "elsewhere", where it waits
        assert "isn't available" in text_of(await h.press(user, React(waiting, Reaction.HEART)))
        assert "isn't available" in text_of(
            await h.service.start(h.actor(user), ReportLink(waiting).encode())
        )
    assert h.db.state.reactions == set()
    h.clock.advance(seconds=3601)
    await h.settle()
    assert h.db.state.secrets[secret_id].status is SecretStatus.PUBLISHED
    assert "❤️" in text_of(await h.press("u2", React(waiting, Reaction.HEART)))
