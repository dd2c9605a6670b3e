"""Author keys, per-thread pseudonyms and sealed return addresses.

The database never holds a platform id: only ``HMAC-SHA256(pepper, "platform:user_id")``. The pepper and
the sealing key live outside the database, so a stolen database alone reveals no one.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.model import Token

ANIMALS = (
    "fox", "owl", "otter", "lynx", "heron", "badger", "panda", "koala", "raven", "tiger", "whale", "gecko",
    "falcon", "bison", "moose", "hare", "seal", "crane", "wolf", "bear", "lemur", "ibis", "yak", "newt",
)  # fmt: skip
COLOURS = (
    "amber", "coral", "indigo", "ivory", "jade", "plum", "orange", "turquoise", "ruby", "lilac", "olive",
    "saffron", "emerald", "cherry", "chestnut", "mauve",
)  # fmt: skip


TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"  # noqa: S105 - an alphabet, not a password
TOKEN_LENGTH = 20  # 103 bits


def new_token() -> Token:
    """A random reference for buttons and links: unguessable, and in no order."""
    return Token("".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH)))


class Anonymizer:
    def __init__(self, pepper: bytes) -> None:
        if len(pepper) < 16:
            raise ValueError("the pepper must be at least 16 bytes")
        self._pepper = pepper
        self._pseudonym_key = hmac.new(pepper, b"murmure:pseudonym-key", hashlib.sha256).digest()

    def author_key(self, platform: str, user_id: str) -> str:
        message = f"{platform}:{user_id}".encode()
        return hmac.new(self._pepper, message, hashlib.sha256).hexdigest()

    def moderator_key(self, platform: str, user_id: str) -> str:
        """What the audit log keeps of a moderator: not their author key, so a stolen database can't tie the
        few admins of a community to their own secrets."""
        return hmac.new(self._pepper, f"moderator:{platform}:{user_id}".encode(), hashlib.sha256).hexdigest()

    def pseudonym(self, thread_id: int, author_key: str, attempt: int = 0) -> tuple[str, str]:
        """(animal, colour) for one member in one thread: stable there, unlinkable across threads."""
        message = f"{thread_id}:{author_key}" + (f":{attempt}" if attempt else "")
        digest = hmac.new(self._pseudonym_key, message.encode(), hashlib.sha256).digest()
        number = int.from_bytes(digest[:8], "big")
        return ANIMALS[number % len(ANIMALS)], COLOURS[(number // len(ANIMALS)) % len(COLOURS)]


class Sealer:
    """Authenticated encryption (AES-256-GCM) of return addresses under a key held outside the database."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the sealing key must be 32 bytes")
        self._aead = AESGCM(key)

    def seal(self, address: str, context: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, address.encode(), context.encode())

    def open(self, sealed: bytes, context: str) -> str | None:
        try:
            return self._aead.decrypt(sealed[:12], sealed[12:], context.encode()).decode()
        except (InvalidTag, ValueError):
            return None
