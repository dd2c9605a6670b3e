"""A process killed right after a platform took a message: once the send is recorded (the small transaction
that follows it at once), a restart never sends it again; killed before that, inside the send-to-commit
window, it does (Telegram has no idempotency: benchmarks/chaos_bench.py measures how often). Cards, replies
and a community's daily digest, each by what the platform received."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot import ranking
from bot.actions import (
    ChooseCommunity,
    CycleTopic,
    DailyDigest,
    Moderate,
    Post,
    React,
    RemoveFor,
    ReplyLink,
    ToggleNotices,
    ToggleSubscription,
)
from bot.dispatch import LEASE
from bot.messages import ChatTarget, OutgoingMessage
from bot.model import CommunitySettings, ModerationMode, ModOperation, Reaction, ReportReason
from bot.ports import DeliveryError
from tests.core.harness import GROUP, PLATFORM, Harness, post_action
from tests.fakes import FakeDatabase
from tests.fakes.store import FakeUnitOfWork

PARIS = CommunitySettings(publication_delay_seconds=0, digest_time="20:00", timezone="Europe/Paris")
PLAZA = CommunitySettings(publication_delay_seconds=0, public=True)


class Killed(BaseException):
    """kill -9: nothing after it runs (not even ``except Exception`` handlers)."""


class _Recording(FakeUnitOfWork):
    async def commit(self) -> None:
        await super().commit()
        db = self._database
        assert isinstance(db, DyingDatabase)
        if db.kill == "after recording":
            db.dead = True


class DyingDatabase(FakeDatabase):
    """Dies at ``kill``: as the recording of a send begins (inside the window) or once it is committed."""

    kill: str | None = None
    dead = False

    def unit_of_work(self) -> FakeUnitOfWork:
        if self.dead:
            raise Killed
        return super().unit_of_work()

    def recording(self) -> FakeUnitOfWork:
        if self.dead or self.kill == "before recording":
            self.dead = True
            raise Killed
        return _Recording(self)


def _dying(h: Harness) -> DyingDatabase:
    """The harness's database, from now on one that can die (the same object everything already holds)."""
    h.db.__class__ = DyingDatabase
    assert isinstance(h.db, DyingDatabase)
    return h.db


async def _killed_then_restarted(h: Harness, db: DyingDatabase, kill: str) -> None:
    db.kill = kill
    with pytest.raises(Killed):
        await h.settle()
    db.kill, db.dead = None, False  # restarted: the claims of the dead process run out, all is claimed again
    h.clock.advance(seconds=2 * LEASE.total_seconds() + 30)
    await h.settle()


def _copies(h: Harness, prefix: str) -> int:
    return sum(1 for s in h.messenger.sent if not s.edited and (s.target.once or "").startswith(prefix))


@pytest.mark.parametrize(("kill", "copies"), [("after recording", 1), ("before recording", 2)])
async def test_a_card(kill: str, copies: int) -> None:
    h = await Harness().setup()
    db = _dying(h)
    preview = await h.service.text(h.actor("u1"), "Killed right after my card went out.")
    await h.service.press(h.actor("u1"), post_action(preview).encode())
    await _killed_then_restarted(h, db, kill)
    assert _copies(h, "card:") == copies
    [secret] = db.state.secrets.values()
    assert secret.card_ref == h.cards()[-1].ref  # the last copy is the one recorded


@pytest.mark.parametrize(("kill", "copies"), [("after recording", 1), ("before recording", 2)])
async def test_a_reply(kill: str, copies: int) -> None:
    h = await Harness().setup()
    db = _dying(h)
    preview = await h.service.text(h.actor("u1"), "A secret to reply to.")
    await h.press("u1", post_action(preview))
    [secret_id] = db.state.secrets
    await h.service.start(h.actor("u2"), ReplyLink(h.token(secret_id)).encode())
    preview = await h.service.text(h.actor("u2"), "A reply killed right after it went out.")
    await h.service.press(h.actor("u2"), post_action(preview).encode())
    await _killed_then_restarted(h, db, kill)
    assert _copies(h, "reply:") == copies
    [reply] = db.state.replies.values()
    assert reply.message_ref is not None
    # what follows from it (the secret's points) came once, after the recording, even across the kill
    assert db.state.secrets[secret_id].points == ranking.REPLY_POINTS


@pytest.mark.parametrize(("kill", "copies"), [("after recording", 1), ("before recording", 2)])
async def test_a_daily_digest(kill: str, copies: int) -> None:
    h = await Harness(PARIS).setup()
    db = _dying(h)
    preview = await h.service.text(h.actor("u1"), "Worth the digest of the day.")
    await h.press("u1", post_action(preview))
    [secret_id] = db.state.secrets
    for user in ("u2", "u3", "u4"):
        await h.press(user, React(h.token(secret_id), Reaction.HEART))
    h.clock.current = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)
    assert await h.service.run_due_digests() == 1
    await _killed_then_restarted(h, db, kill)
    assert sum(1 for s in h.messenger.to(GROUP) if "digest:" in (s.target.once or "")) == copies


