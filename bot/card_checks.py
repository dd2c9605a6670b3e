"""The checks of cards edited in the answers to presses on them, one at a time per card: the answers that
come in while one runs are checked together by the next (a burst of fifty taps on a card is checked in a
few transactions, not fifty). Each answer is checked once it showed, as the check requires."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from bot.messages import CardAnswer, OutgoingMessage

Answered = tuple[CardAnswer, OutgoingMessage | None]  # an answer, and what it showed (None: nothing)


@dataclass
class _Batch:
    answers: list[Answered] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)


class CardChecks:
    """``check(secret_id, answers)`` run for the answers of one card, never two at once for that card."""

    def __init__(self, check: Callable[[int, Sequence[Answered]], Awaitable[None]]) -> None:
        self._check = check
        self._next: dict[int, _Batch] = {}  # per card: the answers waiting for the next check
        self._running: set[int] = set()

    async def answered(self, answer: CardAnswer, shown: OutgoingMessage | None) -> None:
        """Returns once a check that began after this call is over (the caller's answer is in by then)."""
        card = answer.secret_id
        batch = self._next.setdefault(card, _Batch())
        batch.answers.append((answer, shown))
        if card in self._running:
            await batch.done.wait()
            return
        self._running.add(card)
        try:
            while (due := self._next.pop(card, None)) is not None:
                try:
                    await self._check(card, due.answers)
                finally:
                    due.done.set()
        finally:
            self._running.discard(card)
            left = self._next.pop(card, None)  # only if this task was cancelled: their held refreshes stay
            if left is not None:
                left.done.set()
