"""The real ``murmure run`` as a subprocess that the chaos benchmarks kill at random moments and start again
(benchmarks/chaos_bench.py on Telegram, benchmarks/chaos_discord_bench.py on Discord): what both do alike.
Each says how its bot is started and when it is up (``start``), and by which clock its kills are timed."""

from __future__ import annotations

import abc
import asyncio
import os
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path


class BotProcess(abc.ABC):
    """One ``murmure run`` at a time, its log (stderr) appended to one file; ``clock`` times the kills."""

    def __init__(self, config: Path, log_path: Path, clock: Callable[[], float]) -> None:
        self.config, self.log_path, self._clock = config, log_path, clock
        self.process: subprocess.Popen[bytes] | None = None
        self.started: list[subprocess.Popen[bytes]] = []  # every process, all killed at the end
        self.ready_times: list[float] = []
        self.kill_times: list[float] = []
        self.window_kills: list[float] = []
        self.lock = asyncio.Lock()  # one (re)start at a time

    @abc.abstractmethod
    async def start(self) -> None:
        """Starts the bot (unless it runs) and returns once it is up."""

    def kill(self, *, in_window: bool = False) -> subprocess.Popen[bytes] | None:
        process = self.process
        if process is None or process.poll() is not None:
            return None
        os.kill(process.pid, signal.SIGKILL)
        (self.window_kills if in_window else self.kill_times).append(self._clock())
        return process

    @staticmethod
    async def reap(process: subprocess.Popen[bytes] | None) -> None:
        """Waits for the process killed (not ``self.process``: the keeper may have started the next one)."""
        while process is not None and process.poll() is None:  # noqa: ASYNC110 - a child process
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            for _ in range(300):
                if self.process.poll() is not None:
                    break
                await asyncio.sleep(0.1)
        for process in self.started:
            if process.poll() is None:
                process.kill()
                process.wait()


async def keep_alive(bot: BotProcess, stop: asyncio.Event) -> None:
    """Restarts the bot whenever it was killed (by a window kill, or between a kill and its restart)."""
    while not stop.is_set():
        if bot.process is not None and bot.process.poll() is not None and not bot.lock.locked():
            await bot.start()
        await asyncio.sleep(0.05)
