"""Producing the daily digests: one per community at its local time, one per opted-in member; each
claimed by a unique row before it is built, so several processes produce it once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from bot import digests
from bot.outbox import CommunityDigest, MemberDigest, Outbox
from bot.ports import Clock, Database
from bot.records import FeedQuery


class DigestRuns:
    def __init__(self, database: Database, clock: Clock, platforms: Iterable[str]) -> None:
        self._db = database
        self._clock = clock
        self._directories = tuple(platforms)

    async def run_due(self, grace: timedelta = digests.DEFAULT_GRACE) -> int:
        """Queue the daily digest of every community whose digest time has come; returns how many.

        Idempotent and safe with several processes: each (community, local date) is claimed by a unique
        row before anything is built, so a digest is produced once.
        """
        now = self._clock.now()
        produced = 0
        async with self._db.unit_of_work() as uow:
            communities = [c for p in self._directories for c in await uow.communities.active_on(p, 10_000)]
        for community in communities:
            due = digests.due_period(community.settings, now, grace)
            if due is None:
                continue
            async with self._db.unit_of_work() as uow:
                if not await uow.digests.claim_community(community.id, due.key, now):
                    continue
                candidates = await uow.feeds.top_since(
                    community.id, due.scheduled - digests.DIGEST_WINDOW, 100
                )
                chosen = digests.pick(list(candidates), due.scheduled)
                if chosen:
                    digest = CommunityDigest(community.id, tuple(s.id for s in chosen))
                    await Outbox(uow, self._clock).add(digest)
                    produced += 1
                await uow.commit()
        return produced + await self._member_digests(now, grace)

    async def _member_digests(self, now: datetime, grace: timedelta) -> int:
        """The daily DM digest of their collections, for members who opted in, at the local time and in the
        time zone each chose (19:00 UTC until they choose); claimed per member and local date."""
        produced = 0
        async with self._db.unit_of_work() as uow:
            readers = await uow.digests.readers(now)
            # a digest stays due for the catch-up hours and this runs every minute: the ones claimed
            # already are skipped here, with no claim each (the claim still decides between processes)
            claimed = await uow.digests.member_claims(now - max(grace, digests.CLAIMS_READ))
        for reader in readers:
            key, address = reader.preference_key, reader.address
            due = digests.due_at(address.at, address.zone, now, grace)
            if due is None or (key, due.key) in claimed:
                continue
            async with self._db.unit_of_work() as uow:
                if not await uow.digests.claim_member(key, due.key, now):
                    continue
                subscribed = await uow.preferences.subscriptions(key)
                public = await uow.communities.public_since(address.platform)
                since = due.scheduled - digests.DIGEST_WINDOW
                pool = (
                    await uow.feeds.page(
                        FeedQuery(
                            collections=subscribed, public=public, since=since, by_points=True, limit=100
                        )
                    )
                    if subscribed
                    else []
                )
                chosen = digests.pick(list(pool), due.scheduled)
                if chosen:
                    await Outbox(uow, self._clock).add(MemberDigest(key, tuple(s.id for s in chosen)))
                    produced += 1
                await uow.commit()
        return produced
