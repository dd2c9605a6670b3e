"""The composition root: configuration, keys, storage and the core, wired once."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import hmac
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from adapters.charts import MatplotlibCharts
from bot.anonymity import Anonymizer, Sealer
from bot.clock import SystemClock
from bot.commands import Feature
from bot.dispatch import Dispatcher
from bot.logsafe import where
from bot.moderation.verdict import FilterResult
from bot.moderation.words import WordList
from bot.ports import Clock, Directory, Messenger, TextChecker
from bot.service import Murmure
from murmure.config import Config, number
from murmure.errors import DatabaseUnreachable
from murmure.keys import PEPPER_ENV, SEALING_KEY_ENV, load_key, load_previous_sealing_key
from murmure.worker_threads import start_worker_threads
from storage.coordination import SqlCoordination
from storage.database import SqlDatabase
from storage.migrate import upgrade
from storage.picture_folder import PictureFolder

if TYPE_CHECKING:
    from adapters.scheduler import Jobs

log = logging.getLogger(__name__)


class PreparedFilter:
    """The moderation filter, built apart from the start: its word lists and learned scorers take most of
    a second to load, which a process that is ready at once doesn't make anyone wait for. ``prepare()``
    builds it in a worker thread (called once the process is up); the first text checked before it is
    ready waits for it, and so does the outbox (``App.filter_built``).

    The build makes some hundred thousand objects holding millions of references: the garbage collector's
    full passes over them took 30 to 130 ms each, holding the GIL (so the event loop stood still), during
    the build and at every full pass after it. So the collector is off while it builds, and what the
    process holds is then frozen (``gc.freeze``): never walked again. No full pass before the freeze: it
    found nothing to free (0 objects of 190,000, 56 ms on an idle machine) and, holding the GIL, stood the
    loop still for 135 to 567 ms in a loaded chaos run, while the members' first updates were handled."""

    def __init__(self, build: Callable[[], TextChecker]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._filter: TextChecker | None = None

    def prepare(self) -> None:
        threading.Thread(target=self._built, name="murmure-filter", daemon=True).start()

    def _built(self) -> TextChecker:
        with self._lock:
            if self._filter is None:
                self._filter = _built_uncollected(self._build)
            return self._filter

    async def built(self) -> None:
        """Waits until the filter is built (raises what its build raised)."""
        if self._filter is None:
            await asyncio.to_thread(self._built)

    def ready(self) -> bool:
        """Built: a check doesn't wait for the build (the core scores short texts on the loop then)."""
        return self._filter is not None

    def check(self, text: str, lang: str | None = None, *, words: WordList | None = None) -> FilterResult:
        return self._built().check(text, lang, words=words)


def _built_uncollected(build: Callable[[], TextChecker]) -> TextChecker:
    """``build()`` with the garbage collector off, what the process holds then frozen (``PreparedFilter``)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return build()
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


@dataclass
class App:
    service: Murmure
    dispatcher: Dispatcher
    database: SqlDatabase
    notes: list[str]
    text_filter: PreparedFilter | None = None

    def start_threads(self) -> None:
        """Every thread the process runs beside the event loop started now, before it takes work: the
        worker threads of ``asyncio.to_thread`` (``murmure/worker_threads.py``), the loop's watcher and
        SQLite's checkpoints. ``Thread.start()`` waits on the loop's thread until the new thread has run, and
        on a loaded machine that held the loop 100 to 200 ms, a card's recording waiting meanwhile."""
        start_worker_threads()
        self.dispatcher.start_watching()
        self.database.start_threads()

    def ready(self) -> None:
        """The moderation filter is built from now on, in a worker thread (the console: once it is up; the
        messengers: while they start)."""
        if self.text_filter is not None:
            self.text_filter.prepare()

    async def filter_built(self) -> None:
        """Waits for the moderation filter's build (``ready`` started it). The outbox starts only then: the
        build holds the GIL in chunks, and a card whose answer comes back meanwhile waits that long before
        its recording (the send-to-commit window, in which a kill posts it twice on Telegram). A build that
        failed is logged; the outbox starts all the same."""
        if self.text_filter is None:
            return
        try:
            await self.text_filter.built()
        except Exception as error:
            log.error("the moderation filter could not be built: %s", where(error))

    async def close(self) -> None:
        self.dispatcher.stop_watching()
        await self.database.dispose()


# Libraries whose logs can carry a raw id, a name or a member's text, at the level they keep whatever level
# Murmure's own logs are set to: the SQL drivers log parameters. Each messenger pins its own client's
# (``Platform.pinned_loggers``).
PINNED_LOGGERS = {
    "aiosqlite": logging.WARNING,
    "asyncpg": logging.WARNING,
    "sqlalchemy": logging.WARNING,
    "apscheduler": logging.WARNING,
}


def quiet_noisy_loggers(more: Mapping[str, int] | None = None) -> None:
    for name, level in (PINNED_LOGGERS | dict(more or {})).items():
        logging.getLogger(name).setLevel(level)


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_noisy_loggers()


async def build_app(
    config: Config,
    messengers: Mapping[str, Messenger],
    directories: Mapping[str, Directory],
    *,
    clock: Clock | None = None,
    generate_keys: bool = False,
    migrate: bool = True,
    edit_intervals: Mapping[str, timedelta] | None = None,
    features: Mapping[str, frozenset[Feature]] | None = None,
) -> App:
    quiet_noisy_loggers()
    notes: list[str] = []
    pepper, new_pepper = load_key(config.pepper_file, PEPPER_ENV, "pepper", 32, generate=generate_keys)
    sealing, new_sealing = load_key(
        config.sealing_key_file, SEALING_KEY_ENV, "sealing key", 32, generate=generate_keys, exact=True
    )
    if new_pepper or new_sealing:
        notes.append(
            f"generated a local pepper and sealing key in {config.data_dir} (mode 0600) for this demo; "
            "keep them out of the database and of backups shared with it"
        )
    config.make_folders()
    # photos already kept as files stay readable when the configuration goes back to the database
    folder = PictureFolder(config.pictures_folder, store_here=config.pictures_in_folder)
    database = SqlDatabase.from_url(config.database_url, config.community, folder, config.database_pool_size)
    if migrate:
        await upgrade_or_explain(database)
    await database.check_connection_budget()
    clock = clock or SystemClock()
    previous = load_previous_sealing_key(config, clock.now())
    sealer = Sealer(sealing, *previous, clock.now) if previous else Sealer(sealing)
    text_filter = PreparedFilter(_default_filter)
    service = Murmure(
        database,
        directories,
        Anonymizer(pepper),
        sealer,
        clock,
        text_filter,
        config.community,
        features=features,
        charts=MatplotlibCharts(),
        pictures_in_folder=config.pictures_in_folder,
    )
    # the reader counts Post asks serve the card going out right after it (counted once, not twice)
    dispatcher = Dispatcher(
        database,
        messengers,
        sealer,
        clock,
        edit_intervals,
        directories,
        service.reader_counts,
        watch_loop=config.watch_loop,
        kept_forms=service.kept_form,  # a form kept while its interaction waited is previewed by the outbox
    )
    service.coordination = SqlCoordination(database.engine, coordination_key(pepper), clock.now)
    return App(service, dispatcher, database, notes, text_filter)


def _default_filter() -> TextChecker:
    """The filter's libraries (phone numbers, e-mail addresses, fuzzy matching) and data are imported in
    ``PreparedFilter``'s worker thread, not before the process is up."""
    from bot.moderation.pipeline import default_filter

    return default_filter()


def coordination_key(pepper: bytes) -> bytes:
    """The key of the hashes that stand for a token or a chat in what processes share (never the value)."""
    return hmac.new(pepper, b"murmure:coordination", hashlib.sha256).digest()


async def upgrade_or_explain(database: SqlDatabase) -> None:
    """The migrations; a database that can't be reached says so (the first access at start is this one)."""
    try:
        await upgrade(database.engine)
    except (OSError, SQLAlchemyError) as error:
        await database.dispose()
        raise DatabaseUnreachable(error) from None


def scheduled_jobs(config: Config, app: App) -> Jobs | None:
    section = config.scheduler
    if not section.get("enabled", True):
        return None
    from adapters.scheduler import Jobs  # APScheduler: not loaded by a console reading a script

    return Jobs(
        app.service,
        digest_every=timedelta(seconds=number(section, "scheduler", "digest_check_seconds", 60)),
        grace=timedelta(hours=number(section, "scheduler", "catch_up_hours", 6)),
    )
