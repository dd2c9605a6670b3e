"""Engine, sessions and the unit of work: one transaction per use case."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot.model import CommunitySettings
from bot.ports import Contention, OutboxRepository
from bot.reply_moderation_ports import ReplyModerationRepository
from bot.repositories import (
    CommunityRepository,
    DigestRepository,
    DraftRepository,
    FeedRepository,
    MemberRepository,
    ModerationRepository,
    NoticeRepository,
    OwnListRepository,
    PictureRepository,
    PreferenceRepository,
    ReactionRepository,
    ReplyRepository,
    ReportRepository,
    SecretRepository,
)
from bot.sanction_ports import SanctionRepository
from bot.stats import StatsRepository
from storage import sqlite_inline
from storage.lingering_pool import LingeringPool
from storage.outbox_wakeup import OutboxWakeup
from storage.picture_folder import PictureFolder
from storage.raw import Raw, numbered, released
from storage.repositories import (
    SqlCommunities,
    SqlDigests,
    SqlDrafts,
    SqlFeeds,
    SqlMembers,
    SqlModeration,
    SqlNotices,
    SqlOutbox,
    SqlOwnLists,
    SqlPictures,
    SqlPreferences,
    SqlReactions,
    SqlReplies,
    SqlReplyModeration,
    SqlReports,
    SqlSanctions,
    SqlSecrets,
    SqlStats,
)
from storage.repositories.communities import CommunityCache
from storage.repositories.outbox import OUTBOX_WRITTEN
from storage.repositories.owners import INSTANCE
from storage.repositories.pictures import PICTURELESS
from storage.repositories.secrets import CARD_OUT_POSTGRES
from storage.wal_checkpointer import Checkpointer

log = logging.getLogger(__name__)

# Connections: 50 use cases at once (members' events and the dispatcher's deliveries) each get one without
# queueing for the default 5 + 10. SQLite: opened as needed and kept once opened (a file handle; one closed
# after each burst was opened again in the next). PostgreSQL: kept while the bot is busy, and all but
# ``lingering_pool.KEPT`` closed once it has been quiet a while (storage/lingering_pool.py): each is a server
# process, and the server's 100 (its default) are shared by every process of the bot, its commands and
# anything else on that server (kept, 50 a process ran out of them).
POOL_SIZE = 50
# PostgreSQL: a connection is tried (a round trip, three with SQLAlchemy's ping) before its use only if it
# sat unused this long, where it may have been closed by the server or the network meanwhile; one used a
# moment ago is not (a use case on a connection found dead fails, and what it wrote is rolled back).
IDLE_BEFORE_PING_SECONDS = 10.0
# Connections of their own for recording what a platform just did (a card's reference once it is out): the
# commit that closes the send-to-commit window never queues for the pool behind the deliveries and members.
RECORDING_POOL = 2


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={sqlite_inline.BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA secure_delete=ON")  # erased text is overwritten, not left in free pages
    cursor.close()


def _no_checkpoint_in_commits(dbapi_connection: Any, _record: Any) -> None:
    """A commit never folds the write-ahead log into the database (SQLite does it in the commit that finds
    the log past 1000 pages, with two fsyncs: tens of milliseconds on the loop's thread, inside the
    send-to-commit window for a recording); a thread does (storage/wal_checkpointer.py), and the sweep."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


def _private_file(database: str) -> None:
    """The database file is created readable by its owner only (SQLite gives its WAL the same mode), in a
    folder created for its owner only; an existing file open to others is closed to them."""
    path = Path(database)
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    os.chmod(path, 0o600)


def _ping_when_idle(engine: AsyncEngine) -> None:
    """A connection that sat in the pool longer than ``IDLE_BEFORE_PING_SECONDS`` is pinged as it is
    taken out, and replaced by a new one if the ping fails."""
    dialect = engine.dialect

    def checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    def checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop(_IDLE_SINCE, None)
        if since is None or time.monotonic() - since < IDLE_BEFORE_PING_SECONDS:
            return  # new, or used a moment ago
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception as error:  # closed by the server or the network
            raise DisconnectionError(type(error).__name__) from error
        if not alive:
            raise DisconnectionError("ping")

    event.listen(engine.sync_engine, "checkin", checked_in)
    event.listen(engine.sync_engine, "checkout", checked_out)


_IDLE_SINCE = "murmure_idle_since"


