"""The outbox: what is to be delivered, claimed by one dispatcher at a time."""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any, get_args, get_origin, get_type_hints

from sqlalchemy import ColumnElement, and_, case, delete, func, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.outbox import (
    MESSAGE_TYPES,
    Carrier,
    OfCommunity,
    OfDigestReader,
    OfQueueItem,
    OfReply,
    OfSecret,
    OutboxMessage,
)
from bot.ports import OutboxEntry
from storage.raw import Raw
from storage.repositories.base import (
    Repository,
)
from storage.repositories.owners import beat, holder_dead, instance_of
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


def platform_of(carrier: Carrier, deduped: bool = False) -> tuple[str, int | str]:
    """The INSERT that queues an entry carried by ``carrier`` (its platform read from that record), and the
    parameter naming the record; ``deduped``: the INSERT that adds it only if none with its key waits."""
    statements = _INSERT_UNLESS_WAITING if deduped else _INSERT
    if isinstance(carrier, OfDigestReader):
        return statements[OfDigestReader], carrier.preference_key
    if isinstance(carrier, OfCommunity):
        return statements[OfCommunity], carrier.community_id
    if isinstance(carrier, OfSecret):
        return statements[OfSecret], carrier.secret_id
    if isinstance(carrier, OfReply):
        return statements[OfReply], carrier.reply_id
    return statements[OfQueueItem], carrier.item_id


def _for(platforms: Collection[str] | None) -> ColumnElement[bool]:
    """Entries a process running ``platforms`` delivers: its messengers' and those of none known."""
    if platforms is None:
        return true()
    return or_(OutboxRow.platform.in_(list(platforms)), OutboxRow.platform.is_(None))


class SqlOutbox(Repository):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        self._raw = Raw(session)

    async def add(self, message: OutboxMessage, not_before: datetime) -> None:
        kind, payload = encode(message)
        dedupe_key = message.dedupe_key()
        insert, carrier_id = platform_of(message.carrier(), deduped=dedupe_key is not None)
        unless = (dedupe_key, PENDING) if dedupe_key is not None else ()
        added = await self._raw.run(
            insert, kind, payload, PENDING, not_before, dedupe_key, not_before, carrier_id, *unless
        )
        if added:
            self._session.info[OUTBOX_WRITTEN] = True

    async def claim_due(
        self, now: datetime, limit: int, lease_until: datetime, platforms: Collection[str] | None = None
    ) -> Sequence[OutboxEntry]:
        claimable = and_(
            OutboxRow.status == PENDING,
            _for(platforms),
            OutboxRow.not_before <= now,
            or_(
                OutboxRow.claimed_until.is_(None),
                OutboxRow.claimed_until < now,
                holder_dead(self._session, OutboxRow.claimed_by, now),  # its process was killed
            ),
        )
        due = select(OutboxRow.id).where(claimable).order_by(OutboxRow.not_before, OutboxRow.id).limit(limit)
        # One statement is the claim: a write from its start (SQLite waits for the lock instead of failing
        # a transaction that read before another wrote), guarded so that a row another process claimed
        # first no longer matches ``claimable`` and is not returned.
        claim = (
            update(OutboxRow)
            .where(OutboxRow.id.in_(due.scalar_subquery()), claimable)
            .values(claimed_until=lease_until, claimed_by=instance_of(self._session))
            .returning(
                OutboxRow.id, OutboxRow.kind, OutboxRow.payload, OutboxRow.attempts, OutboxRow.not_before
            )
            .execution_options(synchronize_session=False)
        )
        rows = sorted((await self._session.execute(claim)).all(), key=lambda row: (row.not_before, row.id))
        claimed: list[OutboxEntry] = []
        for row in rows:
            try:
                message = decode(row.kind, row.payload)
            except UnreadableEntry as error:
                log.warning("outbox entry %s can't be read: failed (%s)", row.id, error)
                await self.fail(row.id, str(error))
                continue
            claimed.append(OutboxEntry(row.id, message, row.attempts, row.not_before))
        return claimed

    async def call_off(self, dedupe_key: str) -> None:
        await self._session.execute(
            delete(OutboxRow).where(
                OutboxRow.dedupe_key == dedupe_key,
                OutboxRow.status == PENDING,
                OutboxRow.claimed_until.is_(None),
            )
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
        if entry_ids:
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
        ready = case(
            (
                and_(OutboxRow.claimed_until.is_not(None), OutboxRow.claimed_until > OutboxRow.not_before),
                OutboxRow.claimed_until,
            ),
            else_=OutboxRow.not_before,
        )
        query = select(func.min(ready)).where(OutboxRow.status == PENDING, _for(platforms))
        found: datetime | None = (await self._session.execute(query)).scalar_one_or_none()
        return found

    async def pending_count(self) -> int:
        query = select(func.count()).select_from(OutboxRow).where(OutboxRow.status == PENDING)
        return int((await self._session.execute(query)).scalar_one())
