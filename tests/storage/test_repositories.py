"""Storage contract: the same cases on the in-memory fake, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from bot.anonymity import new_token
from bot.model import (
    Ban,
    CommunitySettings,
    DraftKind,
    DraftStatus,
    QueueCause,
    QueueStatus,
    Reaction,
    ReactionCounts,
    ReportReason,
    SecretStatus,
)
from bot.moderation.verdict import Verdict
from bot.outbox import CardDue, CardRefresh
from bot.ports import Database
from bot.records import (
    AuditEntry,
    FeedQuery,
    NewDraft,
    NewReply,
    NewReport,
    NewSecret,
    PublicCommunity,
    SealedValue,
    StoredPicture,
)
from storage.database import SqlDatabase
from tests.storage.contract import KEY, NOW, OTHER, SALT, add_community, add_secret


async def test_times_come_back_in_utc_whatever_zone_they_were_given_in(store: Database) -> None:
    community_id = await add_community(store)
    paris = timezone(timedelta(hours=1))
    secret_id = await add_secret(store, community_id, at=datetime(2026, 11, 24, 10, 0, tzinfo=paris))
    async with store.unit_of_work() as uow:
        secret = await uow.secrets.get(secret_id)
    assert secret is not None
    assert secret.created_at == NOW and secret.created_at.tzinfo is not None


async def test_numbers_are_per_community_and_never_repeat(store: Database) -> None:
    first, second = await add_community(store, "g1"), await add_community(store, "g2")

    async def take(community_id: int) -> int:
        async with store.unit_of_work() as uow:
            number = await uow.communities.next_number(community_id)
            await uow.commit()
            return number

    numbers = await asyncio.gather(*(take(first) for _ in range(5)))
    assert sorted(numbers) == [1, 2, 3, 4, 5]
    assert await take(second) == 1


async def test_uncommitted_work_is_rolled_back(store: Database) -> None:
    community_id = await add_community(store)
    async with store.unit_of_work() as uow:
        await uow.communities.set_active(community_id, False)
    async with store.unit_of_work() as uow:
        community = await uow.communities.get(community_id)
    assert community is not None and community.active


async def test_a_draft_is_submitted_once(store: Database) -> None:
    async with store.unit_of_work() as uow:
        draft = await uow.drafts.add(
            NewDraft(
                owner_salt=SALT,
                owner_tag=KEY,
                kind=DraftKind.SECRET,
                text="hello",
                verdict=Verdict.ALLOW,
                reason_categories=(),
                created_at=NOW,
            )
        )
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.drafts.transition(draft.id, DraftStatus.OPEN, DraftStatus.SUBMITTED)
        assert not await uow.drafts.transition(draft.id, DraftStatus.OPEN, DraftStatus.SUBMITTED)
        await uow.commit()
        stored = await uow.drafts.get(draft.id)
    assert stored is not None and stored.status is DraftStatus.SUBMITTED
    assert (stored.owner_salt, stored.owner_tag) == (SALT, KEY)


async def test_a_draft_is_taken_once_with_its_photo_and_only_while_open(store: Database) -> None:
    drafts = []
    async with store.unit_of_work() as uow:
        for text in ("posted", "cancelled before"):
            draft = await uow.drafts.add(
                NewDraft(
                    owner_salt=SALT,
                    owner_tag=KEY,
                    kind=DraftKind.SECRET,
                    text=text,
                    verdict=Verdict.ALLOW,
                    reason_categories=(),
                    created_at=NOW,
                )
            )
            await uow.pictures.add(draft.id, StoredPicture(new_token(), b"\xff\xd8 pixels", 4, 3), NOW)
            drafts.append(draft.id)
        assert await uow.drafts.transition(drafts[1], DraftStatus.OPEN, DraftStatus.CANCELLED)
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.drafts.take(drafts[0])
        assert not await uow.drafts.take(drafts[0])
        assert not await uow.drafts.take(drafts[1])  # no longer open: left as it is, photo and all
        assert not await uow.drafts.take(drafts[0] + 1000)
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.drafts.get(drafts[0]) is None
        assert await uow.pictures.of_draft(drafts[0]) is None
        kept = await uow.drafts.get(drafts[1])
        assert kept is not None and kept.status is DraftStatus.CANCELLED
        assert await uow.pictures.of_draft(drafts[1]) is not None


async def test_a_toggle_moves_its_secrets_points_up_when_on_and_down_when_off(store: Database) -> None:
    secret_id = await add_secret(store, await add_community(store))
    async with store.unit_of_work() as uow:
        assert await uow.reactions.toggle(secret_id, KEY, Reaction.HEART, 1.5)
        assert await uow.reactions.toggle(secret_id, OTHER, Reaction.HEART, 1.5)
        assert not await uow.reactions.toggle(secret_id, KEY, Reaction.HEART, 1.5)
        assert await uow.reactions.toggle(secret_id, KEY, Reaction.SAD)
        await uow.commit()
    async with store.unit_of_work() as uow:
        found = await uow.secrets.get(secret_id)
    assert found is not None and found.points == 1.5


async def test_reactions_toggle_and_count(store: Database) -> None:
    secret_id = await add_secret(store, await add_community(store))
    async with store.unit_of_work() as uow:
        assert await uow.reactions.toggle(secret_id, KEY, Reaction.HEART)
        assert await uow.reactions.toggle(secret_id, OTHER, Reaction.HEART)
        assert await uow.reactions.toggle(secret_id, OTHER, Reaction.SAD)
        assert not await uow.reactions.toggle(secret_id, KEY, Reaction.HEART)
        await uow.commit()
        counts = await uow.reactions.counts(secret_id)
    assert (counts.heart, counts.laugh, counts.wow, counts.sad) == (1, 0, 0, 1)


async def test_engagement_of_several_secrets_at_once(store: Database) -> None:
    community_id = await add_community(store)
    busy, quiet = await add_secret(store, community_id, 1), await add_secret(store, community_id, 2)
    async with store.unit_of_work() as uow:
        await uow.reactions.toggle(busy, KEY, Reaction.HEART)
        await uow.reactions.toggle(busy, OTHER, Reaction.HEART)
        await uow.reactions.toggle(busy, OTHER, Reaction.WOW)
        reply = NewReply(
            secret_id=busy,
            thread_key=KEY,
            text="a reply",
            pseudonym="Blue Fox",
            by_author=False,
            created_at=NOW,
            token=new_token(),
        )
        await uow.replies.set_message_ref((await uow.replies.add(reply)).id, "m-1")
        await uow.replies.add(replace(reply, text="not out yet", token=new_token()))  # counted once it is out
        await uow.commit()
        reactions = await uow.reactions.counts_of([busy, quiet])
        replies = await uow.replies.counts([busy, quiet])
    assert set(reactions) == set(replies) == {busy, quiet}
    counts = reactions[busy]
    assert (counts.heart, counts.laugh, counts.wow, counts.sad, replies[busy]) == (2, 0, 1, 0, 1)
    assert (reactions[quiet], replies[quiet]) == (ReactionCounts(), 0)


async def test_one_report_per_reporter(store: Database) -> None:
    secret_id = await add_secret(store, await add_community(store))
    async with store.unit_of_work() as uow:
        assert await uow.reports.add(NewReport(secret_id, KEY, ReportReason.SPAM, 1.0, NOW))
        assert not await uow.reports.add(NewReport(secret_id, KEY, ReportReason.HATE, 1.0, NOW))
        assert await uow.reports.add(NewReport(secret_id, OTHER, ReportReason.HATE, 0.25, NOW))
        await uow.commit()
        assert list(await uow.reports.reasons(secret_id)) == [ReportReason.SPAM, ReportReason.HATE]
        assert await uow.reports.weight(secret_id) == 1.25


async def test_return_addresses_expire_and_are_erased(store: Database) -> None:
    secret_id = await add_secret(store, await add_community(store))
    async with store.unit_of_work() as uow:
        assert await uow.secrets.return_address(secret_id, NOW) == b"sealed"
        assert await uow.secrets.return_address(secret_id, NOW + timedelta(days=8)) is None
        assert await uow.secrets.erase_expired_return_addresses(NOW + timedelta(days=8)) == 1
        await uow.commit()
        assert await uow.secrets.return_address(secret_id, NOW) is None


async def test_bans_end_and_permanent_bans_do_not(store: Database) -> None:
    community_id = await add_community(store)
    async with store.unit_of_work() as uow:
        await uow.members.add_ban(Ban(community_id, KEY, NOW + timedelta(hours=24)), NOW)
        await uow.members.add_ban(Ban(community_id, OTHER, None), NOW)
        await uow.commit()
        assert await uow.members.active_ban(KEY, community_id, NOW + timedelta(hours=23)) is not None
        assert await uow.members.active_ban(KEY, community_id, NOW + timedelta(hours=25)) is None
        assert await uow.members.active_ban(OTHER, community_id, NOW + timedelta(days=999)) is not None


async def test_membership_pending_input_and_locale(store: Database) -> None:
    community_id = await add_community(store)
    async with store.unit_of_work() as uow:
        await uow.members.mark_verified(KEY, community_id, NOW)
        await uow.preferences.set_locale(KEY, "fr")
        await uow.preferences.set_pending_input(KEY, SealedValue(b"sealed", NOW + timedelta(minutes=30)))
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert list(await uow.members.verified_since([KEY], NOW - timedelta(minutes=1))) == [community_id]
        assert list(await uow.members.verified_since([KEY], NOW + timedelta(minutes=1))) == []
        assert await uow.preferences.locale(KEY) == "fr"
        pending = await uow.preferences.pending_input(KEY, NOW)
        assert pending is not None and pending.sealed == b"sealed"
        await uow.preferences.set_pending_input(KEY, None)
        await uow.members.forget_membership(KEY, community_id)
        await uow.commit()
        assert await uow.preferences.pending_input(KEY, NOW) is None
        assert list(await uow.members.verified_since([KEY], NOW - timedelta(minutes=1))) == []


async def test_queue_items_are_decided_once_and_audited(store: Database) -> None:
    community_id = await add_community(store)
    secret_id = await add_secret(store, community_id)
    async with store.unit_of_work() as uow:
        item = await uow.moderation.add_item(community_id, secret_id, QueueCause.REPORTS, "spam", NOW)
        await uow.commit()
        assert await uow.moderation.open_item_for(secret_id) == item
        assert await uow.moderation.decide(item.id, QueueStatus.REMOVED, NOW)
        assert not await uow.moderation.decide(item.id, QueueStatus.APPROVED, NOW)
        await uow.moderation.audit(AuditEntry(community_id, OTHER, "remove", secret_id, "spam", NOW))
        await uow.commit()
        assert await uow.moderation.open_item_for(secret_id) is None
        assert list(await uow.moderation.audit_log(community_id, 10)) == [
            AuditEntry(community_id, OTHER, "remove", secret_id, "spam", NOW)
        ]


async def test_outbox_claims_once_dedupes_and_retries(database: SqlDatabase) -> None:
    async with database.unit_of_work() as uow:
        await uow.outbox.add(CardRefresh(1), NOW)
        await uow.outbox.add(CardRefresh(1), NOW)
        await uow.outbox.add(CardDue(2), NOW + timedelta(seconds=30))
        await uow.commit()
        assert await uow.outbox.pending_count() == 2
    async with database.unit_of_work() as uow:
        claimed = await uow.outbox.claim_due(NOW, 10, NOW + timedelta(seconds=60))
        await uow.commit()
    assert [entry.message for entry in claimed] == [CardRefresh(1)]
    async with database.unit_of_work() as uow:
        assert await uow.outbox.claim_due(NOW, 10, NOW + timedelta(seconds=60)) == []
        # a claimed refresh no longer absorbs new ones: the change after the claim must be shown too
        await uow.outbox.add(CardRefresh(1), NOW)
        await uow.outbox.retry(claimed[0].id, NOW + timedelta(seconds=5), "busy")
        await uow.commit()
        assert await uow.outbox.pending_count() == 3
    async with database.unit_of_work() as uow:
        later = await uow.outbox.claim_due(NOW + timedelta(seconds=31), 10, NOW + timedelta(seconds=90))
        await uow.commit()
        assert sorted(entry.message.kind for entry in later) == ["card", "refresh", "refresh"]
        retried = next(entry for entry in later if entry.id == claimed[0].id)
        assert retried.attempts == 1
        for entry in later:
            await uow.outbox.done(entry.id)
        await uow.commit()
        assert await uow.outbox.pending_count() == 0


async def test_feeds_subscriptions_and_digest_readers(store: Database) -> None:
    from bot.records import DigestAddress

    public = await add_community(store, "pub")
    private = await add_community(store, "priv")
    async with store.unit_of_work() as uow:
        await uow.communities.update_settings(public, CommunitySettings(public=True), NOW - timedelta(days=1))
        ids = []
        for n, (community, collection, points) in enumerate(
            [(public, "love", 5), (public, "work", 9), (private, "love", 7), (public, None, 1)]
        ):
            secret = await uow.secrets.add(NewSecret(community_id=community, number=n + 1, author_salt=SALT, author_tag=KEY, text=f"text {n}", content_warning=False, status=SecretStatus.PUBLISHED, created_at=NOW - timedelta(hours=n), author_locale="en", token=new_token(), collection=collection))  # fmt: skip
            await uow.secrets.add_points(secret.id, points)
            ids.append(secret.id)
        await uow.preferences.set_subscription(OTHER, "love", True)
        await uow.preferences.set_subscription(OTHER, "work", True)
        await uow.preferences.set_subscription(OTHER, "work", False)
        await uow.commit()
        assert list(await uow.preferences.subscriptions(OTHER)) == ["love"]
        assert [c.community_id for c in await uow.communities.public_since("console")] == [public]
        shared = list(await uow.communities.public_since("console"))
        seen = await uow.feeds.page(FeedQuery(collections=["love"], public=shared, limit=10))
        assert [s.id for s in seen] == [ids[0]]  # the private community's love secret never leaks
        mine = await uow.feeds.page(
            FeedQuery(community_ids=[private], collections=["love"], public=shared, by_points=True, limit=10)
        )
        later = [
            PublicCommunity(public, NOW + timedelta(hours=1))
        ]  # made public after these secrets: none is shared
        assert list(await uow.feeds.page(FeedQuery(collections=["love"], public=later, limit=10))) == []
        assert [s.id for s in mine] == [ids[2], ids[0]]
        top = await uow.feeds.top_since(public, NOW - timedelta(hours=24), 2)
        assert [s.id for s in top] == [ids[1], ids[0]]
        assert top[0].points == 9 and top[1].collection == "love"

        address = DigestAddress("console", b"sealed", "fr", NOW + timedelta(days=7))
        await uow.digests.set_address(OTHER, address)
        await uow.commit()
        assert await uow.digests.address(OTHER, NOW) == address
        assert [reader.preference_key for reader in await uow.digests.readers(NOW)] == [OTHER]
        assert await uow.digests.claim_member(OTHER, "2026-11-24", NOW)
        assert not await uow.digests.claim_member(OTHER, "2026-11-24", NOW)
        assert await uow.digests.erase_expired(NOW + timedelta(days=8)) == 1
        await uow.commit()
        assert await uow.digests.address(OTHER, NOW) is None


async def test_one_dispatcher_at_a_time_may_send_a_card(store: Database) -> None:
    secret_id = await add_secret(store, await add_community(store))
    async with store.unit_of_work() as uow:
        assert await uow.secrets.claim_sending(secret_id, NOW, NOW + timedelta(minutes=10))
        assert not await uow.secrets.claim_sending(
            secret_id, NOW + timedelta(minutes=5), NOW + timedelta(minutes=15)
        )
        assert await uow.secrets.claim_sending(
            secret_id, NOW + timedelta(minutes=11), NOW + timedelta(minutes=21)
        )
        assert await uow.secrets.claim_sending(secret_id, NOW + timedelta(minutes=12), None)  # given back
        assert await uow.secrets.claim_sending(
            secret_id, NOW + timedelta(minutes=12), NOW + timedelta(minutes=22)
        )
        await uow.secrets.set_card_ref(secret_id, "77", NOW)
        assert not await uow.secrets.claim_sending(
            secret_id, NOW + timedelta(hours=1), NOW + timedelta(hours=2)
        )
        await uow.commit()


async def test_a_secret_keeps_its_normalised_text_until_its_text_is_erased(store: Database) -> None:
    community_id = await add_community(store)
    kept = await add_secret(store, community_id, text="Hello THERE", normalised="hello there")
    older = await add_secret(store, community_id, 2, text="Before it was kept")
    async with store.unit_of_work() as uow:
        assert [s.normalised for s in await uow.secrets.get_many([kept, older])] == ["hello there", None]
        await uow.secrets.erase(kept)
        await uow.commit()
    async with store.unit_of_work() as uow:
        erased = await uow.secrets.get(kept)
        assert erased is not None and (erased.text, erased.normalised) == ("", None)
