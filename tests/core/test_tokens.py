"""Card buttons and deep links carry a random token per secret and nothing else that varies: nothing in them
orders the secrets or counts them."""

from __future__ import annotations

from bot.actions import Moderate, React, ReplyLink, ReportLink
from bot.model import CommunitySettings, ModOperation, Reaction
from tests.core.harness import Harness, text_of

TEXTS = (
    "I still have my childhood blanket.",
    "I lied about reading that book for the club.",
    "My plants are plastic and nobody noticed.",
    "I sing in the car at full volume every day.",
    "I never learned how to ride a bike properly.",
    "The cake at the office party was from a shop.",
    "I keep a list of every film I have walked out of.",
    "My cat has a bigger wardrobe than I do.",
    "I pretend to be on the phone to avoid neighbours.",
    "I have never seen the sea and I am forty.",
    "I rehearse arguments in the shower and always win.",
    "My handwriting changed completely after school.",
)


async def test_card_buttons_and_links_of_secrets_posted_in_sequence_carry_nothing_that_orders_them() -> None:
    h = await Harness(CommunitySettings(publication_delay_seconds=600)).setup()
    for n, text in enumerate(TEXTS):
        await h.post(f"u{n % 6 + 1}", text)
    h.clock.advance(seconds=601)
    await h.settle()
    cards = h.cards()
    assert len(cards) == len(TEXTS)
    in_dm_order = sorted(h.db.state.secrets.values(), key=lambda s: s.id)
    tokens = [s.token for s in in_dm_order]
    shapes = set()
    for card in cards:
        buttons = [b for row in card.message.buttons for b in row]
        data = [b.action.encode() if b.action else b.link.encode() if b.link else "" for b in buttons]
        (token,) = {t for t in tokens if any(t in d for d in data)}
        # all that varies from one card to the next is the token: no id, no number, no time
        shapes.add(tuple(d.replace(token, "T") for d in data))
    assert len(shapes) == 1, shapes
    assert sorted(tokens) not in (tokens, tokens[::-1])  # random: neither the DMs' order nor its reverse


async def test_a_token_from_a_card_works_and_an_id_does_not() -> None:
    h = await Harness().setup()
    await h.post("u1", "Tap me.")
    secret = next(iter(h.db.state.secrets.values()))
    assert "❤️" in text_of(await h.press("u2", React(secret.token, Reaction.HEART)))
    forged = f"2:react:{secret.id}:h"  # what a button carried before tokens
    assert "expired" in text_of(await h.service.press(h.actor("u2"), forged))
    assert "Write your reply" in text_of(
        await h.service.start(h.actor("u3"), ReplyLink(secret.token).encode())
    )
    assert "Why are you reporting" in text_of(
        await h.service.start(h.actor("u3"), ReportLink(secret.token).encode())
    )
    assert "Hi" in text_of(await h.service.start(h.actor("u3"), f"report_{secret.id}"))  # just the welcome


async def test_moderators_buttons_carry_a_random_token_per_item_and_an_id_does_not_work() -> None:
    from tests.core.harness import MODS, post_action

    h = await Harness().setup()
    for n in range(1, 5):
        await h.press(
            f"u{n}", post_action(await h.service.text(h.actor(f"u{n}"), f"REVIEWME number {n} here"))
        )
    items = sorted(h.db.state.items.values(), key=lambda i: i.id)
    shapes = set()
    for sent in h.messenger.to(MODS):
        data = [b.action.encode() for row in sent.message.buttons for b in row if b.action]
        (token,) = {i.token for i in items if any(i.token in d for d in data)}
        shapes.add(tuple(d.replace(token, "T") for d in data))  # nothing else varies: no id, no count
    assert len(shapes) == 1 and len(h.messenger.to(MODS)) == len(items) == 4
    forged = f"2:mod:{items[0].id}:ok"  # what a button carried before tokens
    assert "expired" in text_of(await h.service.press(h.actor("u6"), forged))
    assert "Approved" in text_of(await h.press("u6", Moderate(items[0].token, ModOperation.APPROVE)))
