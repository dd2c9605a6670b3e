"""The outbox: what is to be delivered, claimed by one dispatcher at a time."""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any, get_args, get_origin, get_type_hints

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.leases import OWNER_TIMEOUT
from bot.outbox import (
    MESSAGE_TYPES,
    Carrier,
    OfCommunity,
    OfDigestReader,
    OfPlatform,
    OfQueueItem,
    OfReply,
    OfSecret,
    OutboxMessage,
)
from bot.ports import OutboxEntry
from storage.outbox_wakeup import CHANNEL
from storage.raw import Raw, utc
from storage.repositories.base import (
    Repository,
)
from storage.repositories.owners import beat, instance_of
from storage.tables import (
    OutboxRow,
)

log = logging.getLogger(__name__)

PENDING = "pending"
FAILED = "failed"
OUTBOX_WRITTEN = "murmure.outbox_written"  # in the session's info: its commit wakes the dispatchers


class UnreadableEntry(Exception):
    """A stored entry of an unknown kind or with fields that don't match its kind."""


def encode(message: OutboxMessage) -> tuple[str, dict[str, Any]]:
    """The stored kind code and JSON payload of a message: its fields by name."""
    return message.kind, {f.name: _plain(getattr(message, f.name)) for f in fields(message)}


def decode(kind: str, payload: Mapping[str, Any]) -> OutboxMessage:
    message_type = MESSAGE_TYPES.get(kind)
    if message_type is None:
        raise UnreadableEntry(f"unknown kind {kind!r}")
    hints = get_type_hints(message_type)
    values: dict[str, Any] = {}  # each checked against its field type by _typed
    for f in fields(message_type):
        if f.name in payload:
            values[f.name] = _typed(hints[f.name], payload[f.name])
    try:
        return message_type(**values)
    except TypeError as error:
        raise UnreadableEntry(f"{kind}: {error}") from None


def _plain(value: object) -> object:
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def _typed(hint: Any, value: object) -> object:
    origin = get_origin(hint)
    if hint is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if hint is str and isinstance(value, str):
        return value
    if origin is tuple and isinstance(value, list):
        (item, _) = get_args(hint)
        return tuple(_typed(item, element) for element in value)
    if origin is Mapping and isinstance(value, dict):
        key_hint, value_hint = get_args(hint)
        return {_typed(key_hint, key): _typed(value_hint, item) for key, item in value.items()}
    raise UnreadableEntry(f"a {type(value).__name__} where {hint} was expected")


# The statement that queues an entry, by the record that carries it: the entry's platform is that record's,
# read by a subquery of the INSERT itself (no round trip); its last parameter names the record.
_QUEUE = (
    "INSERT INTO outbox (kind, payload, status, attempts, not_before, claimed_until, dedupe_key, created_at, "
    "platform) {} ?, ?, ?, 0, ?, NULL, ?, ?, ({})"
)
_PLATFORM: dict[type, str] = {
    OfDigestReader: "SELECT platform FROM digest_readers WHERE preference_key = ? LIMIT 1",
    OfPlatform: "SELECT CAST(? AS TEXT)",
    OfCommunity: "SELECT platform FROM communities WHERE id = ? LIMIT 1",
    OfSecret: (
        "SELECT c.platform FROM communities c JOIN secrets s ON s.community_id = c.id WHERE s.id = ? LIMIT 1"
    ),
    OfReply: (
        "SELECT c.platform FROM communities c JOIN secrets s ON s.community_id = c.id "
        "JOIN replies r ON r.secret_id = s.id WHERE r.id = ? LIMIT 1"
    ),
    OfQueueItem: (
        "SELECT c.platform FROM communities c JOIN queue_items q ON q.community_id = c.id "
        "WHERE q.id = ? LIMIT 1"
    ),
}
_INSERT = {carrier: _QUEUE.format("VALUES (", platform) + ")" for carrier, platform in _PLATFORM.items()}
# with a dedupe key: queued unless one with the same key waits unclaimed, in the same statement (its last two
# parameters: the key and the pending status)
_UNLESS_WAITING = (
    " WHERE NOT EXISTS (SELECT 1 FROM outbox WHERE dedupe_key = ? AND status = ? AND claimed_until IS NULL)"
)
_INSERT_UNLESS_WAITING = {
    carrier: _QUEUE.format("SELECT", platform) + _UNLESS_WAITING for carrier, platform in _PLATFORM.items()
}
# PostgreSQL: the INSERT notifies the dispatchers of every process too (LISTEN, storage/outbox_wakeup.py): the
# notification goes out with the commit, once however many entries the transaction queued, and only if it
# queued one; no NOTIFY of its own, a round trip, before the commit
_NOTIFYING = {
    insert: f"WITH added AS ({insert} RETURNING 1) SELECT pg_notify('{CHANNEL}', '') FROM added"  # noqa: S608
    for insert in (*_INSERT.values(), *_INSERT_UNLESS_WAITING.values())
}


