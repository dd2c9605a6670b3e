"""Storage contract for /forget and the sweep of removed texts, on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from bot.anonymity import new_token
from bot.model import DraftKind, QueueCause, QueueStatus, ReplyStatus, SecretStatus
from bot.moderation.verdict import Verdict
from bot.ports import Database
from bot.records import NewDraft, NewReply, OwnList, SealedValue
from tests.storage.contract import KEY, NOW, OTHER, SALT, THIRD, add_community, add_secret

NEW = "d" * 64


async def _reply(store: Database, secret_id: int, key: str, text: str, pseudonym: str = "Blue Fox") -> int:
    async with store.unit_of_work() as uow:
        if await uow.replies.pseudonym_of(secret_id, key) is None:
            await uow.replies.claim_pseudonym(secret_id, key, pseudonym)
        reply = await uow.replies.add(
            NewReply(
                secret_id=secret_id, thread_key=key, text=text, pseudonym=pseudonym, by_author=False,
                created_at=NOW, token=new_token(), ban_key=SealedValue(b"sealed", NOW + timedelta(hours=48)),
            )
        )  # fmt: skip
        await uow.commit()
    return reply.id


async def test_a_members_threads_are_found_rekeyed_and_erased(store: Database) -> None:
    here, elsewhere = await add_community(store), await add_community(store, "g2", platform="other")
    first, second = await add_secret(store, here, 1), await add_secret(store, here, 2)
    far = await add_secret(store, elsewhere, 1)
    one, two = await _reply(store, first, KEY, "one"), await _reply(store, first, KEY, "two")
    theirs = await _reply(store, first, OTHER, "theirs", "Red Owl")
    third = await _reply(store, second, KEY, "three")
    await _reply(store, far, KEY, "far away")
    async with store.unit_of_work() as uow:
        assert await uow.communities.ids_on("console") == [here]
        assert [r.id for r in await uow.replies.of_thread(first, KEY)] == [one, two]
        await uow.replies.rekey(first, KEY, NEW, {one: b"resealed"})
        await uow.replies.erase(third)
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert [r.text for r in await uow.replies.of_thread(first, NEW)] == ["one", "two"]
        assert await uow.replies.of_thread(first, KEY) == []
        assert await uow.replies.pseudonym_of(first, NEW) == "Blue Fox"
        assert await uow.replies.pseudonym_of(first, KEY) is None
        assert await uow.replies.ban_key(one, NOW) == b"resealed"
        assert await uow.replies.ban_key(two, NOW) is None
        assert (await uow.replies.get(theirs)) is not None
        erased = await uow.replies.get(third)
        assert erased is not None
        assert (erased.text, erased.thread_key, erased.status) == ("", "", ReplyStatus.DELETED)
        assert await uow.replies.pseudonym_of(second, KEY) is None
        assert await uow.replies.ban_key(third, NOW) is None


async def test_a_secret_is_unlinked_and_what_is_kept_under_person_keys_goes(store: Database) -> None:
    community_id = await add_community(store)
    secret_id, other = await add_secret(store, community_id), await add_secret(store, community_id, 2)
    async with store.unit_of_work() as uow:
        await uow.secrets.unlink(secret_id, b"n" * 16, NEW, b"resealed")
        await uow.secrets.unlink(other, b"m" * 16, THIRD, None)
        await uow.own_lists.save(KEY, b"sealed list", None, "v1")
        await uow.own_lists.save(OTHER, b"their list", None, "v1")
        for tag in (KEY, OTHER):
            await uow.drafts.add(
                NewDraft(owner_salt=SALT, owner_tag=tag, kind=DraftKind.SECRET, text="draft",
                         verdict=Verdict.ALLOW, reason_categories=(), created_at=NOW)
            )  # fmt: skip
        await uow.preferences.set_locale(KEY, "fr")
        await uow.preferences.set_subscription(KEY, "love", True)
        await uow.preferences.set_pending_input(THIRD, SealedValue(b"pending", NOW + timedelta(hours=1)))
        await uow.members.mark_verified(KEY, community_id, NOW)
        await uow.members.mark_verified(OTHER, community_id, NOW)
        await uow.digests.claim_member(KEY, "2026-11-24", NOW)
        await uow.commit()
    async with store.unit_of_work() as uow:
        secret = await uow.secrets.get(secret_id)
        assert secret is not None and (secret.author_salt, secret.author_tag) == (b"n" * 16, NEW)
        assert secret.text == "text" and await uow.secrets.return_address(secret_id, NOW) is None
        assert await uow.secrets.ban_key(secret_id, NOW) == b"resealed"
        assert await uow.secrets.ban_key(secret_id, NOW + timedelta(hours=49)) is None  # its window kept
        assert await uow.secrets.ban_key(other, NOW) is None
        assert sorted(o.tag for o in await uow.drafts.owners()) == [KEY, OTHER]
        await uow.own_lists.delete(KEY)
        await uow.preferences.erase(KEY, THIRD)
        await uow.members.forget_memberships([KEY])
        await uow.digests.forget_reader(KEY)
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.own_lists.get(KEY) is None
        assert await uow.own_lists.get(OTHER) == OwnList(b"their list", "v1")
        assert await uow.preferences.locale(KEY) is None and await uow.preferences.subscriptions(KEY) == []
        assert await uow.preferences.pending_input(THIRD, NOW) is None
        assert await uow.members.verified_since([KEY, OTHER], NOW) == [community_id]
        assert await uow.digests.claim_member(KEY, "2026-11-24", NOW)  # its claim was forgotten too


async def test_removed_texts_are_erased_once_no_moderator_needs_them(store: Database) -> None:
    community_id = await add_community(store)
    old = await add_secret(store, community_id, 1, text="removed long ago", status=SecretStatus.REMOVED)
    waiting = await add_secret(store, community_id, 2, text="still judged", status=SecretStatus.REMOVED)
    recent = await add_secret(store, community_id, 3, text="decided lately", status=SecretStatus.REMOVED)
    shown = await add_secret(store, community_id, 4, text="published", status=SecretStatus.PUBLISHED)
    young = await add_secret(
        store, community_id, 5, NOW + timedelta(days=9), text="new", status=SecretStatus.REMOVED
    )
    removed_reply = await _reply(store, shown, KEY, "a removed reply")
    judged_reply = await _reply(store, shown, OTHER, "a reply still judged", "Red Owl")
    async with store.unit_of_work() as uow:
        await uow.moderation.add_item(community_id, waiting, QueueCause.REPORTS, "spam", NOW)
        item = await uow.moderation.add_item(community_id, recent, QueueCause.REPORTS, "spam", NOW)
        await uow.moderation.decide(item.id, QueueStatus.REMOVED, NOW + timedelta(days=9))
        for reply_id in (removed_reply, judged_reply):
            await uow.reply_moderation.set_status(reply_id, ReplyStatus.REMOVED)
        reply = await uow.replies.get(judged_reply)
        assert reply is not None
        await uow.reply_moderation.add_item(community_id, reply, QueueCause.REPORTS, "hate", NOW)
        await uow.commit()
    cutoff = NOW + timedelta(days=7)
    async with store.unit_of_work() as uow:
        assert await uow.secrets.erase_removed_texts(cutoff, 10) == 1
        assert await uow.replies.erase_removed_texts(cutoff, 10) == 1
        await uow.commit()
    async with store.unit_of_work() as uow:
        texts = {s.id: s.text for s in await uow.secrets.get_many([old, waiting, recent, shown, young])}
        assert texts == {
            old: "",
            waiting: "still judged",
            recent: "decided lately",
            shown: "published",
            young: "new",
        }
        kept = await uow.replies.get(judged_reply)
        gone = await uow.replies.get(removed_reply)
        assert (
            kept is not None and gone is not None and (kept.text, gone.text) == ("a reply still judged", "")
        )
