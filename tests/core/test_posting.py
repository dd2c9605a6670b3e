from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.actions import AskDelete, ChooseLanguage, ConfirmDelete, Post, React
from bot.messages import ChatTarget, OutgoingMessage
from bot.model import CommunitySettings, ModerationMode, Reaction, SecretStatus
from bot.outbox import CardDue, QueueItemDue
from bot.text_input import MAX_SECRET_LENGTH
from tests.core.harness import GROUP, MODS, Harness, post_action, text_of
from tests.fakes import FakeMessenger


async def test_nothing_is_published_before_post_and_the_card_once_after() -> None:
    h = await Harness().setup()
    preview = await h.service.text(h.actor("u1"), "I never learned to swim.")
    await h.dispatcher.drain()
    assert "Preview" in text_of(preview)
    assert h.card_refs() == []
    action = post_action(preview)
    assert "#1" in text_of(await h.press("u1", action))
    again = await h.press("u1", action)
    assert "already posted" in text_of(again)
    cards = h.cards()
    assert len(cards) == 1 and "I never learned to swim." in cards[0].message.text.plain_text
    assert [s.status for s in h.db.state.secrets.values()] == [SecretStatus.PUBLISHED]


async def test_a_secret_is_stored_before_the_member_is_told_and_delivered_after_failures() -> None:
    from bot.ports import DeliveryError

    h = await Harness().setup()
    h.messenger.failures = [DeliveryError("platform down"), DeliveryError("still down", retry_after=3)]
    preview = await h.service.text(h.actor("u1"), "The platform is down but my secret is safe.")
    answer = await h.service.press(h.actor("u1"), post_action(preview).encode())
    assert "#1" in text_of(answer)
    assert len(h.db.state.secrets) == 1  # stored, committed, before the answer
    await h.dispatcher.drain()
    assert h.card_refs() == []
    for _ in range(4):
        h.clock.advance(seconds=5)
        await h.dispatcher.drain()
    assert len(h.card_refs()) == 1


async def test_publication_waits_a_random_delay_within_the_window() -> None:
    h = await Harness(CommunitySettings(publication_delay_seconds=600)).setup()
    await h.post("u1", "Delayed so the timing gives no one away.")
    entry = next(e for e in h.db.state.outbox.values() if isinstance(e["message"], CardDue))
    delay = entry["not_before"] - h.clock.now()
    assert timedelta(0) <= delay <= timedelta(seconds=600)
    h.clock.advance(seconds=601)
    await h.dispatcher.drain()
    assert len(h.card_refs()) == 1


async def test_a_community_too_small_publishes_nothing() -> None:
    h = await Harness(members=3).setup()
    preview = await h.service.text(h.actor("u1"), "Too few of us here.")
    answer = await h.press("u1", post_action(preview))
    assert "at least 5 members" in text_of(answer)
    assert h.db.state.secrets == {}


async def test_non_members_cannot_post_or_react() -> None:
    h = await Harness().setup()
    assert "aren't a member" in text_of(await h.service.text(h.actor("stranger"), "let me in"))
    await h.post("u1", "Members only.")
    secret_id = next(iter(h.db.state.secrets))
    answer = await h.press("stranger", React(h.token(secret_id), Reaction.HEART))
    assert "isn't available" in text_of(answer)
    assert h.db.state.reactions == set()


async def test_bad_input_gets_a_clear_message() -> None:
    h = await Harness().setup()
    assert "empty" in text_of(await h.service.text(h.actor("u1"), "  \x00\x07\u200b  \n"))
    long = text_of(await h.service.text(h.actor("u1"), "x" * 10_000))
    assert "10000 characters" in long and str(MAX_SECRET_LENGTH) in long
    preview = await h.service.text(h.actor("u1"), "tab\tand\x1b[31m escape\x00 codes")
    assert "\x1b" not in text_of(preview) and "\x00" not in text_of(preview)
    assert "expired" in text_of(await h.service.press(h.actor("u1"), Post(999999).encode()))
    assert "expired" in text_of(await h.service.press(h.actor("u1"), "garbage:::"))
    assert "expired" in text_of(await h.service.press(h.actor("u1"), "2:post:-1"))
    assert "/nope" in text_of(await h.service.command(h.actor("u1"), "nope"))


async def test_someone_else_cannot_confirm_my_preview() -> None:
    h = await Harness().setup()
    preview = await h.service.text(h.actor("u1"), "Mine only.")
    answer = await h.press("u2", post_action(preview))
    assert "expired" in text_of(answer)
    assert h.db.state.secrets == {}


