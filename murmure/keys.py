"""The pepper and the sealing key: from the environment or from files kept out of the database."""

from __future__ import annotations

import base64
import os
import re
import secrets
import stat
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from murmure.config import Config, ConfigError

PEPPER_ENV = "MURMURE_PEPPER"
SEALING_KEY_ENV = "MURMURE_SEALING_KEY"
PREVIOUS_SEALING_KEY_ENV = "MURMURE_PREVIOUS_SEALING_KEY"
# how long the previous sealing key still opens what it sealed: the longest a sealed value lives (a return
# address, a reporter's key, a digest address: 7 days)
ROTATION_OVERLAP = timedelta(days=7)


def write_secret_file(path: Path, value: bytes) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(base64.b64encode(value) + b"\n")


def _read_secret_file(path: Path, what: str) -> bytes:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(f"{path} ({what}) is readable by others (mode {mode:o}): run `chmod 600 {path}`")
    try:
        return base64.b64decode(path.read_bytes().strip(), validate=True)
    except ValueError as error:
        raise ConfigError(f"{path} ({what}) is not valid base64") from error


def _from_env(name: str) -> bytes | None:
    value = os.environ.get(name)
    if not value:
        return None
    try:
        return base64.b64decode(value.strip(), validate=True)
    except ValueError as error:
        raise ConfigError(
            f"{name} is not valid base64: it must hold random key bytes, not a passphrase "
            "(`murmure init` generates them, or: python -c 'import base64, secrets; "
            "print(base64.b64encode(secrets.token_bytes(32)).decode())')"
        ) from error


def load_key(
    path: Path, env: str, what: str, length: int, *, generate: bool, exact: bool = False
) -> tuple[bytes, bool]:
    """(key, generated now). ``generate`` lets the local console demo make its own on first run."""
    value = _from_env(env)
    generated = False
    if value is None:
        if not path.exists():
            if not generate:
                raise ConfigError(
                    f"no {what}: set {env}, or run `murmure init` to generate {path} "
                    "(it is kept outside the database)"
                )
            write_secret_file(path, secrets.token_bytes(length))
            generated = True
        value = _read_secret_file(path, what)
    if len(value) < length or (exact and len(value) != length):
        qualifier = "exactly" if exact else "at least"
        raise ConfigError(f"the {what} must be {qualifier} {length} bytes (base64 in {env} or its file)")
    return value, generated


def load_previous_sealing_key(config: Config, now: datetime) -> tuple[bytes, datetime] | None:
    """The previous sealing key and the end of its overlap, while it lasts; None before any rotation and
    after its overlap (its file may then be deleted)."""
    until = config.previous_sealing_key_until
    if until is None or now >= until:
        return None
    value = _from_env(PREVIOUS_SEALING_KEY_ENV)
    if value is None:
        path = config.previous_sealing_key_file
        if path is None or not path.exists():
            raise ConfigError(
                f"the previous sealing key ({path}) is missing, and it must open what it sealed until "
                f"{until.isoformat()}: restore it, or set {PREVIOUS_SEALING_KEY_ENV}"
            )
        value = _read_secret_file(path, "previous sealing key")
    if len(value) != 32:
        raise ConfigError("the previous sealing key must be exactly 32 bytes")
    return value, until


@dataclass(frozen=True)
class Rotation:
    previous_file: Path
    until: datetime


def rotate_sealing_key(config: Config, now: datetime) -> Rotation:
    """The current sealing key becomes the previous one (opening what it sealed for ``ROTATION_OVERLAP``), a
    new one is generated, and the config file says so (``[identity]``). Running processes keep sealing with
    the key they started with: restart them."""
    if config.path is None:
        raise ConfigError("rotating the sealing key needs a config file (--config): it records the overlap")
    if os.environ.get(SEALING_KEY_ENV):
        raise ConfigError(
            f"the sealing key comes from {SEALING_KEY_ENV}: rotate it by hand: put its value in "
            f"{PREVIOUS_SEALING_KEY_ENV}, a new key in {SEALING_KEY_ENV}, and set "
            "identity.previous_sealing_key_until to 7 days from now in the config file"
        )
    if config.previous_sealing_key_until is not None and now < config.previous_sealing_key_until:
        raise ConfigError(
            "the previous rotation's overlap lasts until "
            f"{config.previous_sealing_key_until.isoformat()}: rotating again now would lose what its key "
            "sealed"
        )
    current = config.sealing_key_file
    if not current.exists():
        raise ConfigError(f"no sealing key at {current}: nothing to rotate (`murmure init` makes one)")
    _read_secret_file(current, "sealing key")  # refused if open to others or not base64
    previous = config.previous_sealing_key_file or current.with_name(current.name + ".previous")
    until = (now.astimezone(UTC) + ROTATION_OVERLAP).replace(microsecond=0)
    os.replace(current, previous)
    write_secret_file(current, secrets.token_bytes(32))
    _record_rotation(config.path, os.path.relpath(previous, config.base_dir), until)
    return Rotation(previous, until)


_ROTATION_KEYS = re.compile(r"^\s*previous_sealing_key_(?:file|until)\s*=.*\n?", re.M)


def _record_rotation(path: Path, previous: str, until: datetime) -> None:
    """Set the two keys in [identity] (other lines kept as they are)."""
    text = _ROTATION_KEYS.sub("", path.read_text(encoding="utf-8"))
    lines = (
        f'previous_sealing_key_file = "{Path(previous).as_posix()}"\n'
        f"previous_sealing_key_until = {until.strftime('%Y-%m-%dT%H:%M:%SZ')}\n"
    )
    header = re.search(r"^\[identity\][^\n]*\n", text, re.M)
    if header is None:
        text = text.rstrip("\n") + "\n\n[identity]\n" + lines
    else:
        text = text[: header.end()] + lines + text[header.end() :]
    path.write_text(text, encoding="utf-8")
