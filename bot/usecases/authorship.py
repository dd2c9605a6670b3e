"""Who wrote what, without storing it: a salted tag per secret ("is it mine?" is recomputed), the member's
sealed lists of their own secrets (/mine) and of the threads they replied in, and the author's community
key sealed on a secret for a bounded window so that moderators can ban an author they never see."""

from __future__ import annotations

import asyncio
import itertools
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from bot import own_list
from bot.anonymity import new_salt
from bot.model import ReplyPost, Secret
from bot.records import OwnList, SealedValue
from bot.usecases.context import Context

# How long a secret keeps its author's sealed community key for a ban: 48 hours after it was written, or
# longer while it waits for a moderator's decision (held, or hidden by reports). Then only its salted tag
# remains, which nobody can open without the author.
BAN_KEY_WINDOW = timedelta(hours=48)
# How long a report keeps its reporter's sealed community key, waiting for the moderators' judgement of it
# (which counts in the reporter's weight): past it, the report is judged without touching their record.
REPORTER_KEY_WINDOW = timedelta(days=7)
SAVE_ATTEMPTS = 8


def new_author(ctx: Context) -> tuple[bytes, str]:
    """(salt, tag) for something this member writes now."""
    salt = new_salt()
    return salt, ctx.keys.author_tag(salt)


def new_owner(ctx: Context) -> tuple[bytes, str]:
    salt = new_salt()
    return salt, ctx.keys.draft_tag(salt)


def wrote(ctx: Context, secret: Secret) -> bool:
    return ctx.keys.wrote(secret.author_salt, secret.author_tag)


def ban_key_context(salt: bytes) -> str:
    return f"ban-key:{salt.hex()}"


def reply_ban_key_context(thread_key: str, created_at: datetime) -> str:
    """A reply's: its thread key and its time (to the microsecond) name the row."""
    return f"reply-ban-key:{thread_key}:{round(created_at.timestamp() * 1_000_000)}"


def reporter_key_context(reporter_key: str) -> str:
    return f"reporter-key:{reporter_key}"


def sealed_member_key(ctx: Context, community_id: int, context: str, window: timedelta) -> SealedValue:
    sealed = ctx.services.sealer.seal(ctx.keys.member(community_id), context)
    return SealedValue(sealed, ctx.now() + window)


async def author_member_key(ctx: Context, secret: Secret) -> str | None:
    """The author's community key, opened from the secret while its window lasts; None after."""
    sealed = await ctx.uow.secrets.ban_key(secret.id, ctx.now())
    return ctx.services.sealer.open(sealed, ban_key_context(secret.author_salt)) if sealed else None


async def replier_member_key(ctx: Context, reply: ReplyPost) -> str | None:
    """The replier's community key, opened from the reply while its window lasts; None after."""
    sealed = await ctx.uow.replies.ban_key(reply.id, ctx.now())
    context = reply_ban_key_context(reply.thread_key, reply.created_at)
    return ctx.services.sealer.open(sealed, context) if sealed else None


async def ready(ctx: Context) -> None:
    """The keys of the member's sealed lists derived in a worker thread, if this process has not derived them
    yet: scrypt takes milliseconds of CPU (tens on a loaded machine), which on the event loop held every other
    member and the recording of what a platform just took; a few at once (``DERIVATIONS_AT_ONCE``), so that
    a burst of them leaves a core to the loop. Called before a use case's first write, so that it never waits
    for a thread while its transaction holds the database's writer."""
    if not ctx.keys.own_list_known():
        async with ctx.services.derivations:  # a core left to the event loop
            if not ctx.keys.own_list_known():  # (derived by another event of the member's meanwhile)
                await asyncio.to_thread(ctx.keys.own_list)


async def own_secret_ids(ctx: Context, *, archived: bool = False) -> list[int]:
    """The ids of the member's latest secrets (at least the latest ``MOVED_TO_ARCHIVE``), oldest first; with
    ``archived``, every one they ever wrote (their list's archive pages first)."""
    await ready(ctx)
    return await _ids(ctx, *ctx.keys.own_list(), archived=archived)


async def own_thread_ids(ctx: Context, *, archived: bool = False) -> list[int]:
    """The ids of the secrets under which the member replied lately, oldest first; with ``archived``, all."""
    await ready(ctx)
    return await _ids(ctx, *ctx.keys.own_threads(), archived=archived)


