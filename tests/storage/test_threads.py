"""Storage contract for replies, pseudonyms and reports, on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from bot.model import QueueCause, QueueStatus, ReportReason
from bot.ports import Database
from bot.records import NewReply, NewReport, ReporterRecord
from tests.storage.contract import KEY, NOW, OTHER, THIRD, add_community, add_secret


async def test_replies_are_stored_counted_and_given_their_message(store: Database) -> None:
    community_id = await add_community(store)
    secret_id, other = await add_secret(store, community_id, 1), await add_secret(store, community_id, 2)
    async with store.unit_of_work() as uow:
        reply = await uow.replies.add(
            NewReply(
                secret_id=secret_id,
                author_key=OTHER,
                text="me too",
                pseudonym="Blue Fox",
                by_author=False,
                created_at=NOW,
            )
        )
        crowned = await uow.replies.add(
            NewReply(
                secret_id=secret_id,
                author_key=KEY,
                text="thanks",
                pseudonym="Red Owl",
                by_author=True,
                created_at=NOW,
            )
        )
        await uow.replies.add(
            NewReply(
                secret_id=other,
                author_key=OTHER,
                text="elsewhere",
                pseudonym="Blue Fox",
                by_author=False,
                created_at=NOW - timedelta(hours=2),
            )
        )
        await uow.replies.set_message_ref(reply.id, "m-1")
        await uow.commit()
    async with store.unit_of_work() as uow:
        found = await uow.replies.get(reply.id)
        assert found is not None
        assert (found.secret_id, found.author_key, found.text, found.pseudonym) == (
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
        assert await uow.replies.count_by_author_since(OTHER, NOW - timedelta(hours=1)) == 1
        assert await uow.replies.count_by_author_since(OTHER, NOW - timedelta(hours=3)) == 2


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


async def test_a_reporters_record_counts_judged_secrets_once(store: Database) -> None:
    community_id = await add_community(store)
    elsewhere = await add_community(store, "g2")
    upheld, approved, judged_before, other = [await add_secret(store, community_id, n) for n in (1, 2, 3, 4)]
    there = await add_secret(store, elsewhere, 1)
    async with store.unit_of_work() as uow:
        for secret_id in (upheld, approved, other, there):
            await uow.reports.add(NewReport(secret_id, KEY, ReportReason.SPAM, 1.0, NOW))
        await uow.reports.add(NewReport(judged_before, KEY, ReportReason.SPAM, 1.0, NOW + timedelta(hours=2)))
        await uow.reports.add(NewReport(other, THIRD, ReportReason.SPAM, 1.0, NOW))
        decisions = [
            (upheld, QueueCause.REPORTS, QueueStatus.REMOVED),
            (approved, QueueCause.REPORTS, QueueStatus.APPROVED),
            (approved, QueueCause.REPORTS, QueueStatus.APPROVED),  # hidden again, approved again: one secret
            (judged_before, QueueCause.REPORTS, QueueStatus.REMOVED),  # decided before the report was made
            (other, QueueCause.FILTER, QueueStatus.REMOVED),  # not a decision on reports
        ]
        for secret_id, cause, status in decisions:
            item = await uow.moderation.add_item(community_id, secret_id, cause, "", NOW)
            assert await uow.moderation.decide(item.id, status, NOW + timedelta(hours=1))
        item = await uow.moderation.add_item(elsewhere, there, QueueCause.REPORTS, "", NOW)
        assert await uow.moderation.decide(item.id, QueueStatus.BANNED, NOW + timedelta(hours=1))
        await uow.moderation.add_item(community_id, other, QueueCause.REPORTS, "", NOW)  # still open
        await uow.commit()
        assert await uow.reports.record_of(KEY, community_id) == ReporterRecord(upheld=1, rejected=1)
        assert await uow.reports.record_of(KEY, elsewhere) == ReporterRecord(upheld=1, rejected=0)
        assert await uow.reports.record_of(OTHER, community_id) == ReporterRecord(upheld=0, rejected=0)
