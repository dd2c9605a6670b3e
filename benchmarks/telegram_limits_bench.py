"""Delivery at Telegram's limits: the real ``murmure run`` against the emulator's exact limits.

    python benchmarks/telegram_limits_bench.py [--cards 1000 --groups 50] [--burst 200] [--rtt-ms 50]
        [--probes 8] [--dm-every 1.0] [--counted-after-ms MS]

The emulator refuses (429) a 21st message in any 60 s in a group and a 31st in any second overall, and adds
``--rtt-ms`` to every answer, before it counts the message. The process is told so: its
``telegram.counted_after_ms`` is ``--rtt-ms`` unless ``--counted-after-ms`` says otherwise (0, the default of
a deployment, holds each window one whole round trip longer). Prints:
- fan-out: ``--cards`` cards queued over ``--groups`` groups before the start, delivered at how many cards
  a second (from the process asking for updates to the last card reaching Telegram), with 429s counted, and
  all the bot's messages in that time a second: the members' answers count against the 30 a second too
  (one DM a second leaves 29 for the cards);
- one busy group: ``--burst`` cards queued for one group (20 a minute, so it stays busy for minutes), then
  ``--probes`` members post a card each into other groups through the real flow (DM, preview, Post): how
  long each card took from the Post press to the group (the card may reach it before the press's answer);
- member DMs answered during both bursts (``/help`` every ``--dm-every`` s, from the DM to the answer reaching
  Telegram), p50 and p95;
- the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.live import (
    COUNTED_AFTER_MS,
    Sent,
    add_groups,
    dm_round_trip,
    group_id,
    member_id,
    queue_cards,
    refused,
    spread,
    start_murmure,
    write_config,
)
from tests.emulators.telegram import TelegramEmulator

DM_EVERY = [1.0]  # seconds between two members' DMs during the bursts (each answer is a message too)


async def member_dms(tg: TelegramEmulator, sent: Sent, stop: asyncio.Event, into: list[float]) -> None:
    """Members who belong to no busy group write to the bot while it delivers."""
    n = 0
    while not stop.is_set() and DM_EVERY[0] > 0:
        n += 1
        into.append(await dm_round_trip(tg, sent, 90_000_000 + n))
        await asyncio.sleep(DM_EVERY[0])


async def fanout(cards: int, groups: int, rtt: float) -> None:
    with tempfile.TemporaryDirectory() as directory:
        async with TelegramEmulator(latency=rtt) as tg:
            add_groups(tg, groups)
            config = write_config(Path(directory), tg)
            await queue_cards(config, dict.fromkeys(range(groups), cards // groups))
            running = await start_murmure(tg, config)
            cpu0 = time.process_time()
            stop, dms = asyncio.Event(), []
            sent = Sent(tg)
            talking = asyncio.create_task(member_dms(tg, sent, stop, dms))
            try:
                wanted = {group_id(g): cards // groups for g in range(groups)}

                def delivered() -> bool:
                    return all(len(sent.to(chat)) >= count for chat, count in wanted.items())

                await tg.wait_until(delivered, within=600)
                last = max(call.time for chat in wanted for call in sent.to(chat))
                stop.set()
                await talking
                took = last - running.ready
                total = sum(wanted.values())
                rate = total / took
                print(f"fan-out: {total} cards over {groups} groups in {took:5.1f} s: {rate:5.1f} cards/s")
                # what Telegram's 30 a second counted: the cards and the answers to the members' DMs
                window = [c for c in tg.requests if running.ready <= c.time <= last]
                counted = sum(1 for c in window if c.ok and c.method == "sendMessage")
                print(
                    f"fan-out: all the bot's messages in that time (cards and answers to members): {counted},"
                    f" {counted / took:5.1f}/s of Telegram's 30/s"
                )
                print(f"fan-out: 429s answered by the emulator: {refused(tg)}")
                print(f"fan-out: member DMs answered   {spread(dms)}")
                print(f"fan-out: the emulator's process used {time.process_time() - cpu0:5.1f} s CPU")
                print(
                    f"fan-out: peak RSS {running.rss_peak_mib():5.1f} MiB, CPU {running.cpu_seconds():5.1f} s"
                )
            finally:
                await running.stop()


async def post_through_telegram(
    tg: TelegramEmulator, sent: Sent, group: int, member: int, text: str
) -> float:
    """A member posts in DM (text, preview, Post); seconds from the press on Post to the card in the group
    (the card may go out before the press is answered: it is looked for from the press)."""
    await tg.user_sends(member, member, text)
    await tg.wait_until(lambda: any("Post" in str(m.buttons) for m in tg.bot_messages(member)), within=30)
    preview = next(m for m in reversed(tg.bot_messages(member)) if "Post" in str(m.buttons))
    data = next(str(b["callback_data"]) for b in preview.buttons if "Post" in b.get("text", ""))
    pressed = time.time()
    click = await tg.user_clicks(member, preview, data)
    query = click["callback_query"]["id"]
    await tg.wait_until(lambda: tg.callback_answer(query) is not None, within=30)
    pattern = re.compile(re.escape(text))
    await tg.wait_until(
        lambda: any(pattern.search(str(c.params.get("text"))) for c in sent.to(group, pressed)),
        within=120,
    )
    card = next(c for c in sent.to(group, pressed) if pattern.search(str(c.params.get("text"))))
    return card.time - pressed


async def busy_group(burst: int, probes: int, rtt: float) -> None:
    with tempfile.TemporaryDirectory() as directory:
        async with TelegramEmulator(latency=rtt) as tg:
            add_groups(tg, probes + 1)
            config = write_config(Path(directory), tg)
            await queue_cards(config, {0: burst} | dict.fromkeys(range(1, probes + 1), 0))
            running = await start_murmure(tg, config)
            stop, dms = asyncio.Event(), []
            sent = Sent(tg)
            talking = asyncio.create_task(member_dms(tg, sent, stop, dms))
            try:
                await tg.wait_until(lambda: len(sent.to(group_id(0))) >= 20, within=60)
                waits = []
                for g in range(1, probes + 1):
                    text = f"A card for group {g} while group 0 is busy, number {g}."
                    waits.append(await post_through_telegram(tg, sent, group_id(g), member_id(g, 1), text))
                stop.set()
                await talking
                busy = len(sent.to(group_id(0)))
                print(
                    f"busy group: {burst} cards queued for one group ({busy} out so far); a card into another"
                    f" group took {spread(waits)} from its Post press   429s: {refused(tg)}"
                )
                print(f"busy group: member DMs answered   {spread(dms)}")
                rss, cpu = running.rss_peak_mib(), running.cpu_seconds()
                print(f"busy group: peak RSS {rss:5.1f} MiB, CPU {cpu:5.1f} s")
            finally:
                await running.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--probes", type=int, default=8)
    parser.add_argument("--rtt-ms", type=float, default=50.0)
    parser.add_argument("--dm-every", type=float, default=DM_EVERY[0], help="seconds; 0 for no DMs")
    parser.add_argument(
        "--counted-after-ms", type=float, help="telegram.counted_after_ms (default: --rtt-ms)"
    )
    args = parser.parse_args()
    DM_EVERY[0] = args.dm_every
    COUNTED_AFTER_MS[0] = args.rtt_ms if args.counted_after_ms is None else args.counted_after_ms
    print(
        f"Telegram emulator with its exact limits, {args.rtt_ms:g} ms added to every answer before it counts;"
        f" the process's telegram.counted_after_ms = {COUNTED_AFTER_MS[0]:g}"
    )
    if args.cards:
        await fanout(args.cards, args.groups, args.rtt_ms / 1000)
    if args.burst:
        await busy_group(args.burst, args.probes, args.rtt_ms / 1000)


if __name__ == "__main__":
    asyncio.run(main())
