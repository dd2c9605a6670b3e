"""Scoped keys, authorship tags, per-thread pseudonyms and sealed values.

The database never holds a platform id, nor one key per person. Every stored identity is a key of the
narrowest scope its job needs, derived from the pepper with a label of its own and the scope in it:

======================  ==========================================  ==========================================
job                     scope                                       stored as
======================  ==========================================  ==========================================
reactions               a secret                                    ``HMAC(k_react, secret ‖ person)``
reports                 a secret                                    ``HMAC(k_report, secret ‖ person)``
authorship              a secret (a draft), with a random salt      ``HMAC(k_author, salt ‖ person)``: "is it
                                                                    mine?" is recomputed, never looked up
replies, pseudonym, 👑  a thread                                    ``HMAC(k_thread, thread ‖ person)``
membership, join day,   a community                                 ``HMAC(k_member, community ‖ person)``
reporter weight, bans
posting limits,         a community and a period (a day, an hour)   ``HMAC(k_period, what ‖ community ‖
cooldowns                                                           period ‖ person)``, rows gone with it
language, topics,       the person, tied to no content              ``HMAC(k_pref, person)``
DM digest
a moderator's alias     a community                                 ``HMAC(k_moderator, community ‖ person)``
what the next DM means  the person, its target sealed               ``HMAC(k_pending, person)``
own secrets (/mine)     the person, a padded list sealed under a    locator and key from ``scrypt(person)``
and reply threads       key derived from them (never stored)
======================  ==========================================  ==========================================

``person`` is ``"platform:user_id"``; ``k_label = HMAC(pepper, "murmure/v2/" + label)``. Without the pepper
two keys of one person in two scopes share nothing; with it, an attacker still has to test candidates scope
by scope (and pay a memory-hard derivation per candidate for the /mine lists).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

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

SALT_BYTES = 16
LABELS = (
    "react", "report", "author", "draft", "thread", "pseudonym", "member", "period", "pref", "moderator",
    "pending", "own-list",
)  # fmt: skip
# The /mine list's derivation: memory-hard, so that with the pepper every candidate id costs ~10 ms to test
# (2^33 Telegram ids: years of CPU instead of minutes), while a member pays it once per process.
OWN_LIST_SCRYPT = {"n": 2**12, "r": 8, "p": 1}
OWN_LIST_CACHE = 10_000


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"  # noqa: S105 - an alphabet, not a password
TOKEN_LENGTH = 20  # 103 bits


_TOKENS = len(TOKEN_ALPHABET) ** TOKEN_LENGTH


def new_token() -> Token:
    """A random reference for buttons and links: unguessable, and in no order. One draw among every string
    of the length (the same spread as a draw per character, in one call to the system's randomness)."""
    number = secrets.randbelow(_TOKENS)
    characters = []
    for _ in range(TOKEN_LENGTH):
        number, digit = divmod(number, len(TOKEN_ALPHABET))
        characters.append(TOKEN_ALPHABET[digit])
    return Token("".join(characters))


class Anonymizer:
    """Holds the pepper's label keys; gives the keys of one person for one event (never stored)."""

    def __init__(self, pepper: bytes) -> None:
        if len(pepper) < 16:
            raise ValueError("the pepper must be at least 16 bytes")
        self._labels = {
            label: hmac.digest(pepper, f"murmure/v2/{label}".encode(), "sha256") for label in LABELS
        }
        self._own_lists: OrderedDict[bytes, tuple[str, bytes]] = OrderedDict()

    def keys(self, platform: str, user_id: str) -> PersonKeys:
        return PersonKeys(self, f"{platform}:{user_id}".encode())

    def mac(self, label: str, scope: bytes, person: bytes) -> str:
        return hmac.digest(self._labels[label], scope + b"\x00" + person, "sha256").hex()

    def own_list_keys(self, person: bytes) -> tuple[str, bytes]:
        cached = self._own_lists.get(person)
        if cached is None:
            derived = hashlib.scrypt(person, salt=self._labels["own-list"], dklen=64, **OWN_LIST_SCRYPT)
            cached = (hmac.digest(derived[:32], b"locator", "sha256").hex(), derived[32:])
            self._own_lists[person] = cached
            if len(self._own_lists) > OWN_LIST_CACHE:
                self._own_lists.popitem(last=False)
        else:
            self._own_lists.move_to_end(person)
        return cached

    def pseudonym(self, thread_key: str, attempt: int = 0) -> tuple[str, str]:
        """(animal, colour) for one member in one thread: stable there, unlinkable across threads."""
        digest = hmac.digest(self._labels["pseudonym"], f"{thread_key}:{attempt}".encode(), "sha256")
        number = int.from_bytes(digest[:8], "big")
        return ANIMALS[number % len(ANIMALS)], COLOURS[(number // len(ANIMALS)) % len(COLOURS)]


@dataclass(frozen=True)
class PersonKeys:
    """One person's keys, each of one scope. Lives for one event; ``person`` is never stored."""

    _anonymizer: Anonymizer = field(repr=False)
    _person: bytes = field(repr=False)
    # each key derived once per event: a post asks for some of them several times (each keeps its own scope:
    # the memo is keyed by the label and the whole scope)
    _derived: dict[tuple[str, bytes], str] = field(default_factory=dict, repr=False, compare=False)

    def _mac(self, label: str, scope: bytes) -> str:
        derived = self._derived.get((label, scope))
        if derived is None:
            derived = self._derived[(label, scope)] = self._anonymizer.mac(label, scope, self._person)
        return derived

    def member(self, community_id: int) -> str:
        """Membership, join day, reporter record and bans in one community."""
        return self._mac("member", b"%d" % community_id)

    def moderator(self, community_id: int) -> str:
        """A moderator's alias in one community's audit log."""
        return self._mac("moderator", b"%d" % community_id)

    def thread(self, secret_id: int) -> str:
        """Replies and the pseudonym in one secret's thread."""
        return self._mac("thread", b"%d" % secret_id)

    def reaction(self, secret_id: int) -> str:
        return self._mac("react", b"%d" % secret_id)

    def report(self, secret_id: int) -> str:
        return self._mac("report", b"%d" % secret_id)

    def reply_report(self, reply_id: int) -> str:
        """A report on one reply."""
        return self._mac("report", b"reply:%d" % reply_id)

    def uncrowned_thread(self, secret_id: int) -> str:
        """The author's other key in their own secret's thread, for replies posted without the 👑: another
        pseudonym, which nothing ties to their crowned replies."""
        return self._mac("thread", b"uncrowned:%d" % secret_id)

    def thread_keys(self, secret_id: int) -> tuple[str, str]:
        """Every key this person may hold in one thread (as a replier; as its author without the crown)."""
        return self.thread(secret_id), self.uncrowned_thread(secret_id)

    def wrote_reply(self, secret_id: int, thread_key: str) -> bool:
        """Is this reply mine? Its thread key is recomputed."""
        return any(hmac.compare_digest(key, thread_key) for key in self.thread_keys(secret_id))

    def period(self, what: str, community_id: int, period: str) -> str:
        """A counter of ``what`` (secrets, replies, strikes) in one community during one period."""
        return self._mac("period", f"{what}:{community_id}:{period}".encode())

    def preference(self) -> str:
        """Language, followed topics, the DM digest: choices tied to no content."""
        return self._mac("pref", b"")

    def pending(self) -> str:
        """The row saying what the member's next DM means (its target is sealed)."""
        return self._mac("pending", b"")

    def author_tag(self, salt: bytes) -> str:
        """Authorship of one secret: with a fresh salt per secret, tags of one author share nothing."""
        return self._mac("author", salt)

    def draft_tag(self, salt: bytes) -> str:
        return self._mac("draft", salt)

    def wrote(self, salt: bytes, tag: str) -> bool:
        """Is it mine? Recomputed from the secret's salt, never looked up."""
        return hmac.compare_digest(self.author_tag(salt), tag)

    def drafted(self, salt: bytes, tag: str) -> bool:
        return hmac.compare_digest(self.draft_tag(salt), tag)

    def own_list_known(self) -> bool:
        """Whether ``own_list`` is at hand, not derived again (scrypt: milliseconds of CPU)."""
        return self._person in self._anonymizer._own_lists

    def own_list(self) -> tuple[str, bytes]:
        """(locator, key) of the sealed list of this person's secrets (see bot/own_list.py)."""
        return self._anonymizer.own_list_keys(self._person)

    def own_threads(self) -> tuple[str, bytes]:
        """(locator, key) of the sealed list of the threads this person replied in: a second row of the same
        kind, its locator derived from the list key (never stored), so /export and /forget find their
        replies without testing every thread."""
        _, key = self._anonymizer.own_list_keys(self._person)
        return hmac.digest(key, b"own-threads", "sha256").hex(), key

    def lock_id(self) -> str:
        """In memory only: one event of a person at a time."""
        return self.preference()


def return_context(platform: str, salt: bytes) -> str:
    """The associated data of a secret's sealed return address: it opens for that secret only."""
    return f"{platform}:return:{salt.hex()}"


PADDED = 128  # every sealed value hides its length: padded to a multiple of this


class Sealer:
    """Authenticated encryption (AES-256-GCM) under a key held outside the database, with a random nonce (two
    seals of one value never match), padding to one length and associated data naming the row.

    After a rotation, the ``previous`` key still opens what it sealed until ``previous_until`` (its overlap:
    7 days, the longest a return address lives), then never; everything is sealed with the current key."""

    def __init__(
        self,
        key: bytes,
        previous: bytes | None = None,
        previous_until: datetime | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        if len(key) != 32 or (previous is not None and len(previous) != 32):
            raise ValueError("the sealing key must be 32 bytes")
        if previous is not None and (previous_until is None or now is None):
            raise ValueError("a previous sealing key needs the end of its overlap and a clock")
        self._aead = AESGCM(key)
        self._previous = AESGCM(previous) if previous is not None else None
        self._previous_until = previous_until
        self._now = now

    @property
    def rotating(self) -> bool:
        """Whether a previous key is still in its overlap: what it sealed may need sealing again."""
        return self._previous_aead() is not None

    def _previous_aead(self) -> AESGCM | None:
        if self._previous is None or self._previous_until is None or self._now is None:
            return None
        return self._previous if self._now() < self._previous_until else None

    def seal(self, value: str, context: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, pad(value.encode()), context.encode())

    def open(self, sealed: bytes, context: str) -> str | None:
        opened = _open(self._aead, sealed, context)
        if opened is None:
            previous = self._previous_aead()
            opened = _open(previous, sealed, context) if previous is not None else None
        return opened

    def reseal(self, sealed: bytes, context: str) -> bytes | None:
        """The value sealed again with the current key, if only the previous key opens it; else None."""
        previous = self._previous_aead()
        if previous is None or _open(self._aead, sealed, context) is not None:
            return None
        value = _open(previous, sealed, context)
        return self.seal(value, context) if value is not None else None


def _open(aead: AESGCM, sealed: bytes, context: str) -> str | None:
    try:
        plain = unpad(aead.decrypt(sealed[:12], sealed[12:], context.encode()))
    except (InvalidTag, ValueError):
        return None
    try:
        return plain.decode() if plain is not None else None
    except UnicodeDecodeError:
        return None


def pad(data: bytes, block: int = PADDED) -> bytes:
    framed = len(data).to_bytes(2, "big") + data
    return framed + bytes(-len(framed) % block)


def unpad(padded: bytes) -> bytes | None:
    if len(padded) < 2:
        return None
    length = int.from_bytes(padded[:2], "big")
    return padded[2 : 2 + length] if 2 + length <= len(padded) else None
