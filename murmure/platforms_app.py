"""`murmure run` with messengers configured: every one on one database, until a signal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator

from adapters.runtime import Connection, StartRefused
from bot.logsafe import where
from bot.ports import Clock
from murmure.bootstrap import build_app, quiet_noisy_loggers, scheduled_jobs
from murmure.config import Config, ConfigError
from murmure.errors import MessengerUnreachable
from murmure.platforms import configured_platforms

log = logging.getLogger(__name__)

# seconds the outbox waits at most, at a start, for the events that waited for the process to be handled
CATCH_UP_SECONDS = 3.0


async def run_platforms(
    config: Config,
    stop: asyncio.Event | None = None,
    *,
    install_signals: bool = True,
    clock: Clock | None = None,
) -> int:
    """Every configured messenger in one process, on one database, until ``stop`` (or SIGINT/SIGTERM);
    ``clock`` is the system's unless a test injects its own (digest times, notice windows)."""
    stop = stop or asyncio.Event()
    if install_signals:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, stop.set)
    configured = configured_platforms(config)
    for each in configured:
        quiet_noisy_loggers(each.platform.pinned_loggers)
    connections: dict[str, Connection] = {}
    for each in configured:
        with _naming(each.platform.name):
            connections[each.platform.name] = each.platform.connect(each.section)
    app = await build_app(
        config,
        {name: connection.messenger for name, connection in connections.items()},
        {name: connection.directory for name, connection in connections.items()},
        features={c.platform.name: c.platform.features for c in configured},
        clock=clock,
    )
    started: list[Connection] = []
    jobs = None
    try:
        app.start_threads()  # before the first update: no thread is started on the loop's thread after it
        # the moderation filter is built while the messengers start (round trips: menus, descriptions), so
        # that the outbox, which waits for it, does not wait once they are up
        app.ready()
        for name, connection in connections.items():
            started.append(connection)  # stopped even if its start fails half-way
            with _naming(name):
                await connection.start(app.service)
        log.warning("murmure is running on %s", ", ".join(connections))
        jobs = scheduled_jobs(config, app)
        if jobs is not None:
            jobs.start()
        await app.filter_built()  # the outbox's sends never meet the build's pauses
        await _caught_up(started)
        await app.dispatcher.run_forever(stop)
    finally:
        if jobs is not None:
            try:
                jobs.stop()
            except Exception as error:
                log.error("while stopping: %s", where(error))
        for connection in reversed(started):
            await connection.stop()
        await app.close()
    return 0


async def _caught_up(connections: list[Connection]) -> None:
    """Waits (``CATCH_UP_SECONDS`` at most) until the events that waited for this process are handled: a
    restart's first seconds handled them side by side with the cards that waited too, and the cards' answers
    waited behind them (in a chaos run on SQLite, every send-to-commit window over 50 ms came 0.6 to 4 s
    after a restart's first getUpdates)."""
    waits = [getattr(connection, "caught_up", None) for connection in connections]  # (optional)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(
            asyncio.gather(*(wait() for wait in waits if wait is not None)), CATCH_UP_SECONDS
        )


@contextlib.contextmanager
def _naming(platform: str) -> Iterator[None]:
    """A failure to connect says which messenger failed (configuration errors pass as they are)."""
    try:
        yield
    except (ConfigError, StartRefused):
        raise
    except Exception as error:
        raise MessengerUnreachable(platform, error) from None


def main_platforms(config: Config) -> int:
    return asyncio.run(run_platforms(config))