@pytest.mark.parametrize(("kill", "copies"), [("after recording", 1), ("before recording", 2)])
async def test_a_members_daily_digest(kill: str, copies: int) -> None:
    h = await Harness().setup()
    h.directory.members["plaza"] = {f"u{i}" for i in range(1, 10)}
    await h.service.register_community(PLATFORM, "plaza", "Plaza", PLAZA)
    h.clock.current = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    await h.press("u9", ToggleSubscription("love"))
    await h.press("u9", DailyDigest(True))
    preview = await h.service.text(h.actor("u1"), "A love story for the evening's digest.")
    draft = post_action(preview).draft
    plaza = next(c for c in h.db.state.communities.values() if c.chat_ref == "plaza")
    await h.press("u1", ChooseCommunity(draft, plaza.id))
    await h.press("u1", CycleTopic(draft))  # love
    await h.press("u1", Post(draft))
    for fan in ("u3", "u4"):
        await h.press(fan, React(h.token(max(h.db.state.secrets)), Reaction.HEART))
    db = _dying(h)
    h.clock.current = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)
    assert await h.service.run_due_digests() == 1
    await _killed_then_restarted(h, db, kill)
    assert _copies(h, "dm_digest:") == copies
    assert all(
        s.target.chat_ref == "dm-u9" for s in h.messenger.sent if "dm_digest:" in (s.target.once or "")
    )


@pytest.mark.parametrize(("kill", "copies"), [("after recording", 1), ("before recording", 2)])
async def test_an_authors_notice(kill: str, copies: int) -> None:
    """A removal's reason told at the sealed return address: erased in the recording that follows the send."""
    h = await Harness(CommunitySettings(publication_delay_seconds=0, mode=ModerationMode.REVIEW)).setup()
    await h.post("u1", "A secret its author hears about.")
    [item_id] = h.db.state.items
    await h.press("u6", Moderate(h.item(item_id), ModOperation.REMOVE))
    db = _dying(h)
    await h.service.press(h.actor("u6"), RemoveFor(h.item(item_id), ReportReason.SPAM).encode())
    await _killed_then_restarted(h, db, kill)
    assert _copies(h, "notice:") == copies
    assert all(s.target.chat_ref == "dm-u1" for s in h.messenger.sent if "notice:" in (s.target.once or ""))


async def _replies_with_notices(h: Harness, replies: int) -> None:
    """u1's secret, posted asking to hear of replies, and ``replies`` replies to it, all out."""
    preview = await h.service.text(h.actor("u1"), "Tell me when someone answers this.")
    draft = post_action(preview).draft
    await h.press("u1", ToggleNotices(draft))
    await h.press("u1", Post(draft))
    token = h.token(max(h.db.state.secrets))
    for n in range(replies):
        await h.service.start(h.actor(f"u{2 + n}"), ReplyLink(token).encode())
        preview = await h.service.text(h.actor(f"u{2 + n}"), f"An answer, number {n}.")
        await h.press(f"u{2 + n}", post_action(preview))
    h.clock.advance(minutes=10)
    await h.settle()  # the replies are out; their notice waits for its moment (15 to 30 minutes)


def _notices(h: Harness) -> list[str]:
    return [
        s.message.text.plain_text
        for s in h.messenger.to("dm-u1")
        if "your secret #1" in s.message.text.plain_text
    ]


@pytest.mark.parametrize("kill", ["after recording", "before recording"])
async def test_a_reply_notice_is_never_sent_twice(kill: str) -> None:
    """Killed as the platform took a reply notice, even before the commit recording it: the notice's replies
    were claimed and committed before it went out, so the restart finds nothing more to tell (at most once,
    on a platform without idempotency too); replies after it make a notice of their own."""
    h = await Harness().setup()
    db = _dying(h)
    await _replies_with_notices(h, 3)
    db.kill = kill
    h.clock.advance(minutes=21)
    with pytest.raises(Killed):
        await h.settle()
    db.kill, db.dead = None, False
    h.clock.advance(seconds=2 * LEASE.total_seconds() + 30)
    await h.settle()
    h.clock.advance(minutes=31)
    await h.settle()
    assert _notices(h) == ["💬 3 new replies to your secret #1."]
    [sent] = [s for s in h.messenger.to("dm-u1") if "your secret #1" in s.message.text.plain_text]
    assert sent.target.once == f"reply_notice:{max(db.state.secrets)}:1"  # Discord's nonce: this batch
    token = h.token(max(db.state.secrets))
    await h.service.start(h.actor("u2"), ReplyLink(token).encode())
    await h.press("u2", post_action(await h.service.text(h.actor("u2"), "One more, later.")))
    h.clock.advance(minutes=31)
    await h.settle()
    assert _notices(h) == ["💬 3 new replies to your secret #1.", "💬 Someone replied to your secret #1."]


async def test_a_reply_notice_whose_answer_was_lost_is_not_sent_again() -> None:
    """The platform took the notice and its answer never came back (a network error, retried): the retry
    finds its replies told, and sends nothing."""
    h = await Harness().setup()
    await _replies_with_notices(h, 2)
    takes = h.messenger.send
    lost: list[str] = []

    async def loses_the_answer(target: ChatTarget, message: OutgoingMessage) -> str:
        ref = await takes(target, message)  # the platform has it...
        if target.chat_ref == "dm-u1" and not lost:
            lost.append(ref)
            raise DeliveryError("network")  # ...and its answer is lost
        return ref

    h.messenger.send = loses_the_answer  # type: ignore[method-assign]
    h.clock.advance(minutes=21)
    await h.settle()
    for _ in range(3):  # the entry's retries
        h.clock.advance(minutes=5)
        await h.settle()
    assert lost  # the answer was lost
    assert _notices(h) == ["💬 2 new replies to your secret #1."]


async def test_a_reply_notice_the_platform_refused_is_sent_on_the_retry() -> None:
    """Flood control: the platform surely did not take the notice, its replies are told on the retry."""
    h = await Harness().setup()
    await _replies_with_notices(h, 2)
    h.messenger.failures.append(DeliveryError("flood control", retry_after=3))
    h.clock.advance(minutes=21)
    await h.settle()
    assert _notices(h) == []
    h.clock.advance(minutes=5)
    await h.settle()
    assert _notices(h) == ["💬 2 new replies to your secret #1."]
