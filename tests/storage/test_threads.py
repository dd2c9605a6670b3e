"""Storage contract for replies, pseudonyms and reports, on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from bot.anonymity import new_token
from bot.model import ReportReason
from bot.ports import Database
from bot.records import NewReply, NewReport, ReporterRecord, SealedReporter, SealedValue
from tests.storage.contract import KEY, NOW, OTHER, THIRD, add_community, add_secret


async def test_replies_are_stored_counted_and_given_their_message(store: Database) -> None:
    community_id = await add_community(store)
    secret_id, other = await add_secret(store, community_id, 1), await add_secret(store, community_id, 2)
    async with store.unit_of_work() as uow:
        reply = await uow.replies.add(
            NewReply(
                secret_id=secret_id,
                thread_key=OTHER,
                text="me too",
                pseudonym="Blue Fox",
                by_author=False,
                created_at=NOW,
                token=new_token(),
            )
        )
        crowned = await uow.replies.add(
            NewReply(
                secret_id=secret_id,
                thread_key=KEY,
                text="thanks",
                pseudonym="Red Owl",
                by_author=True,
                created_at=NOW,
                token=new_token(),
            )
        )
        await uow.replies.add(
            NewReply(
                secret_id=other,
                thread_key=OTHER,
                text="elsewhere",
                pseudonym="Blue Fox",
                by_author=False,
                created_at=NOW - timedelta(hours=2),
                token=new_token(),
            )
        )
        await uow.replies.set_message_ref(reply.id, "m-1")
        await uow.commit()
    async with store.unit_of_work() as uow:
        found = await uow.replies.get(reply.id)
        assert found is not None
        assert (found.secret_id, found.thread_key, found.text, found.pseudonym) == (
            secret_id, OTHER, "me too", "Blue Fox"
        )  # fmt: skip
        assert (found.by_author, found.created_at, found.message_ref) == (False, NOW, "m-1")
        assert await uow.replies.get(crowned.id) == crowned
        assert await uow.replies.get(crowned.id + 1000) is None
        # a reply counts once it is out: the count on the card must not tell when a reply was written
        assert await uow.replies.count(secret_id) == 1
        assert await uow.replies.count(other) == 0
        await uow.replies.set_message_ref(crowned.id, "m-2")
        assert await uow.replies.count(secret_id) == 2


async def test_a_pseudonym_is_one_members_in_one_thread(store: Database) -> None:
    community_id = await add_community(store)
    secret_id, other = await add_secret(store, community_id, 1), await add_secret(store, community_id, 2)
    async with store.unit_of_work() as uow:
        assert await uow.replies.pseudonym_of(secret_id, KEY) is None
        assert await uow.replies.claim_pseudonym(secret_id, KEY, "Blue Fox")
        assert not await uow.replies.claim_pseudonym(secret_id, OTHER, "Blue Fox")  # taken in this thread
        assert not await uow.replies.claim_pseudonym(secret_id, KEY, "Red Owl")  # has one already
        assert await uow.replies.claim_pseudonym(secret_id, OTHER, "Red Owl")
        assert await uow.replies.claim_pseudonym(other, OTHER, "Blue Fox")  # another thread
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.replies.pseudonym_of(secret_id, KEY) == "Blue Fox"
        assert await uow.replies.pseudonym_of(secret_id, OTHER) == "Red Owl"
        assert await uow.replies.pseudonym_of(other, OTHER) == "Blue Fox"
        assert await uow.replies.pseudonym_of(other, KEY) is None


async def test_report_weight_counts_only_reports_made_since_a_decision(store: Database) -> None:
    secret_id = await add_secret(store, await add_community(store))
    async with store.unit_of_work() as uow:
        assert await uow.reports.weight(secret_id) == 0
        assert await uow.reports.add(NewReport(secret_id, KEY, ReportReason.SPAM, 0.5, NOW))
        assert await uow.reports.add(
            NewReport(secret_id, OTHER, ReportReason.HATE, 1.0, NOW + timedelta(hours=2))
        )
        await uow.commit()
        assert await uow.reports.weight(secret_id) == 1.5
        assert await uow.reports.weight(secret_id, NOW) == 1.0
        assert await uow.reports.weight(secret_id, NOW + timedelta(hours=2)) == 0


async def test_reports_keep_their_reporters_sealed_key_until_judged_or_expired(store: Database) -> None:
    community_id = await add_community(store)
    judged, waiting = await add_secret(store, community_id, 1), await add_secret(store, community_id, 2)
    week = NOW + timedelta(days=7)
    async with store.unit_of_work() as uow:
        for secret_id in (judged, waiting):
            await uow.reports.add(
                NewReport(secret_id, KEY, ReportReason.SPAM, 1.0, NOW, SealedValue(b"k1", week))
            )
        await uow.reports.add(NewReport(judged, OTHER, ReportReason.SPAM, 1.0, NOW, SealedValue(b"k2", week)))
        await uow.reports.add(NewReport(judged, THIRD, ReportReason.SPAM, 1.0, NOW))  # nothing sealed
        await uow.commit()
        assert list(await uow.reports.sealed_reporters(judged, NOW)) == [
            SealedReporter(KEY, b"k1"), SealedReporter(OTHER, b"k2")
        ]  # fmt: skip
        assert list(await uow.reports.sealed_reporters(judged, week)) == []
        await uow.reports.erase_seals(judged)
        await uow.commit()
        assert list(await uow.reports.sealed_reporters(judged, NOW)) == []
        assert list(await uow.reports.sealed_reporters(waiting, NOW)) == [SealedReporter(KEY, b"k1")]
        assert await uow.reports.weight(judged) == 3  # the reports themselves stay
        assert await uow.reports.erase_expired_seals(week) == 1
        await uow.commit()
        assert list(await uow.reports.sealed_reporters(waiting, NOW)) == []


async def test_reporter_records_count_judgements_per_community_key(store: Database) -> None:
    community_id = await add_community(store)
    elsewhere = await add_community(store, "g2")
    async with store.unit_of_work() as uow:
        assert await uow.reports.record_of(KEY, community_id) == ReporterRecord(0, 0)
        for upheld in (True, True, False):
            await uow.reports.record_judgement(KEY, community_id, upheld)
        await uow.reports.record_judgement(KEY, elsewhere, False)
        await uow.commit()
        assert await uow.reports.record_of(KEY, community_id) == ReporterRecord(upheld=2, rejected=1)
        assert await uow.reports.record_of(KEY, elsewhere) == ReporterRecord(upheld=0, rejected=1)
        assert await uow.reports.record_of(OTHER, community_id) == ReporterRecord(upheld=0, rejected=0)
