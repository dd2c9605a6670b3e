"""What a member's own keys reach at the moment they ask, and nothing else: their secrets and the threads they
replied in (two sealed lists that open with their per-person key, and those lists' archive pages), each secret
checked against its salted tag, each thread's replies found under their thread key, recomputed."""

from __future__ import annotations

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
    """Everything the member wrote, their lists' archive pages included."""
    secrets = await authorship.own_secrets(ctx, archived=True)
    threads: list[OwnThread] = []
    for secret_id in reversed(await authorship.own_thread_ids(ctx, archived=True)):
        # a replier's key, and an author's key for the replies they posted without the 👑
        for key in ctx.keys.thread_keys(secret_id):
            replies = await ctx.uow.replies.of_thread(secret_id, key)
            if replies:
                threads.append(OwnThread(secret_id, key, tuple(replies)))
    return OwnWriting(tuple(secrets), tuple(threads))
