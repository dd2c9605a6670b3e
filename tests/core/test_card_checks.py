"""The checks of cards answered in place: one at a time per card, the answers that came in meanwhile checked
together next, none left unchecked, other cards not kept waiting."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from bot.card_checks import Answered, CardChecks
from bot.messages import CardAnswer


async def test_answers_during_a_check_are_checked_together_next_and_other_cards_at_once() -> None:
    runs: list[tuple[int, list[int]]] = []
    release = asyncio.Event()

    async def check(secret_id: int, answers: Sequence[Answered]) -> None:
        runs.append((secret_id, [answer.entry for answer, _ in answers]))
        if secret_id == 1:
            await release.wait()

    checks = CardChecks(check)
    first = asyncio.create_task(checks.answered(CardAnswer(1, 10), None))
    await asyncio.sleep(0)
    assert runs == [(1, [10])]
    later = [asyncio.create_task(checks.answered(CardAnswer(1, entry), None)) for entry in (11, 12, 13)]
    await checks.answered(CardAnswer(2, 20), None)  # another card: not behind card 1's check
    await asyncio.sleep(0)
    assert runs == [(1, [10]), (2, [20])] and not any(task.done() for task in [first, *later])
    release.set()
    await asyncio.wait_for(asyncio.gather(first, *later), 1)
    assert runs == [(1, [10]), (2, [20]), (1, [11, 12, 13])]


async def test_the_answers_waiting_are_let_go_if_the_checking_task_is_cancelled() -> None:
    """Their held refreshes stay in the outbox and edit the card later: nobody waits forever."""
    started = asyncio.Event()

    async def check(secret_id: int, answers: Sequence[Answered]) -> None:
        started.set()
        await asyncio.sleep(10)

    checks = CardChecks(check)
    running = asyncio.create_task(checks.answered(CardAnswer(1, 10), None))
    await started.wait()
    waiting = asyncio.create_task(checks.answered(CardAnswer(1, 11), None))
    await asyncio.sleep(0)
    running.cancel()
    await asyncio.wait_for(waiting, 1)
    assert running.cancelled()
