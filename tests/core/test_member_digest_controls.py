"""The member's DM digest carries its own off switch, and says so before it stops (issue 15), fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.actions import (
    ChooseCommunity,
    CycleTopic,
    DailyDigest,
    KeepDigest,
    Post,
    React,
    StopDigest,
    ToggleSubscription,
)
from bot.messages import OutgoingMessage
from bot.model import CommunitySettings, Reaction
from tests.core.harness import PLATFORM, Harness, post_action, text_of

PLAZA = CommunitySettings(publication_delay_seconds=0, public=True)


async def _loved_secret(h: Harness, author: str, text: str) -> None:
    preview = await h.service.text(h.actor(author), text)
    draft = post_action(preview).draft
    plaza = next(c for c in h.db.state.communities.values() if c.chat_ref == "plaza")
    await h.press(author, ChooseCommunity(draft, plaza.id))
    await h.press(author, CycleTopic(draft))  # love
    await h.press(author, Post(draft))
    for fan in ("u3", "u4"):
        await h.press(fan, React(h.token(max(h.db.state.secrets)), Reaction.HEART))


async def _digest_at(h: Harness, when: datetime) -> OutgoingMessage | None:
    before = len(h.messenger.to("dm-u9"))
    h.clock.current = when
    await h.service.run_due_digests()
    await h.settle()
    sent = h.messenger.to("dm-u9")[before:]
    return sent[-1].message if sent else None


def _labels(message: OutgoingMessage) -> list[str]:
    return [button.label for row in message.buttons for button in row]


async def test_the_last_digest_offers_to_keep_sending_and_the_digest_can_switch_itself_off() -> None:
    h = await Harness().setup()
    h.directory.members["plaza"] = {f"u{i}" for i in range(1, 10)}
    await h.service.register_community(PLATFORM, "plaza", "Plaza", PLAZA)
    h.clock.current = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    await h.press("u9", ToggleSubscription("love"))
    await h.press("u9", DailyDigest(True))  # good for a week after u9's last activity: until Dec 1st 00:00

    await _loved_secret(h, "u1", "A love story for the first evening.")
    first = await _digest_at(h, datetime(2026, 11, 24, 19, 0, tzinfo=UTC))
    assert first is not None and "A love story for the first evening." in first.text.plain_text
    assert _labels(first) == ["🔕 Stop this digest"]  # the off switch, and no talk of stopping yet

    # the evening before the address expires: the digest says it is the last one and offers to renew
    h.clock.current = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    await _loved_secret(h, "u2", "A love story on the last evening.")
    last = await _digest_at(h, datetime(2026, 11, 30, 19, 0, tzinfo=UTC))
    assert last is not None and "This is the last digest" in last.text.plain_text
    assert _labels(last) == ["🔔 Keep sending", "🔕 Stop this digest"]
    renewed = await h.press("u9", KeepDigest())
    assert "keeps coming for another week" in text_of(renewed)
    h.clock.current = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    await _loved_secret(h, "u1", "A love story after the renewal.")
    kept = await _digest_at(h, datetime(2026, 12, 1, 19, 0, tzinfo=UTC))
    assert kept is not None and "A love story after the renewal." in kept.text.plain_text
    assert "last digest" not in kept.text.plain_text

    # the off switch in the digest: nothing more, in French too
    stopped = await h.press("u9", StopDigest(), locale="fr")
    assert "plus de résumé quotidien" in text_of(stopped)
    assert h.db.state.digest_readers == {}
    h.clock.current = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    await _loved_secret(h, "u2", "A love story nobody gets in DM.")
    assert await _digest_at(h, datetime(2026, 12, 2, 19, 0, tzinfo=UTC)) is None