def platform_of(carrier: Carrier, deduped: bool = False) -> tuple[str, int | str]:
    """The INSERT that queues an entry carried by ``carrier`` (its platform read from that record), and the
    parameter naming the record; ``deduped``: the INSERT that adds it only if none with its key waits."""
    statements = _INSERT_UNLESS_WAITING if deduped else _INSERT
    if isinstance(carrier, OfDigestReader):
        return statements[OfDigestReader], carrier.preference_key
    if isinstance(carrier, OfPlatform):
        return statements[OfPlatform], carrier.platform
    if isinstance(carrier, OfCommunity):
        return statements[OfCommunity], carrier.community_id
    if isinstance(carrier, OfSecret):
        return statements[OfSecret], carrier.secret_id
    if isinstance(carrier, OfReply):
        return statements[OfReply], carrier.reply_id
    return statements[OfQueueItem], carrier.item_id


# The claim of what is due (``claim_due``): its condition appears twice, in the choice of the rows (in order,
# up to a limit) and on the rows updated (a row another process claimed in between is left alone).
_CLAIM = (
    "UPDATE outbox SET claimed_until = ?, claimed_by = ? WHERE id IN (SELECT id FROM outbox "
    "WHERE {claimable} ORDER BY not_before, id LIMIT ?) AND {claimable} "
    "RETURNING id, kind, payload, attempts, not_before"
)
_NEXT_DUE = (
    "SELECT MIN(CASE WHEN claimed_until IS NOT NULL AND claimed_until > not_before THEN claimed_until "
    "ELSE not_before END) FROM outbox WHERE status = ?"
)


def _of_platforms(platforms: tuple[str, ...] | None) -> str:
    """The condition (after another) that an entry is one a process running ``platforms`` delivers."""
    if platforms is None:
        return ""
    if not platforms:
        return " AND platform IS NULL"
    return f" AND (platform IN ({', '.join('?' * len(platforms))}) OR platform IS NULL)"


def _claimable(platforms: tuple[str, ...] | None, known: bool) -> str:
    """Pending, of these platforms, due, and not held: never claimed, its lease over, or its holder (another
    instance than this one, ``known``) has stopped beating (killed), as ``holder_dead`` says."""
    dead = "claimed_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM instances WHERE instances.id = claimed_by AND instances.beat_at >= ?)"  # noqa: E501
    if known:
        dead += " AND claimed_by != ?"
    return (
        f"status = ?{_of_platforms(platforms)} AND not_before <= ? "
        f"AND (claimed_until IS NULL OR claimed_until < ? OR ({dead}))"
    )


def _claimable_params(now: datetime, platforms: tuple[str, ...] | None, me: str | None) -> tuple[Any, ...]:
    return (PENDING, *(platforms or ()), now, now, now - OWNER_TIMEOUT, *((me,) if me is not None else ()))


