"""The minimum audience: counted in readers, bots aside, at Post and again as the card goes out."""

from __future__ import annotations

from bot.model import CommunitySettings
from tests.core.harness import GROUP, Harness, post_action, text_of


async def test_the_minimum_is_checked_again_when_the_card_goes_out() -> None:
    h = await Harness(CommunitySettings()).setup()  # the default delay: 5 to 10 minutes
    await h.post("u1", "Posted while the group was big enough.")
    everyone = set(h.directory.members[GROUP])
    h.directory.members[GROUP] = {"u1", "u2", "u3"}  # most members leave before the card is due
    h.clock.advance(seconds=601)
    await h.settle()
    assert h.cards() == []  # it waits rather than publish to three people
    h.directory.members[GROUP] = everyone
    h.clock.advance(minutes=16)
    await h.settle()
    assert len(h.cards()) == 1


async def test_a_card_going_out_right_after_post_uses_the_count_post_asked() -> None:
    h = await Harness().setup()  # published at once
    preview = await h.service.text(h.actor("u1"), "Counted once, at Post.")
    before = h.directory.reader_checks
    await h.press("u1", post_action(preview))
    assert len(h.cards()) == 1
    assert h.directory.reader_checks == before + 1  # at Post; the card used that count


async def test_a_count_older_than_its_freshness_is_asked_again_as_the_card_goes_out() -> None:
    h = await Harness(CommunitySettings()).setup()  # the default delay: 5 to 10 minutes
    preview = await h.service.text(h.actor("u1"), "Counted at Post and again ten minutes later.")
    before = h.directory.reader_checks
    await h.press("u1", post_action(preview))
    h.clock.advance(seconds=601)
    await h.settle()
    assert len(h.cards()) == 1
    assert h.directory.reader_checks == before + 2


async def test_readers_that_cant_be_counted_refuse_the_post_and_keep_the_preview() -> None:
    h = await Harness().setup()
    h.directory.unknown_readers.add(GROUP)
    preview = await h.service.text(h.actor("u1"), "Where nobody can say who reads.")
    answer = await h.press("u1", post_action(preview))
    assert "can't count the readers of Group" in text_of(answer) and "preview is kept" in text_of(answer)
    h.directory.unknown_readers.clear()
    await h.press("u1", post_action(preview))
    assert len(h.cards()) == 1


async def test_the_preview_shows_each_group_with_its_readers_and_a_code() -> None:
    h = await Harness().setup()
    preview = text_of(await h.service.text(h.actor("u1"), "Which group is this going to?"))
    assert "Group: Group · 👥 6 · c" in preview
