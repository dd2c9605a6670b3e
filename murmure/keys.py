"""The pepper and the sealing key: from the environment or from files kept out of the database."""

from __future__ import annotations

import base64
import os
import secrets
import stat
from pathlib import Path

from murmure.config import ConfigError

PEPPER_ENV = "MURMURE_PEPPER"
SEALING_KEY_ENV = "MURMURE_SEALING_KEY"


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
