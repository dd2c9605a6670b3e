"""A member's own secrets without a lookup table: one row per person, holding the ids of their latest
secrets sealed under a key derived from the person (never stored) and padded to one size, so the row tells
neither which secrets nor how many. /mine opens it; posting and deleting rewrite it. When it is full, its
oldest half moves to an archive page: a row of the same kind whose locator only the person's key derives, so
/forget and /export reach everything the person wrote, however much.

A stolen database shows one opaque row per member who ever posted, of fixed size and rewritten with a
fresh nonce at each change. Opening a row needs the pepper and the person's platform id, through a
memory-hard derivation (see bot/anonymity.py).
"""

from __future__ import annotations

import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

CAPACITY = 256  # ids in one row (/mine shows the 20 latest; duplicates and new-author checks read this row)
MOVED_TO_ARCHIVE = CAPACITY // 2  # a full row's oldest half goes to a page of its own, where /forget and
# /export still find them (its locator derived from the row's, so that nothing stored ties the two)
ID_BYTES = 8
SIZE = 2 + CAPACITY * ID_BYTES  # plaintext, always this long
SEALED_SIZE = 12 + SIZE + 16


def seal(ids: list[int], key: bytes, locator: str) -> bytes:
    """``ids`` oldest first; only the latest ``CAPACITY`` are kept."""
    kept = ids[-CAPACITY:]
    plain = len(kept).to_bytes(2, "big") + b"".join(i.to_bytes(ID_BYTES, "big") for i in kept)
    plain += bytes(SIZE - len(plain))
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, plain, _context(locator))


def open_list(sealed: bytes, key: bytes, locator: str) -> list[int] | None:
    """The ids, oldest first; None when the row is not this person's or was tampered with."""
    try:
        plain = AESGCM(key).decrypt(sealed[:12], sealed[12:], _context(locator))
    except (InvalidTag, ValueError):
        return None
    count = int.from_bytes(plain[:2], "big")
    if len(plain) != SIZE or count > CAPACITY:
        return None
    return [int.from_bytes(plain[2 + i * ID_BYTES : 2 + (i + 1) * ID_BYTES], "big") for i in range(count)]


def archive_locator(key: bytes, locator: str, page: int) -> str:
    """The locator of archive page ``page`` (1, 2, ...) of a list, derived from its key: never stored."""
    return hmac.digest(key, f"archive:{locator}:{page}".encode(), "sha256").hex()


def _context(locator: str) -> bytes:
    return f"own-list:{locator}".encode()
