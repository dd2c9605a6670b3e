"""What a member's own keys reach at the moment they ask, and nothing else: their latest secrets (the sealed
list that opens with their per-person key, each checked against its salted tag) and their replies (their
thread key recomputed for each thread of their platform, the only way to tell a reply is theirs)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from bot.model import ReplyPost, ReplyStatus, Secret, SecretStatus
from bot.usecases import authorship
from bot.usecases.context import Context


@dataclass(frozen=True)
class OwnThread:
    """A member's replies in one thread, under their key there."""

    secret_id: int
    thread_key: str
    replies: tuple[ReplyPost, ...]


@dataclass(frozen=True)
class OwnWriting:
    secrets: tuple[Secret, ...]  # newest first
    threads: tuple[OwnThread, ...]

    @property
    def live_secrets(self) -> tuple[Secret, ...]:
        """Those not deleted yet (a deleted secret keeps no text and no tag)."""
        return tuple(s for s in self.secrets if s.status is not SecretStatus.DELETED)

    @property
    def live_replies(self) -> tuple[ReplyPost, ...]:
        return tuple(
            r for thread in self.threads for r in thread.replies if r.status is not ReplyStatus.DELETED
        )


async def own_writing(ctx: Context) -> OwnWriting:
    secrets = await authorship.own_secrets(ctx)
    mine: dict[int, str] = {}
    threads: list[OwnThread] = []
    for candidate in await ctx.uow.replies.threads_on(ctx.actor.platform):
        key = mine.get(candidate.secret_id)
        if key is None:
            key = mine[candidate.secret_id] = ctx.keys.thread(candidate.secret_id)
        if hmac.compare_digest(key, candidate.thread_key):
            replies = await ctx.uow.replies.of_thread(candidate.secret_id, candidate.thread_key)
            threads.append(OwnThread(candidate.secret_id, key, tuple(replies)))
    return OwnWriting(tuple(secrets), tuple(threads))
