"""The checks of cards answered in place: one at a time per card, the answers that came in meanwhile checked
together next, none left unchecked, other cards not kept waiting."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from bot.card_checks import Answered, CardChecks, mark
from bot.messages import CardAnswer, OutgoingMessage, RichText


async def test_answers_during_a_check_are_checked_together_next_and_other_cards_at_once() -> None:
    runs: list[tuple[int, list[int]]] = []
    release = asyncio.Event()

    async def check(secret_id: int, answers: Sequence[Answered], last: Sequence[object]) -> None:
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

    async def check(secret_id: int, answers: Sequence[Answered], last: Sequence[object]) -> None:
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


async def test_a_check_gathers_the_answers_that_follow_for_a_while() -> None:
    """Taps a fraction of a second apart are checked in one transaction: the first answer's check waits
    ``gather`` seconds for others on the same card; another card's is not behind it."""
    runs: list[tuple[int, list[int]]] = []

    async def check(secret_id: int, answers: Sequence[Answered], last: Sequence[object]) -> None:
        runs.append((secret_id, [answer.entry for answer, _ in answers]))

    checks = CardChecks(check, gather=0.2)
    first = asyncio.create_task(checks.answered(CardAnswer(1, 10), None))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(checks.answered(CardAnswer(1, 11), None))
    other = asyncio.create_task(checks.answered(CardAnswer(2, 20), None))
    await asyncio.sleep(0.05)
    assert runs == [] and not first.done()
    await asyncio.wait_for(asyncio.gather(first, second, other), 1)
    assert runs == [(1, [10, 11]), (2, [20])]


async def test_only_the_answers_no_later_one_follows_for_sure_are_compared() -> None:
    """An answer rendered after another was in was taken after it by the platform: the earlier one's render
    is not compared (the card can't end with it); answers that overlapped are both compared."""
    compared: list[list[str]] = []

    async def check(
        secret_id: int, answers: Sequence[Answered], last: Sequence[OutgoingMessage | None]
    ) -> None:
        compared.append([shown.text.plain_text if shown else "nothing" for shown in last])

    def shown(text: str) -> OutgoingMessage:
        return OutgoingMessage(RichText.plain(text))

    checks = CardChecks(check, gather=0.1)
    first = CardAnswer(1, 10, mark())
    overlapping = CardAnswer(1, 11, mark())  # rendered before the first was in
    one = asyncio.create_task(checks.answered(first, shown("1")))
    two = asyncio.create_task(checks.answered(overlapping, shown("2")))
    await asyncio.sleep(0)
    after = CardAnswer(1, 12, mark())  # rendered once both were in
    await asyncio.wait_for(asyncio.gather(one, two, checks.answered(after, shown("3"))), 1)
    assert compared == [["3"]]
    a, b = CardAnswer(1, 13, mark()), CardAnswer(1, 14, mark())
    await asyncio.wait_for(asyncio.gather(checks.answered(a, shown("4")), checks.answered(b, None)), 1)
    assert compared == [["3"], ["4", "nothing"]]
