"""Reply notices (issue 15, acceptance 2): an author who asked at Post hears of replies in DM, in their
language, 15 to 30 minutes after the first reply of a batch; ten replies in a minute make one notice; Stop
ends them."""

from __future__ import annotations

from bot.actions import Post, ReplyLink, StopNotices, ToggleNotices
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
