"""Authors' wishes to hear about replies, at rest (issue 15, point 2): the same contract on every backend."""

from __future__ import annotations

from datetime import timedelta

from bot.ports import Database
from tests.storage.contract import NOW, add_community, add_secret


async def test_a_wish_counts_replies_is_told_kept_and_stopped(store: Database) -> None:
    secret_id = await add_secret(store, await add_community(store))
    week = NOW + timedelta(days=7)
    async with store.unit_of_work() as uow:
        await uow.notices.subscribe(secret_id, "tok1", b"sealed-1", week)
        assert await uow.notices.count_reply(secret_id, NOW)
        assert await uow.notices.count_reply(secret_id, NOW)
        await uow.commit()
    async with store.unit_of_work() as uow:
        pending = await uow.notices.pending(secret_id, NOW)
        assert pending is not None and (pending.token, pending.sealed, pending.count) == (
            "tok1",
            b"sealed-1",
            2,
        )
        assert pending.expires_at == week and pending.batch == 0
        # claimed for one notice (numbered 1) before it is sent; a reply counted meanwhile stays pending
        assert await uow.notices.count_reply(secret_id, NOW)
        claimed = await uow.notices.claim(pending, secret_id, NOW)
        assert claimed is not None and (claimed.count, claimed.batch) == (2, 1)
        assert await uow.notices.claim(pending, secret_id, NOW) is None  # the same replies: claimed already
        found = await uow.notices.find("tok1", NOW)
        assert found is not None and (found.count, found.batch, found.expires_at) == (1, 1, week)
        await uow.notices.give_back(secret_id, claimed.count)  # the platform refused it: to tell again
        found = await uow.notices.find("tok1", NOW)
        assert found is not None and (found.count, found.batch) == (3, 1)
        again = await uow.notices.claim(found, secret_id, NOW)
        assert again is not None and (again.count, again.batch) == (3, 2)
        found = await uow.notices.find("tok1", NOW)
        assert found is not None and found.count == 0
        assert await uow.notices.find("nope", NOW) is None
        # kept another week: sealed anew
        assert await uow.notices.renew("tok1", b"sealed-2", week + timedelta(days=3), NOW + timedelta(days=5))
        await uow.commit()
    async with store.unit_of_work() as uow:
        found = await uow.notices.find("tok1", week + timedelta(days=1))
        assert (
            found is not None and found.sealed == b"sealed-2" and found.expires_at == week + timedelta(days=3)
        )
        assert not await uow.notices.renew(
            "tok1", b"late", week + timedelta(days=20), week + timedelta(days=4)
        )
        assert await uow.notices.find("tok1", week + timedelta(days=4)) is None  # expired: ended
        assert not await uow.notices.count_reply(secret_id, week + timedelta(days=4))
        assert await uow.notices.stop("tok1")
        assert not await uow.notices.stop("tok1")
        assert not await uow.notices.renew("tok1", b"gone", week, NOW)
        await uow.commit()