def create_engine(
    url: str,
    pool_size: int = POOL_SIZE,
    pre_ping: bool = True,
    urgent: bool = False,
    waits_for_disk: bool = True,
) -> AsyncEngine:
    """``urgent`` (SQLite): its writes go before the writers waiting for their turn; ``waits_for_disk``
    (PostgreSQL): False, its connections' commits return without waiting for their WAL to reach the disk."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        inline = {}
        if database and database != ":memory:" and not database.startswith("file:"):
            _private_file(database)
            # a file: run on the loop's thread, writers taking turns (storage/sqlite_inline.py)
            inline = {"async_creator": sqlite_inline.connector(database, urgent)}
        engine = create_async_engine(url, pool_size=pool_size, max_overflow=0, **inline)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        if inline:
            event.listen(engine.sync_engine, "connect", _no_checkpoint_in_commits)
        return engine
    settings = {} if waits_for_disk else {"connect_args": {"server_settings": {"synchronous_commit": "off"}}}
    pooled = {"poolclass": LingeringPool, "pool_size": pool_size, "max_overflow": 0}
    engine = create_async_engine(url, **pooled, **settings)
    if pre_ping:
        _ping_when_idle(engine)
    return engine


def _checkpointer(engine: AsyncEngine) -> Checkpointer | None:
    """The thread that checkpoints a SQLite file (its connections, on the loop's thread, never do)."""
    if engine.url.get_backend_name() != "sqlite" or not _on_file(engine.url.database):
        return None
    assert engine.url.database is not None
    return Checkpointer(os.path.abspath(engine.url.database))


def _on_file(database: str | None) -> bool:
    """A SQLite database in a file of its own name (not in memory, nor a URI)."""
    return bool(database) and database != ":memory:" and not str(database).startswith("file:")


def _recording_engine(engine: AsyncEngine) -> AsyncEngine | None:
    """A second engine on the same database, for recordings; None where a second engine would not see the
    same data (SQLite in memory)."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and (
        not url.database or url.database == ":memory:" or url.database.startswith("file:")
    ):
        return None
    # no ping before each use (a round trip inside the window): a connection found dead fails the recording,
    # which is tried again at once on a fresh one
    # (SQLite: its writes go before the writers waiting for their turn)
    # PostgreSQL: a recording's commit (the card's is its one statement's) returns without waiting for the
    # disk: the wait (0.4 ms here idle, p99 20 ms and up to 46 ms while another session wrote in bulk) was
    # inside the send-to-commit window. A crash of the database's host may lose a recording made in the
    # last moments before it (not a crash of PostgreSQL alone, nor of the bot): its message goes out again,
    # as after a kill inside the window; nothing is lost.
    return create_engine(
        url.render_as_string(hide_password=False),
        RECORDING_POOL,
        pre_ping=False,
        urgent=True,
        waits_for_disk=False,
    )


# SQLite: another connection holds the write lock, or wrote since this transaction read (which waiting can't
# fix); PostgreSQL: serialization failure, deadlock
_CONTENTION_CODES = {"40001", "40P01"}


def _contention(error: BaseException) -> bool:
    if isinstance(error, OperationalError | DBAPIError):
        driver_error: object = error.orig
    elif isinstance(error, sqlite3.Error) or type(error).__module__.startswith(("sqlalchemy.", "asyncpg")):
        driver_error = error  # from a statement sent straight to the driver (storage/raw.py)
    else:
        return False
    if "database is locked" in str(driver_error) or "database table is locked" in str(driver_error):
        return True
    return getattr(driver_error, "sqlstate", None) in _CONTENTION_CODES


class SqlUnitOfWork:
    communities: CommunityRepository
    members: MemberRepository
    preferences: PreferenceRepository
    own_lists: OwnListRepository
    digests: DigestRepository
    drafts: DraftRepository
    secrets: SecretRepository
    feeds: FeedRepository
    replies: ReplyRepository
    reactions: ReactionRepository
    reports: ReportRepository
    moderation: ModerationRepository
    outbox: OutboxRepository
    reply_moderation: ReplyModerationRepository
    sanctions: SanctionRepository
    stats: StatsRepository
    pictures: PictureRepository
    notices: NoticeRepository

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        wakeup: OutboxWakeup,
        defaults: CommunitySettings,
        cache: CommunityCache,
        folder: PictureFolder | None = None,
        checkpointer: Checkpointer | None = None,
    ) -> None:
        self._sessions = sessions
        self._wakeup = wakeup
        self._defaults = defaults
        self._cache = cache
        self._folder = folder
        self._checkpointer = checkpointer

    async def __aenter__(self) -> Self:
        self._session = self._sessions()
        self._loss_tolerated = False
        return self

    def __getattr__(self, name: str) -> Any:
        """A repository, made the first time the use case asks for it (most use a few of them)."""
        make = _REPOSITORIES.get(name)
        if make is None or "_session" not in self.__dict__:
            raise AttributeError(name)
        repository = make(self)
        setattr(self, name, repository)
        return repository

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self._session.in_transaction():  # (committed, or never begun: nothing to give back or undo)
                await self._session.close()  # what was not committed is undone (close rolls back)
        finally:
            if self._folder is not None:  # and so are the photo files it wrote
                await self._folder.rolled_back(self._session.info)
        if exc is not None and _contention(exc):
            raise Contention(type(exc).__name__) from exc

    def loss_tolerated(self) -> None:
        self._loss_tolerated = True

    async def commit(self) -> None:
        raw = Raw(self._session)
        if self._loss_tolerated and self._session.in_transaction() and await raw.postgres():
            # PostgreSQL: this commit returns without waiting for its WAL to reach the disk (a few ms here,
            # most of a toggle's time); a crash of the database's host may lose it (not a crash of PostgreSQL
            # alone), and the core asks for it only where that breaks no promise (UnitOfWork.loss_tolerated).
            # SQLite (synchronous=NORMAL in WAL mode) never waits for the disk at a commit anyway.
            await raw.commit_without_waiting()  # (the session's commit below finds nothing left to send)
        wrote_outbox = self._session.info.pop(OUTBOX_WRITTEN, False)  # (other processes: notified by it)
        await self._session.commit()
        released(self._session)
        self._session.info.pop(PICTURELESS, None)  # (what it read is read again in the next transaction)
        if self._checkpointer is not None:
            self._checkpointer.committed()
        if self._folder is not None:  # the files of the photos it erased go now that their rows are gone
            await self._folder.committed(self._session.info)
        if wrote_outbox:
            self._wakeup.after_commit()


_REPOSITORIES: dict[str, Callable[[SqlUnitOfWork], Any]] = {
    "communities": lambda uow: SqlCommunities(uow._session, uow._defaults, uow._cache),
    "members": lambda uow: SqlMembers(uow._session),
    "preferences": lambda uow: SqlPreferences(uow._session),
    "own_lists": lambda uow: SqlOwnLists(uow._session),
    "digests": lambda uow: SqlDigests(uow._session),
    "drafts": lambda uow: SqlDrafts(uow._session),
    "secrets": lambda uow: SqlSecrets(uow._session),
    "feeds": lambda uow: SqlFeeds(uow._session),
    "replies": lambda uow: SqlReplies(uow._session),
    "reactions": lambda uow: SqlReactions(uow._session),
    "reports": lambda uow: SqlReports(uow._session),
    "moderation": lambda uow: SqlModeration(uow._session),
    "outbox": lambda uow: SqlOutbox(uow._session),
    "reply_moderation": lambda uow: SqlReplyModeration(uow._session),
    "sanctions": lambda uow: SqlSanctions(uow._session, uow._defaults),
    "stats": lambda uow: SqlStats(uow._session),
    "pictures": lambda uow: SqlPictures(uow._session, uow._folder),
    "notices": lambda uow: SqlNotices(uow._session),
}


class SqlDatabase:
    def __init__(
        self,
        engine: AsyncEngine,
        defaults: CommunitySettings | None = None,
        pictures: PictureFolder | None = None,
    ) -> None:
        """``pictures``: the folder photos are kept in, or read from (None: photos in the database only)."""
        self.engine = engine
        self.pictures = pictures
        # the configuration's community settings: what applies where a community chose nothing
        self.defaults = defaults or CommunitySettings()
        # this process instance, named in the claims it holds (bot/leases.py); drawn at random at each start
        self.instance = secrets.token_hex(8)
        info = {INSTANCE: self.instance}
        self._sessions = async_sessionmaker(engine, expire_on_commit=False, info=info)
        self._recording_engine = _recording_engine(engine)
        self._recording_sessions = (
            async_sessionmaker(self._recording_engine, expire_on_commit=False, info=info)
            if self._recording_engine is not None
            else self._sessions
        )
        self.outbox_wakeup = OutboxWakeup(engine)
        self._checkpointer = _checkpointer(engine)
        self.community_cache = CommunityCache()
        self._warming = asyncio.Lock()

    @classmethod
    def from_url(
        cls,
        url: str,
        defaults: CommunitySettings | None = None,
        pictures: PictureFolder | None = None,
        pool_size: int | None = None,
    ) -> SqlDatabase:
        """``pool_size``: the connections the members' use cases and the deliveries may hold at once (None:
        ``POOL_SIZE``)."""
        return cls(create_engine(url, pool_size or POOL_SIZE), defaults, pictures)

    def connections_at_most(self) -> int:
        """The connections this process may hold on its database at once: its pool's, the recordings', and
        on PostgreSQL the one the outbox's wake-ups are heard on."""
        most = int(self.engine.pool.size())  # type: ignore[attr-defined]
        if self._recording_engine is not None:
            most += int(self._recording_engine.pool.size())  # type: ignore[attr-defined]
        return most + (1 if self.engine.dialect.name == "postgresql" else 0)

    async def check_connection_budget(self) -> None:
        """PostgreSQL: says at start how many of the server's connections this process may take, and warns
        when they are more than the server lets ordinary sessions have (``max_connections`` less those kept
        for superusers). Every process of the bot on one server takes its own, hence ``[database] pool_size``
        for several processes (config.example.toml)."""
        if self.engine.dialect.name != "postgresql":
            return
        try:
            async with self.engine.connect() as connection:
                server = (await connection.execute(text("SHOW max_connections"))).scalar_one()
                reserved = await connection.scalar(text("SHOW superuser_reserved_connections"))
        except (DBAPIError, OSError):
            return  # the server unreachable: the first use case says so, its own way
        allowed, most = int(server) - int(reserved), self.connections_at_most()
        if most > allowed:
            log.warning(
                "this process may hold %d connections at once, more than the %d PostgreSQL allows: lower "
                "[database] pool_size or raise the server's max_connections",
                most,
                allowed,
            )
        else:
            log.info(
                "this process may hold %d of PostgreSQL's %d connections at once (each process of the bot "
                "on this server holds its own: [database] pool_size)",
                most,
                allowed,
            )

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            self._sessions,
            self.outbox_wakeup,
            self.defaults,
            self.community_cache,
            self.pictures,
            self._checkpointer,
        )

    def recording(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            self._recording_sessions,
            self.outbox_wakeup,
            self.defaults,
            self.community_cache,
            self.pictures,
            self._checkpointer,
        )

    def on_outbox_written(self, listener: Callable[[], None]) -> None:
        self.outbox_wakeup.add(listener)

    async def warm(self) -> None:
        """Each recording connection opened (held together, so each is a new one) and, on PostgreSQL, the
        card's recording prepared on it by running it on no row: asyncpg prepares a statement the first time
        a connection runs it, a round trip more, which would land inside a restart's first windows."""
        engine = self._recording_engine
        if engine is None:
            return
        # one warming at a time (two dispatchers on one database): each holding one connection and waiting
        # for the other's would wait for ever
        async with self._warming, contextlib.AsyncExitStack() as held:
            for _ in range(RECORDING_POOL):
                connection = await held.enter_async_context(engine.connect())
                if engine.dialect.name == "postgresql":
                    raw = (await connection.get_raw_connection()).driver_connection
                    assert raw is not None
                    await raw.fetch(
                        numbered(CARD_OUT_POSTGRES),
                        None,
                        "",
                        datetime.now(UTC).replace(tzinfo=None),
                        "",
                        "",
                        0,
                    )  # no entry 0, no secret 0: nothing changes

    def start_threads(self) -> None:
        """The threads the database runs beside the loop (SQLite's checkpoints) started now, before the
        process takes work, rather than at the first commit (which may be a recording's)."""
        if self._checkpointer is not None:
            self._checkpointer.start()

    async def checkpoint(self) -> None:
        if self._checkpointer is not None:
            # in a worker thread (its fsyncs off the loop), in the writers' turn: none of them waits in
            # SQLite meanwhile (on the loop's thread, where waiting would hold the loop)
            turns = self._checkpointer_turns()
            await turns.acquire()
            try:
                if not await asyncio.to_thread(self._checkpointer.truncate):
                    log.warning("checkpoint incomplete: the database was busy")
            finally:
                turns.release()
        elif self.engine.dialect.name == "sqlite":
            async with self.engine.connect() as connection:
                await connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))

    def _checkpointer_turns(self) -> sqlite_inline.Turns:
        assert self.engine.url.database is not None
        return sqlite_inline.WriterLock.of(os.path.abspath(self.engine.url.database))

    async def dispose(self) -> None:
        await self.outbox_wakeup.close()
        if self._checkpointer is not None:
            await asyncio.to_thread(self._checkpointer.stop)  # (a checkpoint under way ends first)
        if self._recording_engine is not None:
            await self._recording_engine.dispose()
        await self.engine.dispose()