async def own_list_locators(ctx: Context) -> list[str]:
    """Every stored row of the member's two lists: the lists themselves and their archive pages."""
    await ready(ctx)
    found: list[str] = []
    for locator, key in (ctx.keys.own_list(), ctx.keys.own_threads()):
        found.append(locator)
        found += [page for page, _ in await _archive_pages(ctx, locator, key)]
    return found


async def own_secrets(ctx: Context, since: datetime | None = None, *, archived: bool = False) -> list[Secret]:
    """The member's latest secrets, newest first (each checked against its tag); with ``archived``, all."""
    ids = await own_secret_ids(ctx, archived=archived)
    # only those written since ``since`` are read (and their tags checked): a member's list holds up to 256
    found = {s.id: s for s in await ctx.uow.secrets.get_many(ids, since) if wrote(ctx, s)}
    return [found[i] for i in reversed(ids) if i in found]


async def remember(ctx: Context, secret_id: int, read: tuple[OwnList | None] | None = None) -> None:
    """``secret_id`` goes at the end of the member's list; ``read``: the list as just read in this unit of
    work (``SecretRepository.add_from_draft``), not asked again unless it changed meanwhile."""
    await _change(ctx, ctx.keys.own_list(), lambda ids: [*ids, secret_id], read)


async def remember_thread(ctx: Context, secret_id: int) -> None:
    """A reply written under ``secret_id``: its thread goes to the end of the member's list, once."""
    await _change(ctx, ctx.keys.own_threads(), lambda ids: [*(i for i in ids if i != secret_id), secret_id])


async def forget(ctx: Context, secret_id: int) -> None:
    await _change(ctx, ctx.keys.own_list(), lambda ids: [i for i in ids if i != secret_id])


async def _ids(ctx: Context, locator: str, key: bytes, *, archived: bool = False) -> list[int]:
    stored = await ctx.uow.own_lists.get(locator)
    latest = (own_list.open_list(stored.sealed, key, locator) or []) if stored else []
    if not archived:
        return latest
    every = [i for _, ids in await _archive_pages(ctx, locator, key) for i in ids] + latest
    return list(dict.fromkeys(every))  # an id archived twice (a save that was retried) counts once


async def _archive_pages(ctx: Context, locator: str, key: bytes) -> list[tuple[str, list[int]]]:
    """A list's archive pages, oldest first: (locator, ids) of pages 1, 2, ... up to the first missing."""
    pages: list[tuple[str, list[int]]] = []
    for page in itertools.count(1):
        at = own_list.archive_locator(key, locator, page)
        stored = await ctx.uow.own_lists.get(at)
        if stored is None:
            return pages
        pages.append((at, own_list.open_list(stored.sealed, key, at) or []))
    raise AssertionError("unreachable")


async def _archive(ctx: Context, locator: str, key: bytes, ids: list[int]) -> None:
    """``ids`` kept on the list's first free archive page."""
    for page in itertools.count(1):
        at = own_list.archive_locator(key, locator, page)
        if await ctx.uow.own_lists.get(at) is None and await ctx.uow.own_lists.save(
            at, own_list.seal(ids, key, at), None, secrets.token_hex(16)
        ):
            return


async def _change(
    ctx: Context,
    keys: tuple[str, bytes],
    change: Callable[[list[int]], list[int]],
    read: tuple[OwnList | None] | None = None,
) -> None:
    """Rewrite a sealed list, again if another event of the same member changed it meanwhile; a list that
    outgrows its row moves its oldest half to an archive page first. The first attempt starts from ``read``
    (the list as just read) if given."""
    locator, key = keys
    for attempt in range(SAVE_ATTEMPTS):
        stored = read[0] if read is not None and attempt == 0 else await ctx.uow.own_lists.get(locator)
        ids = change((own_list.open_list(stored.sealed, key, locator) or []) if stored else [])
        if len(ids) > own_list.CAPACITY:
            await _archive(ctx, locator, key, ids[: own_list.MOVED_TO_ARCHIVE])
            ids = ids[own_list.MOVED_TO_ARCHIVE :]
        sealed = own_list.seal(ids, key, locator)
        if await ctx.uow.own_lists.save(
            locator, sealed, stored.version if stored else None, secrets.token_hex(16)
        ):
            return
    raise RuntimeError("the member's list kept changing")
