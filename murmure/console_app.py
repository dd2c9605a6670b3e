"""`murmure run` with no messenger configured: the console messenger on an embedded database."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import replace
from datetime import timedelta
from typing import TextIO

from adapters.console.clock import ConsoleClock
from adapters.console.platform import FEATURES, ConsoleDirectory, ConsoleMessenger
from adapters.console.session import ConsoleSession
from adapters.console.world import GROUP_REF, MODERATORS_REF, PLATFORM, Chat, ConsoleUser, ConsoleWorld
from bot.clock import SystemClock
from bot.ports import Clock
from murmure.bootstrap import App, build_app, scheduled_jobs
from murmure.config import Config

FIRST_USER_ID = 730_000_001  # simulated raw ids; never stored, only their author keys


def build_world(config: Config, out: TextIO) -> ConsoleWorld:
    world = ConsoleWorld(out, files=config.data_dir / "exports")
    for index, name in enumerate(config.console.members):
        locale = config.console.locales.get(name, config.community.locale)
        world.add_user(ConsoleUser(name, str(FIRST_USER_ID + index), locale))
    members = set(config.console.members)
    admins = set(config.console.admins)
    world.chats[GROUP_REF] = Chat(GROUP_REF, config.console.group, members, admins)
    world.chats[MODERATORS_REF] = Chat(MODERATORS_REF, config.console.moderators_chat, admins, admins)
    for index, group in enumerate(config.console.groups, start=1):
        ref = f"{GROUP_REF}-{index}"
        world.chats[ref] = Chat(ref, group.title, set(group.members) | admins, admins)
    return world


async def start_console(
    config: Config, out: TextIO, clock: Clock | None = None, *, generate_keys: bool
) -> tuple[App, ConsoleSession]:
    world = build_world(config, out)
    clock = ConsoleClock(clock or SystemClock())
    app = await build_app(
        config,
        {PLATFORM: ConsoleMessenger(world)},
        {PLATFORM: ConsoleDirectory(world)},
        clock=clock,
        generate_keys=generate_keys,
        edit_intervals={PLATFORM: timedelta(0)},  # a terminal has no rate limit
        features={PLATFORM: FEATURES},
    )
    for note in app.notes:
        world.print(f"! {note}")
    await app.service.register_community(PLATFORM, GROUP_REF, config.console.group)
    await app.service.link_moderation_chat(PLATFORM, GROUP_REF, MODERATORS_REF)
    for index, group in enumerate(config.console.groups, start=1):
        ref = f"{GROUP_REF}-{index}"
        await app.service.register_community(
            PLATFORM, ref, group.title, replace(config.community, public=group.public)
        )
        await app.service.link_moderation_chat(PLATFORM, ref, MODERATORS_REF)
    await app.service.sweep()
    session = ConsoleSession(world, app.service, app.dispatcher, clock)
    await app.dispatcher.drain()
    app.ready()
    return app, session


async def run_console(config: Config, stdin: TextIO, out: TextIO) -> int:
    # Only the demo (no config file) may make its own keys; a configured deployment must bring them.
    app, session = await start_console(config, out, generate_keys=config.path is None)
    interactive = stdin.isatty()
    session.echo = not interactive
    stop = asyncio.Event()
    background = None
    jobs = None
    if interactive:
        session.world.print("Murmure console — type /help. Ctrl-D to quit.")
        # delayed publications, retries and digests go out while the terminal waits for input
        background = asyncio.create_task(app.dispatcher.run_forever(stop))
        jobs = scheduled_jobs(config, app)
        if jobs is not None:
            jobs.start()
    try:
        while True:
            if interactive:
                try:
                    line = await asyncio.to_thread(input, f"{session.acting}> ")
                except EOFError:
                    break
            else:
                line = stdin.readline()
                if not line:
                    break
            await session.handle(line)
    except SystemExit:
        pass
    finally:
        stop.set()
        if jobs is not None:
            jobs.stop()
        if background is not None:
            await background
        await app.close()
    return 0


def main_console(config: Config) -> int:
    return asyncio.run(run_console(config, sys.stdin, sys.stdout))