async def test_the_filter_blocks_with_a_rethink_prompt_and_holds_for_review() -> None:
    h = await Harness().setup()
    blocked = text_of(await h.service.text(h.actor("u1"), "you BLOCKME idiot"))
    assert "rethink" in blocked and "insults" in blocked
    assert h.db.state.drafts == {}
    preview = await h.service.text(h.actor("u1"), "call REVIEWME")
    assert "Submit to moderators" in str(preview)
    answer = await h.press("u1", post_action(preview))
    assert "Sent to the moderators" in text_of(answer)
    assert h.card_refs() == []
    item = h.messenger.to(MODS)[-1]
    assert "REVIEWME" in item.message.text.plain_text and "a phone number" in item.message.text.plain_text


async def test_review_mode_holds_every_secret() -> None:

    h = await Harness(CommunitySettings(publication_delay_seconds=0, mode=ModerationMode.REVIEW)).setup()
    await h.post("u1", "Wait for approval.")
    assert h.card_refs() == [] and len(h.messenger.to(MODS)) == 1


async def test_a_repeated_secret_is_refused() -> None:
    h = await Harness().setup()
    await h.post("u1", "I ate the last cookie and blamed the dog.")
    again = await h.service.text(h.actor("u1"), "I ate the last cookie and blamed the dog!")
    assert "already posted this secret" in text_of(again)


async def test_own_secrets_are_listed_and_deleted() -> None:
    h = await Harness().setup()
    await h.post("u1", "First confession.")
    secret_id = next(iter(h.db.state.secrets))
    await h.press("u2", React(h.token(secret_id), Reaction.HEART))
    listing = await h.service.command(h.actor("u1"), "mine")
    assert "#1 in Group" in text_of(listing) and "❤️ 1" in text_of(listing)
    assert "expired" in text_of(await h.press("u2", ConfirmDelete(h.token(secret_id))))
    confirm = await h.press("u1", AskDelete(h.token(secret_id)))
    assert "Delete your secret #1" in text_of(confirm)
    done = await h.press("u1", ConfirmDelete(h.token(secret_id)))
    assert "was deleted" in text_of(done)
    assert "deleted by its author" in h.messenger.to(GROUP)[-1].message.text.plain_text
    assert h.db.state.secrets[secret_id].status is SecretStatus.DELETED


async def test_language_is_the_platform_hint_until_the_member_chooses() -> None:
    h = await Harness().setup()
    assert "Salut" in text_of(await h.service.start(h.actor("u1", "fr-FR")))
    await h.press("u1", ChooseLanguage("en"))
    assert "Hi!" in text_of(await h.service.start(h.actor("u1", "fr-FR")))
    assert "Je ne parle pas" in text_of(await h.service.set_language(h.actor("u2", "fr"), "de"))


async def test_a_chat_the_bot_was_removed_from_keeps_its_cards_until_it_is_back() -> None:
    from bot.ports import DeliveryError

    h = await Harness().setup()
    h.messenger.failures = [DeliveryError("kicked", chat_gone=True)]
    await h.post("u1", "Waits for the group to come back.")
    await h.settle()
    community = next(iter(h.db.state.communities.values()))
    assert not community.active
    assert [e["status"] for e in h.db.state.outbox.values()] == ["pending"]  # kept, not failed
    assert "aren't a member" in text_of(await h.service.text(h.actor("u2"), "Anyone there?"))
    await h.service.register_community(community.platform, community.chat_ref, community.title)  # re-added
    for _ in range(12):
        await h.settle()
    assert [s for s in h.messenger.to(GROUP) if "Waits for the group" in s.message.text.plain_text]


async def test_a_card_whose_community_stays_away_is_given_up_and_its_author_told() -> None:
    from bot.ports import DeliveryError

    h = await Harness().setup()
    h.messenger.failures = [DeliveryError("kicked", chat_gone=True)]
    await h.post("u1", "Nobody will read this.")
    await h.settle()
    h.clock.advance(days=3, seconds=1)
    await h.settle()
    (secret,) = h.db.state.secrets.values()
    assert secret.status is SecretStatus.DELETED and not secret.text
    told = h.messenger.to("dm-u1")[-1].message.text.plain_text
    assert "could not be published" in told and "3 days" in told
    assert not h.db.state.outbox  # done


async def test_a_failing_use_case_answers_clearly_and_logs_no_content(
    caplog: pytest.LogCaptureFixture,
) -> None:
    h = await Harness().setup()

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("INSERT failed for 'my secret about Roberto' [parameters: 5550101]")

    original = h.db.unit_of_work

    def failing_unit_of_work():  # type: ignore[no-untyped-def]
        uow = original()
        uow.drafts.add = broken  # type: ignore[method-assign]
        return uow

    h.db.unit_of_work = failing_unit_of_work  # type: ignore[method-assign]
    answer = await h.service.text(h.actor("u1"), "my secret about Roberto")
    assert "Nothing you wrote was lost" in text_of(answer)
    assert "RuntimeError" in caplog.text and "test_posting.py" in caplog.text
    assert "Roberto" not in caplog.text and "5550101" not in caplog.text and "u1" not in caplog.text


