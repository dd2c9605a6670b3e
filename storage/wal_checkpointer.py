"""SQLite's write-ahead log folded into the database file by a thread of its own, never by a commit.

SQLite folds its log into the database file (a checkpoint) in the commit that finds the log past 1000 pages:
the pages copied and two fsyncs, 5 to 50 ms. The connections of ``storage/sqlite_inline.py`` run on the event
loop's thread, so every member's event waited that long, and 50 use cases at once all did. Here those
connections never checkpoint (``wal_autocheckpoint=0``): a thread with a connection of its own does, after
``COMMITS_PER_CHECKPOINT`` commits (about SQLite's 1000 pages for the members' use cases), or within
``QUIET_SECONDS`` of fewer. Its checkpoint is PASSIVE: it never waits for a reader or a writer, and none waits
for it. SQLite releases the interpreter lock while it works: the copy and the fsyncs run beside the loop.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading

log = logging.getLogger(__name__)

COMMITS_PER_CHECKPOINT = 50
QUIET_SECONDS = 1.0


class Checkpointer:
    """One per database file and ``SqlDatabase``; its thread starts at ``start`` (a process about to take
    work) or at the first commit."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._due = threading.Event()
        self._stopping = False
        self._commits = 0  # since the last checkpoint (counted on the loop's thread, read on the other)
        self._thread: threading.Thread | None = None
        self._working = threading.Lock()  # one checkpoint at a time (SQLite refuses a second one at once)

    def committed(self) -> None:
        """A unit of work committed (on the loop's thread)."""
        self._commits += 1
        self.start()
        if self._commits >= COMMITS_PER_CHECKPOINT:
            self._commits = 0
            self._due.set()

    def start(self) -> None:
        """The thread started, if it is not running yet (``Thread.start()`` waits on the caller's thread, the
        loop's, until the new thread has run: a process starts it before it takes work)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="murmure-checkpoint", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        connection = sqlite3.connect(self._path)
        try:
            while True:
                asked = self._due.wait(QUIET_SECONDS)
                self._due.clear()
                if self._stopping:
                    return
                if not asked:
                    if not self._commits:
                        continue
                    self._commits = 0  # fewer commits
                self._checkpoint(connection)
        finally:
            connection.close()

    def _checkpoint(self, connection: sqlite3.Connection) -> None:
        try:
            with self._working:
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as error:  # the next one folds what this one could not
            log.warning("checkpoint failed: %s", type(error).__name__)

    def truncate(self) -> bool:
        """Everything folded in and the log emptied (what erasing needs: the log keeps the pages' earlier
        versions until then); False if SQLite could not. Called in a worker thread, while no writer of this
        process writes (its caller holds their turn, storage/sqlite_inline.py): it waits for the readers."""
        with self._working, contextlib.closing(sqlite3.connect(self._path, timeout=5.0)) as connection:
            busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            return not busy

    def stop(self) -> None:
        """The thread ends (its last commits are folded by the next checkpoint, or SQLite's at the close)."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stopping = True
            self._due.set()
            thread.join()