class SqlOutbox(Repository):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        self._raw = Raw(session)

    async def add(self, message: OutboxMessage, not_before: datetime) -> None:
        kind, payload = encode(message)
        dedupe_key = message.dedupe_key()
        insert, carrier_id = platform_of(message.carrier(), deduped=dedupe_key is not None)
        unless = (dedupe_key, PENDING) if dedupe_key is not None else ()
        params = (kind, payload, PENDING, not_before, dedupe_key, not_before, carrier_id, *unless)
        if await self._raw.postgres():
            added = len(await self._raw.rows(_NOTIFYING[insert], *params))
        else:
            added = await self._raw.run(insert, *params)
        if added:
            self._session.info[OUTBOX_WRITTEN] = True

    async def add_all(self, messages: Sequence[tuple[OutboxMessage, datetime]]) -> None:
        keys = [m.dedupe_key() for m, _ in messages if m.dedupe_key() is not None]
        if len(messages) < 2 or len(set(keys)) < len(keys) or not await self._raw.postgres():
            # (SQLite: no round trips to save; two with one key: the second must see the first)
            for message, not_before in messages:
                await self.add(message, not_before)
            return
        # PostgreSQL: each INSERT a data-modifying WITH of one statement, which notifies if one added a row
        parts: list[str] = []
        params: list[Any] = []
        for n, (message, not_before) in enumerate(messages):
            kind, payload = encode(message)
            dedupe_key = message.dedupe_key()
            insert, carrier_id = platform_of(message.carrier(), deduped=dedupe_key is not None)
            unless = (dedupe_key, PENDING) if dedupe_key is not None else ()
            parts.append(f"a{n} AS ({insert} RETURNING 1)")
            params += (kind, payload, PENDING, not_before, dedupe_key, not_before, carrier_id, *unless)
        added = " UNION ALL ".join(f"SELECT 1 FROM a{n}" for n in range(len(messages)))  # noqa: S608
        sql = f"WITH {', '.join(parts)} SELECT pg_notify('{CHANNEL}', '') FROM ({added}) AS added"  # noqa: S608
        if await self._raw.rows(sql, *params):
            self._session.info[OUTBOX_WRITTEN] = True

    async def hold(self, message: OutboxMessage, not_before: datetime) -> int:
        kind, payload = encode(message)
        insert, carrier_id = platform_of(message.carrier())
        # no dedupe key stored: a twin's add never finds this one waiting, and its call-off never removes it.
        # No dispatcher is woken by its commit: it is due later, and their polling finds it by then.
        rows = await self._raw.rows(
            insert + " RETURNING id", kind, payload, PENDING, not_before, None, not_before, carrier_id
        )
        return int(rows[0][0])

    async def call_off_entry(self, entry_id: int) -> None:
        await self._raw.run(
            "DELETE FROM outbox WHERE id = ? AND status = ? AND claimed_until IS NULL", entry_id, PENDING
        )

    async def claim_due(
        self, now: datetime, limit: int, lease_until: datetime, platforms: Collection[str] | None = None
    ) -> Sequence[OutboxEntry]:
        # One statement is the claim: a write from its start (SQLite waits for the lock instead of failing
        # a transaction that read before another wrote), guarded so that a row another process claimed
        # first no longer matches what is claimable and is not returned. Sent straight to the driver: it
        # runs at every wake-up, right after each post and tap (SQLAlchemy's path cost 2 ms of CPU here).
        me = instance_of(self._session)
        kinds = tuple(sorted(platforms)) if platforms is not None else None
        claimable, params = _claimable(kinds, me is not None), _claimable_params(now, kinds, me)
        rows = await self._raw.rows(
            _CLAIM.format(claimable=claimable), lease_until, me, *params, limit, *params
        )
        rows.sort(key=lambda row: (utc(row[4]), row[0]))
        claimed: list[OutboxEntry] = []
        for entry_id, kind, payload, attempts, not_before in rows:
            try:
                message = decode(kind, json.loads(payload) if isinstance(payload, str | bytes) else payload)
            except UnreadableEntry as error:
                log.warning("outbox entry %s can't be read: failed (%s)", entry_id, error)
                await self.fail(entry_id, str(error))
                continue
            due = utc(not_before)
            assert due is not None
            claimed.append(OutboxEntry(entry_id, message, attempts, due))
        return claimed

    async def call_off(self, dedupe_key: str) -> None:
        await self._session.execute(
            delete(OutboxRow).where(
                OutboxRow.dedupe_key == dedupe_key,
                OutboxRow.status == PENDING,
                OutboxRow.claimed_until.is_(None),
            )
        )

    async def put_off(self, dedupe_key: str, not_before: datetime) -> None:
        await self._session.execute(
            update(OutboxRow)
            .where(
                OutboxRow.dedupe_key == dedupe_key,
                OutboxRow.status == PENDING,
                OutboxRow.claimed_until.is_(None),
            )
            .values(not_before=not_before)
        )

    async def done(self, entry_id: int) -> None:
        await self._session.execute(delete(OutboxRow).where(OutboxRow.id == entry_id))

    async def retry(self, entry_id: int, not_before: datetime, error: str) -> None:
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == entry_id)
            .values(
                not_before=not_before,
                claimed_until=None,
                attempts=OutboxRow.attempts + 1,
                last_error=error[:200],
            )
        )

    async def postpone(self, entry_id: int, not_before: datetime) -> None:
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == entry_id)
            .values(not_before=not_before, claimed_until=None)
        )

    async def fail(self, entry_id: int, error: str) -> None:
        await self._session.execute(
            update(OutboxRow).where(OutboxRow.id == entry_id).values(status=FAILED, last_error=error[:200])
        )

    async def renew(self, entry_ids: Sequence[int], lease_until: datetime) -> None:
        if entry_ids and await self._raw.postgres():
            # one statement committed as it runs (its unit's only one): a card's recording removes its entry
            # in the send-to-commit window, and waited for a lock held to a commit a round trip later
            array = "{" + ",".join(str(int(i)) for i in entry_ids) + "}"
            await self._raw.alone(
                "UPDATE outbox SET claimed_until = ? WHERE id = ANY(CAST(CAST(? AS TEXT) AS INTEGER[])) "
                "AND status = ? AND claimed_until IS NOT NULL",
                lease_until,
                array,
                PENDING,
            )
        elif entry_ids:
            await self._session.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.id.in_(entry_ids),
                    OutboxRow.status == PENDING,
                    OutboxRow.claimed_until.is_not(None),
                )
                .values(claimed_until=lease_until)
            )

    async def beat(self, now: datetime) -> None:
        await beat(self._session, now)

    async def next_due(self, platforms: Collection[str] | None = None) -> datetime | None:
        # claimable once due and no longer held: the later of the two times
        kinds = tuple(sorted(platforms)) if platforms is not None else None
        found = await self._raw.one(_NEXT_DUE + _of_platforms(kinds), PENDING, *(kinds or ()))
        return utc(found[0]) if found is not None else None

    async def pending_count(self) -> int:
        query = select(func.count()).select_from(OutboxRow).where(OutboxRow.status == PENDING)
        return int((await self._session.execute(query)).scalar_one())
