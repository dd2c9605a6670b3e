"""Storage contract for erasure, on the fake, SQLite and PostgreSQL: a deleted secret keeps nothing of its
text and of the keys tied to it; posted, cancelled and stale drafts go."""

from __future__ import annotations

from datetime import timedelta

from bot.anonymity import new_token
from bot.model import DraftKind, Reaction, ReportReason, SecretStatus
from bot.moderation.verdict import Verdict
from bot.ports import Database
from bot.records import NewDraft, NewReply, NewReport
from tests.storage.contract import KEY, NOW, OTHER, SALT, THIRD, add_community, add_secret


def _draft(secret_id: int | None, at: timedelta = timedelta(0), text: str = "draft") -> NewDraft:
    kind = DraftKind.REPLY if secret_id else DraftKind.SECRET
    return NewDraft(
        owner_salt=SALT, owner_tag=OTHER, kind=kind, secret_id=secret_id, text=text, verdict=Verdict.ALLOW,
        reason_categories=(), created_at=NOW + at,
    )  # fmt: skip


async def test_an_erased_secret_keeps_nothing_but_its_place(store: Database) -> None:
    community_id = await add_community(store)
    erased = await add_secret(store, community_id, 1, text="erase me")
    kept = await add_secret(store, community_id, 2, text="keep me")
    replies = {}
    async with store.unit_of_work() as uow:
        for secret_id in (erased, kept):
            await uow.reactions.toggle(secret_id, OTHER, Reaction.HEART)
            await uow.reports.add(NewReport(secret_id, THIRD, ReportReason.SPAM, 1.0, NOW))
            assert await uow.replies.claim_pseudonym(secret_id, OTHER, "Blue Fox")
            reply = await uow.replies.add(NewReply(
                secret_id=secret_id, thread_key=OTHER, text="a reply", pseudonym="Blue Fox", by_author=False,
                created_at=NOW, token=new_token(),
            ))  # fmt: skip
            await uow.replies.set_message_ref(reply.id, f"m{reply.id}")  # out: counted on the card
            replies[secret_id] = reply.id
            assert await uow.reply_moderation.add_report(reply.id, THIRD, ReportReason.HATE, 1.0, NOW)
            await uow.drafts.add(_draft(secret_id))
        await uow.secrets.set_card_ref(erased, "card-1", NOW)
        await uow.commit()
        await uow.secrets.erase(erased)
        await uow.commit()
    async with store.unit_of_work() as uow:
        gone = await uow.secrets.get(erased)
        assert gone is not None
        assert (gone.status, gone.text, gone.author_salt, gone.author_tag, gone.collection) == (
            SecretStatus.DELETED,
            "",
            b"",
            "",
            None,
        )
        assert await uow.secrets.ban_key(erased, NOW) is None
        assert (gone.community_id, gone.number, gone.card_ref) == (community_id, 1, "card-1")
        assert await uow.secrets.return_address(erased, NOW) is None
        assert (await uow.reactions.counts(erased)).heart == 0
        assert await uow.reports.weight(erased) == 0 and list(await uow.reports.reasons(erased)) == []
        emptied = await uow.replies.get(
            replies[erased]
        )  # its message is out: the row stays for its placeholder
        assert await uow.reply_moderation.report_weight(replies[erased]) == 0
        assert await uow.reply_moderation.report_weight(replies[kept]) == 1.0
        assert emptied is not None and (emptied.text, emptied.thread_key, emptied.message_ref) == (
            "",
            "",
            f"m{replies[erased]}",
        )
        assert await uow.replies.pseudonym_of(erased, OTHER) is None
        # the other secret is untouched
        still = await uow.secrets.get(kept)
        assert still is not None and still.text == "keep me" and still.author_tag == KEY
        assert await uow.secrets.ban_key(kept, NOW) == b"ban key"
        assert (await uow.reactions.counts(kept)).heart == 1 and await uow.replies.count(kept) == 1
        assert await uow.reports.weight(kept) == 1.0
        assert await uow.replies.pseudonym_of(kept, OTHER) == "Blue Fox"
        assert await uow.secrets.return_address(kept, NOW) == b"sealed"


async def test_drafts_are_purged_when_done_with_or_left_too_long(store: Database) -> None:
    async with store.unit_of_work() as uow:
        posted = await uow.drafts.add(_draft(None))
        old = await uow.drafts.add(_draft(None, -timedelta(hours=30), "old"))
        recent = await uow.drafts.add(_draft(None, -timedelta(hours=2), "recent"))
        await uow.commit()
        await uow.drafts.delete(posted.id)
        await uow.drafts.delete(posted.id + 1000)  # already gone: nothing happens
        await uow.commit()
        assert await uow.drafts.get(posted.id) is None
        assert await uow.drafts.delete_stale(NOW - timedelta(days=1)) == 1
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.drafts.get(old.id) is None
        assert await uow.drafts.get(recent.id) is not None
