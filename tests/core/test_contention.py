"""A unit of work the database refuses for another's sake (SQLite's write lock, a PostgreSQL deadlock) runs
again from the start: the member gets their answer, and what it wrote is written once."""

from __future__ import annotations

import pytest

from bot.ports import Contention
from tests.core.harness import Harness, post_action, text_of
from tests.fakes.store import FakeUnitOfWork


def refuse_commits(monkeypatch: pytest.MonkeyPatch, times: int) -> list[int]:
    """The next ``times`` commits are refused (nothing of them kept); returns the refusals made."""
    refused: list[int] = []
    commit = FakeUnitOfWork.commit

    async def refusing(self: FakeUnitOfWork) -> None:
        if len(refused) < times:
            refused.append(1)
            raise Contention("OperationalError")
        await commit(self)

    monkeypatch.setattr(FakeUnitOfWork, "commit", refusing)
    return refused


async def test_a_post_refused_twice_by_the_database_is_posted_once(monkeypatch: pytest.MonkeyPatch) -> None:
    h = await Harness().setup()
    preview = await h.service.text(h.actor("u1"), "The lock held me back twice, then let me through.")
    refused = refuse_commits(monkeypatch, 2)
    answer = await h.press("u1", post_action(preview))
    assert len(refused) == 2
    assert "Something went wrong" not in text_of(answer)
    assert [s.text for s in h.db.state.secrets.values()] == [
        "The lock held me back twice, then let me through."
    ]


async def test_a_database_that_keeps_refusing_gets_the_member_a_clear_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    h = await Harness().setup()
    refuse_commits(monkeypatch, 100)
    answer = await h.service.text(h.actor("u1"), "Never let through.")
    assert "Something went wrong on my side" in text_of(answer)
    assert not h.db.state.drafts
