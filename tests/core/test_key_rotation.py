"""A sealing-key rotation keeps the previous key for its 7-day overlap: what it sealed still opens until
then and never after; everything new is sealed with the new key; the sweep seals again with the new key the
ban key of a secret still waiting for moderators, which outlives the overlap."""

from __future__ import annotations

from datetime import timedelta

from bot.actions import Moderate
from bot.anonymity import Sealer
from bot.model import ModOperation
from bot.service import Murmure
from bot.usecases.authorship import ban_key_context
from tests.core.harness import PLATFORM, Harness, post_action, text_of
from tests.fakes import KeywordFilter
from tests.support import FixedClock

OLD, NEW = b"o" * 32, b"n" * 32
OVERLAP = timedelta(days=7)


def test_a_value_sealed_with_the_previous_key_opens_during_the_overlap_and_not_after() -> None:
    clock = FixedClock()
    sealed_before = Sealer(OLD).seal("telegram:5550101", "telegram:return:ab")
    rotated = Sealer(NEW, OLD, clock.now() + OVERLAP, clock.now)
    assert rotated.open(sealed_before, "telegram:return:ab") == "telegram:5550101"
    assert rotated.open(sealed_before, "telegram:return:cd") is None  # still bound to its row
    fresh = rotated.seal("telegram:5550102", "telegram:return:ef")
    assert Sealer(NEW).open(fresh, "telegram:return:ef") == "telegram:5550102"  # new seals: the new key
    assert Sealer(OLD).open(fresh, "telegram:return:ef") is None
    assert rotated.reseal(fresh, "telegram:return:ef") is None  # nothing to do for the new key's
    clock.advance(days=7, seconds=-1)
    assert rotated.open(sealed_before, "telegram:return:ab") == "telegram:5550101" and rotated.rotating
    clock.advance(seconds=1)
    assert rotated.open(sealed_before, "telegram:return:ab") is None and not rotated.rotating


async def test_the_ban_key_of_a_secret_waiting_for_moderators_is_sealed_again_and_still_bans() -> None:
    h = await Harness().setup()  # its sealer: b"k" * 32, the key before the rotation
    await h.press("u1", post_action(await h.service.text(h.actor("u1"), "REVIEWME held for a while")))
    secret_id, item_id = max(h.db.state.secrets), max(h.db.state.items)
    before = h.db.state.ban_keys[secret_id].sealed

    def service(sealer: Sealer) -> Murmure:
        return Murmure(h.db, {PLATFORM: h.directory}, h.anonymizer, sealer, h.clock, KeywordFilter())

    rotated = service(Sealer(NEW, b"k" * 32, h.clock.now() + OVERLAP, h.clock.now))
    await rotated.sweep()
    after = h.db.state.ban_keys[secret_id].sealed
    context = ban_key_context(h.db.state.secrets[secret_id].author_salt)
    assert after != before and Sealer(NEW).open(after, context) == h.anonymizer.keys(PLATFORM, "u1").member(1)
    h.clock.advance(days=8)  # the overlap is over: the previous key is dropped
    h.service = service(Sealer(NEW))
    answer = await h.press("u6", Moderate(h.item(item_id), ModOperation.BAN_WEEK))
    assert "banned for 7 days" in text_of(answer) and len(h.db.state.ban_records) == 1


async def test_without_the_sweep_the_overlap_s_end_would_forget_the_author() -> None:
    """The control: a ban key left sealed with the previous key can't be opened after the overlap."""
    h = await Harness().setup()
    await h.press("u1", post_action(await h.service.text(h.actor("u1"), "REVIEWME held for a while")))
    h.clock.advance(days=8)
    h.service = Murmure(h.db, {PLATFORM: h.directory}, h.anonymizer, Sealer(NEW), h.clock, KeywordFilter())
    answer = await h.press("u6", Moderate(h.item(max(h.db.state.items)), ModOperation.BAN_WEEK))
    assert "can no longer be banned" in text_of(answer)
