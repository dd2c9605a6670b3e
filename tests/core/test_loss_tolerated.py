"""Which units of work may lose their commit in a crash of the database's host (on PostgreSQL their commit
does not wait for the disk): a reaction toggled and a preview's draft only. Whatever a member or a moderator
is told was done (a secret accepted, a delivery recorded, a moderation decision, a ban, a deletion, a
forget-me) commits in units that wait for the disk (tests/storage/test_commits_wait_for_the_disk.py shows
what each kind of unit does on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Awaitable

from bot.actions import AskDelete, ConfirmDelete, Forget, Moderate, React, ReplyLink
from bot.model import ModOperation, Reaction
from tests.core.harness import Harness, post_action


async def _tolerated(h: Harness, step: Awaitable[object]) -> tuple[int, int]:
    """(commits, of them those whose loss was tolerated) made by ``step`` and the deliveries it queued."""
    commits, tolerated = h.db.commits, h.db.loss_tolerating_commits
    await step
    await h.settle()
    return h.db.commits - commits, h.db.loss_tolerating_commits - tolerated


async def test_only_toggles_and_previews_commit_without_waiting_for_the_disk() -> None:
    h = await Harness().setup()
    preview: list[object] = []

    async def write(user: str, text: str) -> None:
        preview[:] = await h.service.text(h.actor(user), text)

    assert (await _tolerated(h, write("u1", "A secret of mine.")))[1] == 1  # the preview's draft
    commits, tolerated = await _tolerated(h, h.press("u1", post_action(preview)))  # accepted: "Sent!"
    assert commits >= 2 and tolerated == 0  # the secret, then its card's delivery recorded
    secret_id = max(h.db.state.secrets)
    assert (await _tolerated(h, h.press("u2", React(h.token(secret_id), Reaction.HEART))))[1] == 1
    await h.service.start(h.actor("u3"), ReplyLink(h.token(secret_id)).encode())
    assert (await _tolerated(h, write("u3", "A reply.")))[1] == 1
    commits, tolerated = await _tolerated(h, h.press("u3", post_action(preview)))  # the reply accepted
    assert commits >= 2 and tolerated == 0
    await h.press("u1", AskDelete(h.token(secret_id)))
    commits, tolerated = await _tolerated(h, h.press("u1", ConfirmDelete(h.token(secret_id))))
    assert commits >= 1 and tolerated == 0
    await write("u2", "REVIEWME please.")
    assert (await _tolerated(h, h.press("u2", post_action(preview))))[1] == 0  # held for the moderators
    item = h.item(max(h.db.state.items))
    commits, tolerated = await _tolerated(h, h.press("u6", Moderate(item, ModOperation.BAN_WEEK)))
    assert commits >= 1 and tolerated == 0  # the decision and the ban
    commits, tolerated = await _tolerated(h, h.press("u1", Forget(erase=True, confirmed=True)))
    assert commits >= 1 and tolerated == 0