async def test_without_a_moderators_chat_the_welcome_says_how_and_items_wait_unharmed() -> None:
    h = Harness()
    await h.service.register_community("test", "g", "Group")
    await h.dispatcher.drain()
    assert "send /linkmods" in h.messenger.to(GROUP)[0].message.text.plain_text
    preview = await h.service.text(h.actor("u1"), "REVIEWME waits")
    await h.press("u1", post_action(preview))
    for _ in range(40):  # hours of waiting: the item is postponed, never failed
        h.clock.advance(minutes=6)
        await h.settle()
    assert len(h.messenger.to(GROUP)) == 1  # nothing said in the group about what waits
    entry = next(e for e in h.db.state.outbox.values() if isinstance(e["message"], QueueItemDue))
    assert entry["status"] == "pending" and entry["attempts"] == 0
    await h.service.link_moderation_chat("test", "g", MODS)
    h.clock.advance(minutes=6)
    await h.settle()
    assert "REVIEWME" in h.messenger.to(MODS)[-1].message.text.plain_text


async def test_a_card_is_sent_once_even_when_a_slow_send_outlives_the_outbox_lease() -> None:
    from bot.dispatch import LEASE, Dispatcher

    h = await Harness().setup()
    release = asyncio.Event()
    slow = FakeMessenger()
    original_send = slow.send

    async def send_slowly(target: ChatTarget, message: OutgoingMessage) -> str:
        await release.wait()
        return await original_send(target, message)

    slow.send = send_slowly  # type: ignore[method-assign]
    worker_a = Dispatcher(h.db, {"test": slow}, h.dispatcher._sealer, h.clock)
    worker_b = Dispatcher(h.db, {"test": slow}, h.dispatcher._sealer, h.clock)
    preview = await h.service.text(h.actor("u1"), "Only one card, please.")
    await h.service.press(h.actor("u1"), post_action(preview).encode())
    sending = asyncio.create_task(worker_a.run_once())
    await asyncio.sleep(0)
    h.clock.advance(seconds=LEASE.total_seconds() + 1)  # worker A is stuck past its outbox lease
    await asyncio.wait_for(worker_b.run_once(), 2)  # B takes the entry over, sees A sending, waits
    release.set()
    await sending
    h.clock.advance(minutes=11)
    await worker_b.drain()
    cards = [s for s in slow.sent if s.message.text.plain_text.startswith("#1")]
    assert len(cards) == 1


async def test_an_author_whose_answer_never_showed_is_told_once_after_30_s_unless_deleted_since() -> None:
    """The adapter never says the answer to Post showed (a stop before the preview's edit): the outbox tells
    the author 30 s later, once, in their DM; a secret its author deleted meanwhile is not announced."""
    h = await Harness().setup()
    for user, text in (("u1", "Told by the outbox."), ("u2", "Deleted before the outbox tells.")):
        preview = await h.service.text(h.actor(user), text)
        await h.service.press(h.actor(user), post_action(preview).encode())  # no adapter saying it showed
    deleted = next(s for s in h.db.state.secrets.values() if s.text.startswith("Deleted"))
    await h.press("u2", ConfirmDelete(h.token(deleted.id)))
    await h.settle()
    assert not [s for s in h.messenger.to("dm-u1") if "Sent!" in s.message.text.plain_text]
    h.clock.advance(seconds=30)
    await h.settle()
    h.clock.advance(minutes=5)
    await h.settle()
    told = [s.message.text.plain_text for s in h.messenger.to("dm-u1")]
    assert told == ["✅ Sent! Your secret will appear in Group as #1."]
    assert not [s for s in h.messenger.to("dm-u2") if "Sent!" in s.message.text.plain_text]


async def test_post_is_refused_to_a_member_banned_or_gone_since_the_preview() -> None:
    h = await Harness().setup()
    await h.post("u1", "My first secret, before anything happened.")
    first = next(iter(h.db.state.secrets.values()))
    preview = post_action(await h.service.text(h.actor("u1"), "A second one, written before the ban."))
    banned = await h.service.sanction(h.actor("u6"), "g", "ban", str(first.number))
    assert "banned" in text_of(banned).lower(), text_of(banned)
    assert "banned" in text_of(await h.press("u1", preview)).lower()
    gone = post_action(await h.service.text(h.actor("u2"), "Written just before leaving the group."))
    h.directory.members[GROUP].discard("u2")
    h.clock.advance(minutes=30)  # the membership verified at the preview is no longer fresh: asked again
    assert "only members" in text_of(await h.press("u2", gone)).lower()
    assert len(h.db.state.secrets) == 1
