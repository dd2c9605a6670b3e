"""Photos kept as files (``[pictures] storage = "folder"``): one file per photo, named by a random token
(never anything of its author, of its secret or of its number), created with mode 0600 in a folder of mode
0700. The database row of a photo names its file; the file follows the row's transaction:

* a file written in a unit of work that is not committed is removed when the unit of work ends;
* a file whose row is deleted is removed once the deletion is committed (before, a rollback would leave a
  row without its file);
* a file left behind by a process that died between the commit and the removal (or between the write and
  the rollback) has no row: the sweep removes such files once they are an hour old (younger ones may
  belong to a unit of work of another process that has not committed yet; ``bot.pictures.ORPHAN_AGE``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
from collections.abc import Collection, Iterable, MutableMapping
from datetime import datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

NAME = re.compile(r"^[0-9a-f]{32}\.jpg$")  # what the folder store names files: nothing else is read or swept
WRITTEN = "murmure.picture_files.written"  # session.info keys: files of this unit of work
ERASED = "murmure.picture_files.erased"


class PictureFolder:
    """The folder photos go in; ``store_here``: new photos go to it (else to the database: files already
    in it stay readable, so a switch back to the database loses nothing)."""

    def __init__(self, path: Path, store_here: bool) -> None:
        self.path = path
        self.store_here = store_here

    def _ready(self) -> None:
        """The folder, created for Murmure only, or closed to others when it already exists."""
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        if self.path.stat().st_mode & 0o077:
            os.chmod(self.path, 0o700)

    def _file(self, name: str) -> Path:
        if not NAME.fullmatch(name):  # a name from the database, never a path to follow
            raise ValueError("not a photo file name")
        return self.path / name

    def _write(self, data: bytes) -> str:
        self._ready()
        name = f"{secrets.token_hex(16)}.jpg"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(self._file(name), flags, 0o600)
        try:
            os.fchmod(descriptor, 0o600)  # whatever the umask
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
            os.fsync(descriptor)  # on disk before the row that names it is committed
        finally:
            os.close(descriptor)
        return name

    async def write(self, info: MutableMapping[str, Any], data: bytes) -> str:
        """A new file with these bytes; removed again unless its unit of work commits."""
        name = await asyncio.to_thread(self._write, data)
        info.setdefault(WRITTEN, []).append(name)
        return name

    def _read(self, name: str) -> bytes | None:
        try:
            return self._file(name).read_bytes()
        except (OSError, ValueError):
            return None

    async def read(self, name: str) -> bytes | None:
        data = await asyncio.to_thread(self._read, name)
        if data is None:
            log.warning("a photo's file is missing from the pictures folder")  # no name: it says nothing
        return data

    def _remove(self, names: Iterable[str]) -> int:
        removed = 0
        for name in names:
            try:
                self._file(name).unlink()
                removed += 1
            except FileNotFoundError:
                pass
            except (OSError, ValueError) as error:
                log.warning(
                    "a photo's file could not be removed (%s): the sweep tries again", type(error).__name__
                )
        return removed

    async def committed(self, info: MutableMapping[str, Any]) -> None:
        """After a commit: the files written are kept, the files of deleted rows removed."""
        info.pop(WRITTEN, None)
        erased = info.pop(ERASED, [])
        if erased:
            await asyncio.to_thread(self._remove, erased)

    async def rolled_back(self, info: MutableMapping[str, Any]) -> None:
        """A unit of work that did not commit: its rows are gone, so are the files it wrote; files of rows
        it deleted stay (the rows are back)."""
        info.pop(ERASED, None)
        written = info.pop(WRITTEN, [])
        if written:
            await asyncio.to_thread(self._remove, written)

    def _orphans(self, known: Collection[str], older_than: float) -> list[str]:
        if not self.path.is_dir():
            return []
        found = []
        for entry in os.scandir(self.path):
            ours = NAME.fullmatch(entry.name) and entry.is_file(follow_symlinks=False)
            if ours and entry.name not in known and entry.stat(follow_symlinks=False).st_mtime < older_than:
                found.append(entry.name)
        return found

    async def remove_orphans(self, known: Collection[str], before: datetime) -> int:
        """Files no row names, last written before ``before``: removed."""
        older_than = before.timestamp()
        orphans = await asyncio.to_thread(self._orphans, known, older_than)
        return await asyncio.to_thread(self._remove, orphans) if orphans else 0


def erased(info: MutableMapping[str, Any], names: Iterable[str | None]) -> None:
    """Files whose rows this unit of work deletes: removed once it commits."""
    info.setdefault(ERASED, []).extend(name for name in names if name)
