"""Storage contract for secrets, their publication and the feeds, on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import event

from bot.anonymity import new_token
from bot.model import CommunitySettings, DraftKind, DraftStatus, QueueCause, QueueStatus, SecretStatus, Token
from bot.moderation.verdict import Verdict
from bot.ports import Database
from bot.records import (
    Counter,
    CounterBump,
    FeedQuery,
    HeldBanKey,
    NewDraft,
    NewReply,
    NewSecret,
    OwnList,
    SealedAddress,
    SealedValue,
    StoredPicture,
)
from bot.stats import StatKind
from tests.conftest import migrated, sql_url
from tests.storage.contract import KEY, NOW, OTHER, SALT, add_community, add_secret

TOKEN = Token("a1b2c3d4e5f6g7h8i9j0")


async def test_a_secret_comes_back_as_it_was_written(store: Database) -> None:
    community_id = await add_community(store)
    async with store.unit_of_work() as uow:
        made = await uow.secrets.add(
            NewSecret(
                community_id=community_id,
                number=4,
                author_salt=SALT,
                author_tag=KEY,
                text="a secret",
                content_warning=True,
                status=SecretStatus.HELD,
                created_at=NOW,
                author_locale="fr",
                token=TOKEN,
                collection="love",
            )
        )
        await uow.commit()
    async with store.unit_of_work() as uow:
        found = await uow.secrets.get(made.id)
        assert found == made
        assert found is not None
        assert (found.community_id, found.number, found.author_salt, found.author_tag, found.text) == (
            community_id, 4, SALT, KEY, "a secret"
        )  # fmt: skip
        assert (found.content_warning, found.status, found.created_at, found.card_ref) == (
            True, SecretStatus.HELD, NOW, None
        )  # fmt: skip
        assert (found.author_locale, found.collection, found.points) == ("fr", "love", 0.0)
        assert await uow.secrets.return_address(made.id, NOW) is None
        assert await uow.secrets.ban_key(made.id, NOW) is None
        assert await uow.secrets.get(made.id + 1000) is None
        assert await uow.secrets.by_token(TOKEN) == made  # what buttons and links carry
        assert await uow.secrets.by_token(new_token()) is None


async def test_status_number_points_and_card_are_saved(store: Database) -> None:
    secret_id = await add_secret(store, await add_community(store), number=0)
    async with store.unit_of_work() as uow:
        await uow.secrets.set_status(secret_id, SecretStatus.PUBLISHED)
        await uow.secrets.set_number(secret_id, 12)
        await uow.secrets.add_points(secret_id, 2.5)
        await uow.secrets.add_points(secret_id, -1)
        await uow.secrets.set_card_ref(secret_id, "card-9", NOW + timedelta(minutes=3))
        await uow.commit()
    async with store.unit_of_work() as uow:
        found = await uow.secrets.get(secret_id)
    assert found is not None
    assert (found.status, found.number, found.points, found.card_ref) == (
        SecretStatus.PUBLISHED, 12, 1.5, "card-9"
    )  # fmt: skip


async def test_a_secret_takes_its_communitys_next_number(store: Database) -> None:
    community_id, other_id = await add_community(store), await add_community(store, "other")
    first, second = await add_secret(store, community_id, -7), await add_secret(store, community_id, -8)
    elsewhere = await add_secret(store, other_id, -9)
    async with store.unit_of_work() as uow:
        assert await uow.communities.next_number(community_id) == 1
        assert await uow.secrets.take_number(second, community_id) == 2
        assert await uow.secrets.take_number(first, community_id) == 3
        assert await uow.secrets.take_number(elsewhere, other_id) == 1
        await uow.commit()
    async with store.unit_of_work() as uow:
        numbers = [(await uow.secrets.get(i)) for i in (first, second, elsewhere)]
        assert [found.number for found in numbers if found is not None] == [3, 2, 1]
        assert await uow.communities.next_number(community_id) == 4
    async with store.unit_of_work() as uow:  # not committed: the count and the secret's number stay
        await uow.secrets.take_number(first, community_id)
    async with store.unit_of_work() as uow:
        found = await uow.secrets.get(first)
        assert found is not None and found.number == 3
        assert await uow.communities.next_number(community_id) == 4


async def test_a_number_taken_with_its_day_counts_the_secret_posted_that_day(store: Database) -> None:
    community_id = await add_community(store)
    first, second = await add_secret(store, community_id, -7), await add_secret(store, community_id, -8)
    async with store.unit_of_work() as uow:
        await uow.stats.count(community_id, "2026-03-01", StatKind.POSTED)
        assert await uow.secrets.take_number(first, community_id, posted_day="2026-03-01") == 1
        assert await uow.secrets.take_number(second, community_id, posted_day="2026-03-02") == 2
        await uow.commit()
    async with store.unit_of_work() as uow:
        counts = {(c.day, c.kind): c.count for c in await uow.stats.since(community_id, "2026-01-01")}
        assert counts == {("2026-03-01", StatKind.POSTED): 2, ("2026-03-02", StatKind.POSTED): 1}
        found = await uow.secrets.get(second)
        assert found is not None and found.number == 2


async def test_a_number_taken_with_a_member_counter_bumps_it(store: Database) -> None:
    community_id = await add_community(store)
    first, second, third = [await add_secret(store, community_id, n) for n in (-7, -8, -9)]
    day_end = NOW + timedelta(days=1)
    async with store.unit_of_work() as uow:
        await uow.members.bump_counter("k", NOW - timedelta(hours=2), day_end)
        counted = CounterBump("k", NOW - timedelta(hours=1), day_end)
        assert await uow.secrets.take_number(first, community_id, "2026-03-01", counted) == 1
        assert (
            await uow.secrets.take_number(second, community_id, counted=CounterBump("j", NOW, day_end)) == 2
        )
        await uow.commit()
    async with store.unit_of_work() as uow:  # not committed: neither the number nor the count stay
        await uow.secrets.take_number(third, community_id, "2026-03-01", counted)
    async with store.unit_of_work() as uow:
        assert await uow.members.counter("k", NOW) == Counter(2, NOW - timedelta(hours=1))
        assert await uow.members.counter("j", NOW) == Counter(1, NOW)
        assert await uow.members.counter("k", day_end) is None  # gone at the end of its period
        counts = {(c.day, c.kind): c.count for c in await uow.stats.since(community_id, "2026-01-01")}
        assert counts == {("2026-03-01", StatKind.POSTED): 1}
        numbers = {s.id: s.number for s in await uow.secrets.get_many([first, second, third])}
        assert numbers == {first: 1, second: 2, third: -9}


async def test_a_return_address_is_erased_once_used(store: Database) -> None:
    community_id = await add_community(store)
    used, kept = await add_secret(store, community_id, 1), await add_secret(store, community_id, 2)
    async with store.unit_of_work() as uow:
        await uow.secrets.erase_return_address(used)
        await uow.commit()
        assert await uow.secrets.return_address(used, NOW) is None
        assert await uow.secrets.return_address(kept, NOW) == b"sealed"
        assert await uow.secrets.erase_expired_return_addresses(NOW + timedelta(days=1)) == 0


async def test_secrets_are_fetched_by_ids(store: Database) -> None:
    community_id = await add_community(store)
    ids = [await add_secret(store, community_id, n) for n in range(1, 4)]
    async with store.unit_of_work() as uow:
        found = await uow.secrets.get_many([ids[2], ids[0], ids[2] + 1000])
        assert sorted(s.id for s in found) == [ids[0], ids[2]]
        assert list(await uow.secrets.get_many([])) == []


async def test_secrets_are_fetched_by_any_number_of_ids(store: Database) -> None:
    community_id = await add_community(store)
    ids = [await add_secret(store, community_id, n) for n in range(1, 4)]
    absent = range(ids[2] + 1, ids[2] + 1200)  # over IN_CHUNK: (SQLite) asked in parts
    async with store.unit_of_work() as uow:
        found = await uow.secrets.get_many([*absent, ids[1], *absent, ids[0]])
        assert sorted(s.id for s in found) == ids[:2]


@pytest.mark.postgres
async def test_on_postgresql_ids_are_asked_in_one_statement_whatever_their_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with migrated(sql_url("postgresql", tmp_path)) as database:
        community_id = await add_community(database)
        ids = [await add_secret(database, community_id, n) for n in range(1, 4)]
        sent: list[str] = []

        def heard(_connection: object, _cursor: object, statement: str, *_: object) -> None:
            sent.append(statement)

        event.listen(database.engine.sync_engine, "before_cursor_execute", heard)
        asked: list[object] = []
        introspect = asyncpg.connection.Connection._introspect_types

        async def introspected(connection: object, *args: object, **kwargs: object) -> object:
            asked.append(args)
            return await introspect(connection, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(asyncpg.connection.Connection, "_introspect_types", introspected)
        async with database.unit_of_work() as uow:
            for count in (1, 2, 3):
                assert len(await uow.secrets.get_many(ids[:count], since=NOW - timedelta(hours=1))) == count
        assert len(sent) == 3 and len(set(sent)) == 1  # (each length its own statement, each prepared)
        assert asked == []  # no type the driver asks the server about (a catalog query, at each connection)


async def test_secrets_are_fetched_by_ids_written_since_a_time(store: Database) -> None:
    community_id = await add_community(store)
    times = [NOW - timedelta(hours=25), NOW - timedelta(hours=1), NOW]
    ids = [await add_secret(store, community_id, n, at) for n, at in enumerate(times, 1)]
    async with store.unit_of_work() as uow:
        found = await uow.secrets.get_many(ids, since=NOW - timedelta(hours=1))
        assert sorted(s.id for s in found) == ids[1:]  # from ``since`` itself on
        assert list(await uow.secrets.get_many(ids, since=NOW + timedelta(microseconds=1))) == []
        assert sorted(s.id for s in await uow.secrets.get_many(ids, since=None)) == ids


async def test_ban_keys_last_their_window_or_while_moderators_have_to_decide(store: Database) -> None:
    community_id = await add_community(store)
    waiting, done = await add_secret(store, community_id, 1), await add_secret(store, community_id, 2)
    later = NOW + timedelta(hours=49)
    async with store.unit_of_work() as uow:
        assert await uow.secrets.ban_key(done, NOW) == b"ban key"
        assert await uow.secrets.ban_key(done, later) is None
        await uow.moderation.add_item(community_id, waiting, QueueCause.REPORTS, "spam", NOW)
        reply = await uow.replies.add(
            NewReply(
                secret_id=done, thread_key=OTHER, text="a reply", pseudonym="Blue Fox", by_author=False,
                created_at=NOW, ban_key=SealedValue(b"reply key", NOW + timedelta(hours=48)), token=new_token(),
            )
        )  # fmt: skip
        await uow.commit()
        assert await uow.replies.ban_key(reply.id, NOW) == b"reply key"
        assert await uow.secrets.erase_expired_ban_keys(later) == 1  # the done one's
        assert await uow.replies.erase_expired_ban_keys(later) == 1
        await uow.commit()
        assert await uow.secrets.ban_key(done, NOW) is None
        assert await uow.secrets.ban_key(waiting, later) == b"ban key"  # still waiting for a moderator
        assert await uow.replies.ban_key(reply.id, NOW) is None
        item = await uow.moderation.open_item_for(waiting)
        assert item is not None
        await uow.moderation.decide(item.id, QueueStatus.APPROVED, later)
        assert await uow.secrets.ban_key(waiting, later) is None
        assert await uow.secrets.erase_expired_ban_keys(later) == 1
        await uow.commit()
        assert await uow.secrets.ban_key(waiting, NOW) is None


async def test_cards_out_before_their_time_was_kept_come_last_newest_first(store: Database) -> None:
    first = await add_community(store, "first")
    second = await add_community(store, "second")
    published = SecretStatus.PUBLISHED
    # in each community one card with its publication time, two without (out before it was kept)
    ids = [
        await add_secret(store, community, n + 1, NOW + timedelta(minutes=n), status=published)
        for n, community in enumerate([first, second, first, second, first, second])
    ]
    async with store.unit_of_work() as uow:
        await uow.secrets.set_card_ref(ids[0], "c1", NOW + timedelta(hours=2))
        await uow.secrets.set_card_ref(ids[1], "c2", NOW + timedelta(hours=1))
        await uow.commit()
        both = FeedQuery(community_ids=[first, second], limit=10)
        order = [ids[0], ids[1], ids[5], ids[4], ids[3], ids[2]]
        assert [s.id for s in await uow.feeds.page(both)] == order
        assert [
            s.id for s in await uow.feeds.page(FeedQuery(community_ids=[first, second], offset=1, limit=3))
        ] == (order[1:4])
        assert [s.id for s in await uow.feeds.page(FeedQuery(community_ids=[second], limit=10))] == [
            ids[1],
            ids[5],
            ids[3],
        ]


async def test_feeds_show_published_cards_newest_card_first_and_page(store: Database) -> None:
    community_id = await add_community(store)
    published = SecretStatus.PUBLISHED
    # written in this order, cards out in another: the feed follows the cards, not the DMs
    ids = [
        await add_secret(store, community_id, n + 1, NOW + timedelta(minutes=n), status=published)
        for n in range(4)
    ]
    await add_secret(store, community_id, 9, NOW, status=SecretStatus.QUEUED)  # its card is not out
    await add_secret(store, community_id, 10, NOW, status=SecretStatus.REMOVED)
    async with store.unit_of_work() as uow:
        for secret_id, minutes in zip(ids, (30, 10, 20, 0), strict=True):
            await uow.secrets.set_card_ref(
                secret_id, f"c{secret_id}", NOW + timedelta(hours=1, minutes=minutes)
            )
        await uow.commit()
        order = [ids[0], ids[2], ids[1], ids[3]]
        assert [
            s.id for s in await uow.feeds.page(FeedQuery(community_ids=[community_id], limit=10))
        ] == order
        assert [
            s.id for s in await uow.feeds.page(FeedQuery(community_ids=[community_id], offset=1, limit=2))
        ] == order[1:3]
        recent = await uow.feeds.page(
            FeedQuery(community_ids=[community_id], since=NOW + timedelta(minutes=2), limit=10)
        )
        assert [s.id for s in recent] == [ids[2], ids[3]]  # written since then
        assert list(await uow.feeds.page(FeedQuery(community_ids=[community_id + 1000], limit=10))) == []


async def test_feeds_by_points_put_the_most_engaging_first(store: Database) -> None:
    community_id = await add_community(store)
    ids = [await add_secret(store, community_id, n + 1, status=SecretStatus.PUBLISHED) for n in range(3)]
    async with store.unit_of_work() as uow:
        for secret_id, points in zip(ids, (1, 7, 3), strict=True):
            await uow.secrets.add_points(secret_id, points)
            await uow.secrets.set_card_ref(secret_id, f"c{secret_id}", NOW)
        await uow.commit()
        found = await uow.feeds.page(FeedQuery(community_ids=[community_id], by_points=True, limit=10))
        assert [s.id for s in found] == [ids[1], ids[2], ids[0]]
        top = await uow.feeds.top_since(community_id, NOW, 2)
        assert [s.id for s in top] == [ids[1], ids[2]]
        assert list(await uow.feeds.top_since(community_id, NOW + timedelta(seconds=1), 2)) == []


async def test_a_public_communitys_collection_reaches_subscribers_elsewhere(store: Database) -> None:
    shared = await add_community(store, "pub", CommunitySettings(public=True))
    mine = await add_community(store, "mine")
    published = SecretStatus.PUBLISHED
    before = await add_secret(store, shared, 1, NOW - timedelta(hours=1), collection="love", status=published)
    love = await add_secret(store, shared, 2, NOW, collection="love", status=published)
    await add_secret(store, shared, 3, NOW, collection="work", status=published)
    await add_secret(store, shared, 4, NOW, status=published)
    async with store.unit_of_work() as uow:
        public = list(await uow.communities.public_since())
        assert [
            s.id
            for s in await uow.feeds.page(
                FeedQuery(community_ids=[mine], collections=["love"], public=public, limit=10)
            )
        ] == [love]
        assert before not in [
            s.id
            for s in await uow.feeds.page(FeedQuery(collections=["love", "work"], public=public, limit=9))
        ]


async def test_a_communitys_digest_is_claimed_once_per_period(store: Database) -> None:
    first, second = await add_community(store, "g1"), await add_community(store, "g2")
    async with store.unit_of_work() as uow:
        assert await uow.digests.claim_community(first, "2026-11-24", NOW)
        assert not await uow.digests.claim_community(first, "2026-11-24", NOW)
        assert await uow.digests.claim_community(second, "2026-11-24", NOW)
        assert await uow.digests.claim_community(first, "2026-11-25", NOW)
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert not await uow.digests.claim_community(first, "2026-11-25", NOW)


async def test_held_ban_keys_are_listed_with_their_salt_and_sealed_again_in_place(store: Database) -> None:
    """After a sealing-key rotation the sweep seals the kept ban keys again (bot/usecases/communities.py)."""
    community_id = await add_community(store)
    secret_id = await add_secret(store, community_id)
    async with store.unit_of_work() as uow:
        assert list(await uow.secrets.held_ban_keys()) == [HeldBanKey(secret_id, SALT, b"ban key")]
        await uow.secrets.replace_ban_key(secret_id, b"sealed again")
        await uow.commit()
        assert await uow.secrets.ban_key(secret_id, NOW) == b"sealed again"
        assert await uow.secrets.erase_expired_ban_keys(NOW + timedelta(hours=49)) == 1
        await uow.commit()
        assert list(await uow.secrets.held_ban_keys()) == []


async def test_a_card_out_is_recorded_with_its_outbox_entry_removed_in_one_unit(store: Database) -> None:
    """The recording that closes the send-to-commit window: a queued secret becomes published with its card,
    and the entry that delivered it goes in the same statement (one round trip on PostgreSQL); a secret hidden
    while its card went out keeps that status, and an entry of another card stays."""
    from bot.outbox import CardDue

    community_id = await add_community(store)
    queued = await add_secret(store, community_id, 1)
    hidden = await add_secret(store, community_id, 2, status=SecretStatus.HIDDEN)
    async with store.unit_of_work() as uow:
        for secret_id in (queued, hidden):
            await uow.outbox.add(CardDue(secret_id), NOW)
        entries = {e.message: e.id for e in await uow.outbox.claim_due(NOW, 10, NOW + timedelta(seconds=15))}
        await uow.commit()
    at = NOW + timedelta(seconds=3)
    async with store.recording() as uow:
        assert await uow.secrets.card_out(queued, "c1", at, delivered=entries[CardDue(queued)]) is True
        await uow.commit()
    async with store.recording() as uow:
        assert await uow.secrets.card_out(hidden, "c2", at) is False
        await uow.commit()
    async with store.unit_of_work() as uow:
        first, second = await uow.secrets.get(queued), await uow.secrets.get(hidden)
        left = [e.message for e in await uow.outbox.claim_due(NOW + timedelta(minutes=1), 10, NOW)]
    assert first is not None and (first.status, first.card_ref) == (SecretStatus.PUBLISHED, "c1")
    assert second is not None and (second.status, second.card_ref) == (SecretStatus.HIDDEN, "c2")
    assert left == [CardDue(hidden)]


async def test_a_secret_is_made_of_an_open_draft_once_with_its_authors_list_as_it_stands(
    store: Database,
) -> None:
    community_id = await add_community(store)

    def new(text: str) -> NewSecret:
        return NewSecret(
            community_id=community_id, number=-1 - len(text), author_salt=SALT, author_tag=KEY, text=text,
            content_warning=False, status=SecretStatus.QUEUED, created_at=NOW, author_locale="en",
            token=new_token(), return_address=SealedAddress(b"sealed", NOW + timedelta(days=7)),
            ban_key=SealedValue(b"ban key", NOW + timedelta(hours=48)),
        )  # fmt: skip

    async with store.unit_of_work() as uow:
        drafts = []
        for text in ("one", "two two", "cancelled"):
            draft = await uow.drafts.add(
                NewDraft(
                    owner_salt=SALT, owner_tag=KEY, kind=DraftKind.SECRET, text=text, verdict=Verdict.ALLOW,
                    reason_categories=(), created_at=NOW,
                )
            )  # fmt: skip
            drafts.append(draft.id)
        await uow.pictures.add(drafts[1], StoredPicture(new_token(), b"\xff\xd8 pixels", 4, 3), NOW)
        assert await uow.drafts.transition(drafts[2], DraftStatus.OPEN, DraftStatus.CANCELLED)
        made = await uow.secrets.add_from_draft(drafts[0], new("one"), "list")
        assert made is not None and made[1] is None
        first = made[0]
        assert await uow.own_lists.save("list", b"sealed ids", None, "v1")
        assert await uow.own_lists.save("other", b"not theirs", None, "v9")
        made = await uow.secrets.add_from_draft(drafts[1], new("two two"), "list")
        assert made is not None and made[1] == OwnList(b"sealed ids", "v1")
        second = made[0]
        assert await uow.secrets.add_from_draft(drafts[1], new("again"), "list") is None  # taken already
        assert await uow.secrets.add_from_draft(drafts[2], new("cancelled"), "list") is None  # not open
        assert await uow.secrets.add_from_draft(drafts[0] + 1000, new("none"), "list") is None
        await uow.commit()
    assert second.id != first.id
    async with store.unit_of_work() as uow:
        for made_secret in (first, second):
            assert await uow.secrets.get(made_secret.id) == made_secret
            assert await uow.secrets.return_address(made_secret.id, NOW) == b"sealed"
            assert await uow.secrets.ban_key(made_secret.id, NOW) == b"ban key"
        assert [await uow.drafts.get(d) is None for d in drafts] == [True, True, False]
        assert await uow.pictures.of_draft(drafts[1]) is None  # the photo went with its draft
        texts = {
            s.text for s in await uow.secrets.get_many([first.id, second.id, second.id + 1, second.id + 2])
        }
        assert texts == {"one", "two two"}
