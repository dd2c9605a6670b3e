"""Reply notices (issue 15, acceptance 2): an author who asked at Post hears of replies in DM, in their
language, 15 to 30 minutes after the first reply of a batch; ten replies in a minute make one notice; Stop
ends them."""

from __future__ import annotations

from datetime import timedelta

from bot.actions import KeepNotices, Post, ReplyLink, StopNotices, ToggleNotices
from bot.messages import Button
from tests.core.harness import Harness, post_action, text_of
from tests.fakes import Sent


async def test_replies_reach_their_author_batched_delayed_and_until_stopped() -> None:
    h = await Harness().setup()
    preview = await h.service.text(h.actor("u1", "fr"), "J'ai toujours peur du noir, à quarante ans.")
    draft = post_action(preview).draft
    toggled = await h.press("u1", ToggleNotices(draft), "fr")
    assert "🔔 Me prévenir des réponses : oui" in str(toggled)
    await h.press("u1", Post(draft), "fr")
    token = h.token(max(h.db.state.secrets))

    async def reply(user: str, text: str) -> None:
        await h.service.start(h.actor(user), ReplyLink(token).encode())
        await h.press(user, post_action(await h.service.text(h.actor(user), text)))

    def notices() -> list[Sent]:
        return [s for s in h.messenger.to("dm-u1") if "ton secret #1" in s.message.text.plain_text]

    await reply("u2", "Moi aussi, et je dors avec une veilleuse.")
    h.clock.advance(minutes=14)
    await h.settle()
    assert notices() == []  # not before the window opens: its time says little of the reply's
    h.clock.advance(minutes=17)
    await h.settle()
    (first,) = notices()
    assert first.message.text.plain_text == "💬 Quelqu'un a répondu à ton secret #1."

    for n in range(10):  # ten replies within a minute: one notice
        await reply(f"u{2 + n % 5}", f"Une réponse de plus, la numéro {n}.")
        h.clock.advance(seconds=5)
    h.clock.advance(minutes=31)
    await h.settle()
    (batched,) = notices()[1:]
    assert batched.message.text.plain_text == "💬 10 nouvelles réponses à ton secret #1."

    stop = next(b for row in batched.message.buttons for b in row if isinstance(b.action, StopNotices))
    assert isinstance(stop, Button) and stop.action is not None and stop.action.token != token
    assert "plus de notifications" in text_of(await h.press("u1", stop.action, "fr"))
    await reply("u3", "Et une dernière réponse.")
    h.clock.advance(minutes=31)
    await h.settle()
    assert len(notices()) == 2  # stopped: nothing more
    assert h.db.state.notices == {}  # and the sealed address is gone


async def test_a_notice_near_the_addresss_end_offers_to_keep_it_and_only_its_author_can() -> None:
    """The address lasts 7 days from Post and is never renewed by itself: a notice sent in its last two days
    says so and offers "Keep notifying me"; the author's tap seals it anew for another week (a forged tap
    from someone else's DM renews nothing); without it the notices end at the seventh day."""
    h = await Harness().setup()
    preview = await h.service.text(h.actor("u1"), "I still sleep with the light on.")
    draft = post_action(preview).draft
    await h.press("u1", ToggleNotices(draft))
    await h.press("u1", Post(draft))
    token = h.token(max(h.db.state.secrets))
    posted = h.clock.now()
    ((_, _, expiry, _),) = h.db.state.notices.values()  # a week from Post

    async def reply(user: str, text: str) -> None:
        await h.service.start(h.actor(user), ReplyLink(token).encode())
        await h.press(user, post_action(await h.service.text(h.actor(user), text)))
        h.clock.advance(minutes=31)
        await h.settle()

    def notices() -> list[Sent]:
        return [s for s in h.messenger.to("dm-u1") if "your secret #1" in s.message.text.plain_text]

    def labels(sent: Sent) -> list[str]:
        return [b.label for row in sent.message.buttons for b in row]

    await reply("u2", "Me too, a small one.")
    assert labels(notices()[-1]) == ["🔕 Stop these notices"]  # days left: nothing to keep yet
    assert "stop in less than two days" not in notices()[-1].message.text.plain_text

    h.clock.current = posted + timedelta(days=5, hours=12)
    await reply("u3", "A reply on the sixth day.")
    last = notices()[-1]
    assert "These notices stop in less than two days" in last.message.text.plain_text
    assert labels(last) == ["🔔 Keep notifying me", "🔕 Stop these notices"]
    keep = next(b.action for row in last.message.buttons for b in row if isinstance(b.action, KeepNotices))

    # a tap from another member's DM with the same token renews nothing (and redirects nothing)
    forged = await h.press("u2", keep)
    assert "another week" not in text_of(forged)
    (wish,) = h.db.state.notices.values()
    assert wish[2] == expiry

    tapped = h.clock.now()
    kept = await h.press("u1", keep, "fr")
    assert "une semaine de plus" in text_of(kept)
    (wish,) = h.db.state.notices.values()
    assert wish[2] == tapped + timedelta(days=7)  # a week from the tap

    h.clock.current = posted + timedelta(days=9)  # past the first week: still told
    await reply("u4", "A reply on the tenth day.")
    assert "💬 Someone replied to your secret #1." in notices()[-1].message.text.plain_text
    assert len(notices()) == 3

    h.clock.current = posted + timedelta(days=30)  # past the kept week too, no tap: they end
    await reply("u5", "A reply a month on.")
    assert len(notices()) == 3
    assert await h.service.sweep() >= 1 and h.db.state.notices == {}
