"""A process that doesn't run an entry's messenger gives the entry back for one that does (issue 16,
point 6): a Telegram-only and a Discord-only process on one database no longer fail each other's cards."""

from bot.anonymity import Sealer
from bot.dispatch import Dispatcher
from tests.core.harness import GROUP, Harness


async def test_an_entry_for_a_messenger_this_process_lacks_waits_for_one_that_runs_it() -> None:
    h = await Harness().setup()
    await h.dispatcher.drain()  # the welcome
    mine, h.dispatcher = (
        h.dispatcher,
        Dispatcher(h.db, {"elsewhere": h.messenger}, Sealer(b"k" * 32), h.clock),
    )
    other = h.dispatcher
    await h.post("u1", "Delivered by the process that runs my messenger.")
    for _ in range(5):
        await other.drain()
        h.clock.advance(seconds=3)
    assert [e["status"] for e in h.db.state.outbox.values()] == ["pending"]
    assert [e["attempts"] for e in h.db.state.outbox.values()] == [0]
    h.dispatcher = mine
    await h.settle()
    assert [s for s in h.messenger.to(GROUP) if "Delivered by the process" in s.message.text.plain_text]
