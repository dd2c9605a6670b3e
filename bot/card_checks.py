"""The checks of cards edited in the answers to presses on them, one at a time per card: the answers that
come in while one runs, or while it gathers them (``gather`` seconds after the first), are checked together
(a burst of fifty taps on a card, or taps a fraction of a second apart, is checked in a few transactions,
not one each). Each answer is checked once it showed, as the check requires. Of the answers checked together,
one whose render began after another's answer was in (``mark``: this process's order) was taken after it by
the platform: only the renders that may be the card's last are compared with the card as it is."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from bot.messages import CardAnswer, OutgoingMessage

Answered = tuple[CardAnswer, OutgoingMessage | None]  # an answer, and what it showed (None: nothing)
Check = Callable[[int, Sequence[Answered], Sequence[OutgoingMessage | None]], Awaitable[None]]

_marks = itertools.count(1)


def mark() -> int:
    """A number greater than every one given before in this process: when an answer was rendered, or in."""
    return next(_marks)


@dataclass
class _Batch:
    answers: list[Answered] = field(default_factory=list)
    arrived: list[int] = field(default_factory=list)  # each answer's mark when it was in
    done: asyncio.Event = field(default_factory=asyncio.Event)


class CardChecks:
    """``check(secret_id, answers, last)`` run for the answers of one card, never two at once for that card;
    ``last``: what the answers that may have been taken last by the platform showed."""

    def __init__(self, check: Check, gather: float = 0.0) -> None:
        self._check = check
        self._gather = gather  # seconds a check waits, from the answer that starts it, for others to join
        self._next: dict[int, _Batch] = {}  # per card: the answers waiting for the next check
        self._running: set[int] = set()

    async def answered(self, answer: CardAnswer, shown: OutgoingMessage | None) -> None:
        """Returns once a check that began after this call is over (the caller's answer is in by then)."""
        card = answer.secret_id
        batch = self._next.setdefault(card, _Batch())
        batch.answers.append((answer, shown))
        batch.arrived.append(mark())
        if card in self._running:
            await batch.done.wait()
            return
        self._running.add(card)
        try:
            if self._gather:
                await asyncio.sleep(self._gather)
            while (due := self._next.pop(card, None)) is not None:
                try:
                    await self._check(card, due.answers, _maybe_last(due))
                finally:
                    due.done.set()
        finally:
            self._running.discard(card)
            left = self._next.pop(card, None)  # only if this task was cancelled: their held refreshes stay
            if left is not None:
                left.done.set()


def _maybe_last(batch: _Batch) -> list[OutgoingMessage | None]:
    """What the answers showed that no other of the batch follows for sure (rendered after it was in)."""
    latest = max(answer.rendered for answer, _ in batch.answers)
    return [
        shown for (_, shown), arrived in zip(batch.answers, batch.arrived, strict=True) if latest <= arrived
    ]
