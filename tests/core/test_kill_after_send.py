"""A process killed right after a platform took a message: once the send is recorded (the small transaction
that follows it at once), a restart never sends it again; killed before that, inside the send-to-commit
window, it does (Telegram has no idempotency: benchmarks/chaos_bench.py measures how often). Cards, replies
and a community's daily digest, each by what the platform received."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.actions import React, ReplyLink
from bot.dispatch import LEASE
from bot.model import CommunitySettings, Reaction
from tests.core.harness import GROUP, Harness, post_action
from tests.fakes import FakeDatabase
from tests.fakes.store import FakeUnitOfWork

PARIS = CommunitySettings(publication_delay_seconds=0, digest_time="20:00", timezone="Europe/Paris")


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
