"""A process claims only the outbox entries of the messengers it runs (issue 16, point 6), on every backend:
each entry is written with its messenger (its community's platform, or a DM digest's address), a Telegram
process neither claims nor waits for a Discord one's entries, and two dispatchers sharing one database each
deliver their own, every entry once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

from bot.anonymity import Sealer, new_token
from bot.clock import SystemClock
from bot.dispatch import Dispatcher
from bot.messages import ChatTarget, OutgoingMessage
from bot.model import QueueCause
from bot.outbox import (
    AuthorNotice,
    CardRefresh,
    CommunityDigest,
    MemberDigest,
    OutboxMessage,
    QueueItemDue,
    ReplyRefresh,
    Welcome,
)
from bot.ports import Database
from bot.records import DigestAddress, NewReply
from tests.storage.contract import KEY, NOW, add_community, add_secret

LEASE = NOW + timedelta(seconds=15)


async def _reply(store: Database, secret_id: int) -> int:
    async with store.unit_of_work() as uow:
        await uow.replies.claim_pseudonym(secret_id, KEY, "Blue Fox")
        reply = await uow.replies.add(
            NewReply(
                secret_id=secret_id,
                thread_key=KEY,
                text="a reply",
                pseudonym="Blue Fox",
                by_author=False,
                created_at=NOW,
                token=new_token(),
            )
        )
        await uow.commit()
    return reply.id


async def _each_kind(store: Database, platform: str, chat: str) -> list[OutboxMessage]:
    """One message of each way a message names its messenger, for a community on ``platform``."""
    community = await add_community(store, chat, platform=platform)
    secret = await add_secret(store, community)
    reply = await _reply(store, secret)
    async with store.unit_of_work() as uow:
        item = await uow.moderation.add_item(community, secret, QueueCause.FILTER, "phone", NOW)
        reader = f"{platform[:1]}" * 64
        await uow.digests.set_address(
            reader, DigestAddress(platform, b"sealed", "en", NOW + timedelta(days=7))
        )
        await uow.commit()
    return [
        Welcome(community),
        CardRefresh(secret),
        AuthorNotice(secret, "notice.approved"),
        ReplyRefresh(reply),
        QueueItemDue(item.id),
        CommunityDigest(community, (secret,)),
        MemberDigest(reader, (secret,)),
    ]


async def test_each_entry_is_claimed_only_by_a_process_running_its_messenger(store: Database) -> None:
    telegram = await _each_kind(store, "telegram", "-100")
    discord = await _each_kind(store, "discord", "1/2")
    async with store.unit_of_work() as uow:
        for message in [*telegram, *discord]:
            await uow.outbox.add(message, NOW)
        await uow.commit()
    async with store.unit_of_work() as uow:
        # a process running only Discord sees nothing of Telegram's: not claimed, not waited for
        assert await uow.outbox.next_due({"discord"}) == NOW
        mine = await uow.outbox.claim_due(NOW, 100, LEASE, {"discord"})
        assert sorted(map(repr, (e.message for e in mine))) == sorted(map(repr, discord))
        assert await uow.outbox.next_due({"discord"}) == LEASE  # its own, held: nothing else to wait for
        assert await uow.outbox.claim_due(NOW, 100, LEASE, {"discord"}) == []
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.outbox.next_due({"telegram"}) == NOW
        theirs = await uow.outbox.claim_due(NOW, 100, LEASE, {"telegram"})
        assert sorted(map(repr, (e.message for e in theirs))) == sorted(map(repr, telegram))
        assert await uow.outbox.claim_due(NOW, 100, LEASE, {"console"}) == []
        await uow.commit()


async def test_an_entry_whose_record_is_gone_is_claimed_by_any_process(store: Database) -> None:
    async with store.unit_of_work() as uow:
        await uow.outbox.add(CardRefresh(999), NOW)  # no such secret: no messenger known
        await uow.commit()
    async with store.unit_of_work() as uow:
        [entry] = await uow.outbox.claim_due(NOW, 10, LEASE, {"discord"})
        assert entry.message == CardRefresh(999)


class Recorder:
    """A messenger that notes which process sent what, taking a moment per send as a platform does."""

    def __init__(self, process: str, log: list[tuple[str, str, str]]) -> None:
        self.process, self.log = process, log

    async def send(self, target: ChatTarget, message: OutgoingMessage) -> str:
        await asyncio.sleep(0.002)
        self.log.append((self.process, target.platform, target.chat_ref))
        return str(len(self.log))

    async def edit(self, target: ChatTarget, message_ref: str, message: OutgoingMessage) -> None:
        raise AssertionError("nothing is edited here")


async def test_two_processes_on_one_database_each_deliver_their_messengers_entries_once(
    store: Database,
) -> None:
    communities = {
        "telegram": [await add_community(store, f"-10{n}", platform="telegram") for n in range(12)],
        "discord": [await add_community(store, f"9/{n}", platform="discord") for n in range(12)],
    }
    sent: list[tuple[str, str, str]] = []
    clock = SystemClock()
    sealer = Sealer(b"k" * 32)
    processes = [
        Dispatcher(store, {"telegram": Recorder("tg-process", sent)}, sealer, clock),
        Dispatcher(store, {"discord": Recorder("dc-process", sent)}, sealer, clock),
    ]
    stop = asyncio.Event()
    running = [asyncio.create_task(p.run_forever(stop, poll_seconds=0.05)) for p in processes]
    try:
        async with store.unit_of_work() as uow:
            for ids in communities.values():
                for community in ids:
                    await uow.outbox.add(Welcome(community), datetime.now(UTC))
            await uow.commit()
        for _ in range(200):
            if len(sent) >= 24:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # nothing more comes
    finally:
        stop.set()
        await asyncio.gather(*running)
    assert Counter((process, platform) for process, platform, _ in sent) == {
        ("tg-process", "telegram"): 12,
        ("dc-process", "discord"): 12,
    }
    assert len({chat for _, _, chat in sent}) == 24  # every welcome exactly once
    async with store.unit_of_work() as uow:
        assert await uow.outbox.pending_count() == 0
