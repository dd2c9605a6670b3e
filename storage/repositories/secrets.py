"""Secrets: what was written, its publication, its sealed return address and its author's sealed
community key (for a ban, for a while)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.leases import OWNER_TIMEOUT
from bot.model import QueueStatus, Secret, SecretStatus, Token
from bot.records import CounterBump, HeldBanKey, NewSecret, OwnList
from bot.stats import StatKind
from storage.picture_folder import erased
from storage.raw import Raw, Reader
from storage.repositories.base import IN_CHUNK, Repository, delete_past, to_secret
from storage.repositories.drafts import TAKE_CTES_POSTGRES, SqlDrafts, take_parameters
from storage.repositories.members import BUMP_COUNTER
from storage.repositories.own_lists import SqlOwnLists
from storage.repositories.owners import instance_of
from storage.repositories.pictures import erase_of_drafts, erase_pictures
from storage.tables import (
    REMOVED_WITH_TEXT,
    DraftRow,
    PictureRow,
    QueueItemRow,
    ReactionRow,
    ReplyBanKeyRow,
    ReplyNoticeRow,
    ReplyReportRow,
    ReplyRow,
    ReporterSealRow,
    ReportRow,
    ReturnAddressRow,
    SecretBanKeyRow,
    SecretRow,
    ThreadNameRow,
)

_ROWS = Reader(SecretRow.__table__)  # type: ignore[arg-type]
# The community's next number: one atomic UPDATE ... RETURNING, so two processes never get the same number
NEXT_NUMBER = "UPDATE communities SET secret_count = secret_count + 1 WHERE id = ? RETURNING secret_count"
# ... and given to a secret in the same statement (a data-modifying WITH runs whether or not the rest reads
# it)
TAKE_NUMBER_POSTGRES = (
    "WITH counted AS (UPDATE communities SET secret_count = secret_count + 1 WHERE id = ? "
    "RETURNING secret_count) UPDATE secrets SET number = counted.secret_count FROM counted "
    "WHERE secrets.id = ? RETURNING secrets.number"
)
# ... and one more secret posted that day in the community's statistics, in the same statement
_COUNT_POSTED = (
    "INSERT INTO community_stats (community_id, day, kind, count) VALUES (?, ?, ?, 1) "
    "ON CONFLICT (community_id, day, kind) DO UPDATE SET count = community_stats.count + 1"
)
TAKE_NUMBER_COUNTED_POSTGRES = (
    "WITH posted AS (INSERT INTO community_stats (community_id, day, kind, count) VALUES (?, ?, ?, 1) "
    "ON CONFLICT (community_id, day, kind) DO UPDATE SET count = community_stats.count + 1), "
    "counted AS (UPDATE communities SET secret_count = secret_count + 1 WHERE id = ? RETURNING secret_count) "
    "UPDATE secrets SET number = counted.secret_count FROM counted WHERE secrets.id = ? "
    "RETURNING secrets.number"
)
# ... and one more on the member's counter (the day's limit), in the same statement too
TAKE_NUMBER_COUNTED_BUMPED_POSTGRES = (
    "WITH bumped AS (" + BUMP_COUNTER + "), " + TAKE_NUMBER_COUNTED_POSTGRES[5:]
)
# A card out: its reference and time, published if still queued, its outbox entry removed (a data-modifying
# WITH runs whether or not the rest reads it); ``was`` is the row as it stood before the statement.
CARD_OUT_POSTGRES = (
    "WITH delivered AS (DELETE FROM outbox WHERE id = ?) "
    "UPDATE secrets SET card_ref = ?, published_at = ?, "
    "status = CASE WHEN was.status = ? THEN ? ELSE was.status END "
    "FROM secrets AS was WHERE secrets.id = ? AND was.id = secrets.id RETURNING was.status"
)


_INSERT_ROW = (
    "INSERT INTO secrets (community_id, number, author_salt, author_tag, text, content_warning, "
    "status, created_at, card_ref, author_locale, token, collection, points, picture, normalised) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, 0.0, ?, ?) RETURNING id"
)
# PostgreSQL: the secret, its return address and its ban key in one statement (one round trip)
_SEALS = (
    "), address AS (INSERT INTO return_addresses (secret_id, sealed, expires_at) SELECT id, ?, ? FROM made), "
    "ban AS (INSERT INTO secret_ban_keys (secret_id, sealed, expires_at) SELECT id, ?, ? FROM made) "
)
_MADE = "SELECT id FROM made"
_INSERT_ROW_WITH_SEALS = "WITH made AS (" + _INSERT_ROW + _SEALS + _MADE
# PostgreSQL: an open draft taken, its photo's row with it (``SqlDrafts.take``), and if it was, the secret
# made of it with its return address and ban key; the author's sealed list as it stands (its locator the last
# parameter) and the photo's file, in one statement
_INSERT_FROM_TAKEN = (
    ", made AS (INSERT INTO secrets (community_id, number, author_salt, author_tag, text, content_warning, "
    "status, created_at, card_ref, author_locale, token, collection, points, picture, normalised) "
    "SELECT ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, 0.0, ?, ? FROM taken RETURNING id"
)
_MADE_LISTED_AND_PHOTOS = (
    "SELECT 'made', made.id, listed.sealed, listed.version, NULL "
    "FROM made LEFT JOIN own_lists AS listed ON listed.locator = ? "
    "UNION ALL SELECT 'photo', NULL, NULL, NULL, file FROM photos"
)
_FROM_DRAFT_POSTGRES = TAKE_CTES_POSTGRES + _INSERT_FROM_TAKEN + _SEALS + _MADE_LISTED_AND_PHOTOS
_ANY_ID = "id = ANY(CAST(CAST(? AS TEXT) AS INTEGER[]))"  # PostgreSQL: one of the ids in an array's text
_ERASED_TEXT = "text = '', normalised = NULL, collection = NULL"  # its normalised form goes with the text


def _values(secret: NewSecret) -> tuple[object, ...]:
    """``_INSERT_ROW``'s parameters."""
    return (
        secret.community_id,
        secret.number,
        secret.author_salt,
        secret.author_tag,
        secret.text,
        secret.content_warning,
        secret.status.value,
        secret.created_at,
        secret.author_locale,
        secret.token,
        secret.collection,
        False,  # a photo's secret says so when its photo is added (SqlPictures.add_to_secret)
        secret.normalised,
    )


def _made(secret_id: int, secret: NewSecret) -> Secret:
    return Secret(
        secret_id,
        secret.community_id,
        secret.number,
        secret.author_salt,
        secret.author_tag,
        secret.text,
        secret.content_warning,
        secret.status,
        secret.created_at,
        None,
        secret.author_locale,
        Token(secret.token),
        secret.collection,
        0.0,
        normalised=secret.normalised,
    )


# A card free to send: never claimed, its claim over, or its holder (an instance; another than this one in the
# second form) has stopped beating (killed)
_FREE = (
    " AND (sending_until IS NULL OR sending_until < ? OR (sending_by IS NOT NULL AND NOT EXISTS "
    "(SELECT 1 FROM instances WHERE instances.id = sending_by AND instances.beat_at >= ?)"
)
_FREE_OF_OTHERS = _FREE + " AND sending_by != ?))"
_FREE += "))"


class SqlSecrets(Repository):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        self._raw = Raw(session)

    async def add(self, secret: NewSecret) -> Secret:
        sealed = secret.return_address
        values = _values(secret)
        if sealed is not None and secret.ban_key is not None and not await self._raw.on_sqlite():
            row = await self._raw.one(
                _INSERT_ROW_WITH_SEALS,
                *values,
                sealed.sealed,
                sealed.expires_at,
                secret.ban_key.sealed,
                secret.ban_key.expires_at,
            )
            assert row is not None
            return _made(int(row[0]), secret)
        row = await self._raw.one(_INSERT_ROW, *values)
        assert row is not None
        secret_id = int(row[0])
        if sealed is not None:
            await self._raw.run(
                "INSERT INTO return_addresses (secret_id, sealed, expires_at) VALUES (?, ?, ?)",
                secret_id,
                sealed.sealed,
                sealed.expires_at,
            )
        if secret.ban_key is not None:
            await self._raw.run(
                "INSERT INTO secret_ban_keys (secret_id, sealed, expires_at) VALUES (?, ?, ?)",
                secret_id,
                secret.ban_key.sealed,
                secret.ban_key.expires_at,
            )
        return _made(secret_id, secret)

    async def add_from_draft(
        self, draft_id: int, secret: NewSecret, own_list: str
    ) -> tuple[Secret, OwnList | None] | None:
        sealed, ban_key = secret.return_address, secret.ban_key
        if sealed is None or ban_key is None or await self._raw.on_sqlite():  # (SQLite: no round trips)
            if not await SqlDrafts(self._session).take(draft_id):
                return None
            return await self.add(secret), await SqlOwnLists(self._session).get(own_list)
        seals = (sealed.sealed, sealed.expires_at, ban_key.sealed, ban_key.expires_at)
        rows = await self._raw.rows(
            _FROM_DRAFT_POSTGRES, *take_parameters(draft_id), *_values(secret), *seals, own_list
        )
        erased(self._session.info, (str(row[4]) for row in rows if row[0] == "photo" and row[4] is not None))
        for kind, secret_id, listed, version, _ in rows:
            if kind == "made":
                return _made(int(secret_id), secret), OwnList(
                    bytes(listed), str(version)
                ) if listed is not None else None
        return None

    async def get(self, secret_id: int) -> Secret | None:
        row = await self._raw.one(_ROWS.select("id = ?"), secret_id)
        return to_secret(_ROWS.read(row)) if row else None

    async def by_token(self, token: str) -> Secret | None:
        row = await self._raw.one(_ROWS.select("token = ?"), token)
        return to_secret(_ROWS.read(row)) if row else None

    async def get_many(self, secret_ids: Sequence[int], since: datetime | None = None) -> Sequence[Secret]:
        ids = list(secret_ids)
        found: list[Secret] = []
        recent, after = (" AND created_at >= ?", (since,)) if since is not None else ("", ())
        if ids and not await self._raw.on_sqlite():
            # PostgreSQL: the ids as one array, one statement however many there are (an IN list is a
            # statement of its own for each length, prepared again on each connection, a round trip and a
            # plan more: at a member's every text, whose recent secrets are read for its duplicate check).
            # The array is sent as its text: an array parameter has asyncpg ask the server about its type
            # on each new connection, a catalog query of tens of milliseconds.
            array = "{" + ",".join(str(int(i)) for i in ids) + "}"
            rows = await self._raw.rows(_ROWS.select(_ANY_ID + recent), array, *after)
            return [to_secret(_ROWS.read(row)) for row in rows]
        for start in range(0, len(ids), IN_CHUNK):
            chunk = ids[start : start + IN_CHUNK]
            where = f"id IN ({', '.join('?' * len(chunk))}){recent}"
            rows = await self._raw.rows(_ROWS.select(where), *chunk, *after)
            found.extend(to_secret(_ROWS.read(row)) for row in rows)
        return found

    async def set_status(self, secret_id: int, status: SecretStatus) -> None:
        await self._session.execute(
            update(SecretRow).where(SecretRow.id == secret_id).values(status=status.value)
        )

    async def add_points(self, secret_id: int, delta: float) -> None:
        await self._raw.run("UPDATE secrets SET points = points + ? WHERE id = ?", float(delta), secret_id)

    async def claim_sending(self, secret_id: int, now: datetime, until: datetime | None) -> bool:
        # at every card's send: straight to the driver. Free: never claimed, its claim over, or its holder
        # (another instance than this one) has stopped beating (killed), as ``holder_dead`` says
        mine = "UPDATE secrets SET sending_until = ?, sending_by = ? WHERE id = ? AND card_ref IS NULL"
        if until is None:
            return await self._raw.run(mine, None, None, secret_id) == 1
        me = instance_of(self._session)
        free = _FREE_OF_OTHERS if me is not None else _FREE
        alive_since = (now - OWNER_TIMEOUT, *((me,) if me is not None else ()))
        return await self._raw.run(mine + free, until, me, secret_id, now, *alive_since) == 1

    async def renew_sending(self, secret_ids: Sequence[int], until: datetime) -> None:
        if secret_ids and await self._raw.postgres():
            # one statement committed as it runs (its unit's only one): these are the rows of cards being
            # sent, whose recordings update them too; a lock held to a commit one or two round trips later
            # (each waiting for a busy event loop) held those recordings, inside the send-to-commit window
            array = "{" + ",".join(str(int(i)) for i in secret_ids) + "}"
            await self._raw.alone(
                f"UPDATE secrets SET sending_until = ? WHERE {_ANY_ID} "  # noqa: S608 - a constant
                "AND card_ref IS NULL AND sending_until IS NOT NULL",
                until,
                array,
            )
        elif secret_ids:
            held = and_(SecretRow.card_ref.is_(None), SecretRow.sending_until.is_not(None))
            await self._session.execute(
                update(SecretRow).where(SecretRow.id.in_(secret_ids), held).values(sending_until=until)
            )

    async def set_number(self, secret_id: int, number: int) -> None:
        await self._raw.run("UPDATE secrets SET number = ? WHERE id = ?", number, secret_id)

    async def take_number(
        self,
        secret_id: int,
        community_id: int,
        posted_day: str | None = None,
        counted: CounterBump | None = None,
    ) -> int:
        posted = (community_id, posted_day, StatKind.POSTED.value)
        bumped = (counted.key, counted.at, counted.expires_at) if counted is not None else ()
        if await self._raw.on_sqlite() or (bumped and posted_day is None):  # (SQLite: no round trips to save)
            if bumped:
                await self._raw.run(BUMP_COUNTER, *bumped)
            number = await self._raw.one(NEXT_NUMBER, community_id)
            assert number is not None
            await self.set_number(secret_id, int(number[0]))
            if posted_day is not None:
                await self._raw.run(_COUNT_POSTED, *posted)
            return int(number[0])
        if bumped:
            row = await self._raw.one(
                TAKE_NUMBER_COUNTED_BUMPED_POSTGRES, *bumped, *posted, community_id, secret_id
            )
        elif posted_day is not None:
            row = await self._raw.one(TAKE_NUMBER_COUNTED_POSTGRES, *posted, community_id, secret_id)
        else:
            row = await self._raw.one(TAKE_NUMBER_POSTGRES, community_id, secret_id)
        assert row is not None
        return int(row[0])

    async def set_card_ref(self, secret_id: int, card_ref: str, at: datetime) -> None:
        await self._session.execute(
            update(SecretRow).where(SecretRow.id == secret_id).values(card_ref=card_ref, published_at=at)
        )

    async def card_out(
        self, secret_id: int, card_ref: str, at: datetime, *, delivered: int | None = None
    ) -> bool:
        if await self._raw.postgres():
            # one statement, committed as it runs: the entry's removal and the card's recording in one round
            # trip (the send-to-commit window); the status it had is read from the row as it was
            queued, published = SecretStatus.QUEUED.value, SecretStatus.PUBLISHED.value
            row = await self._raw.alone(
                CARD_OUT_POSTGRES, delivered, card_ref, at, queued, published, secret_id
            )
            return bool(row) and row[0][0] == SecretStatus.QUEUED.value
        changed = await self._raw.run(
            "UPDATE secrets SET status = ?, card_ref = ?, published_at = ? WHERE id = ? AND status = ?",
            SecretStatus.PUBLISHED.value,
            card_ref,
            at,
            secret_id,
            SecretStatus.QUEUED.value,
        )
        if changed != 1:  # hidden, removed or deleted while it went out: it keeps that status
            await self._raw.run(
                "UPDATE secrets SET card_ref = ?, published_at = ? WHERE id = ?", card_ref, at, secret_id
            )
        if delivered is not None:
            await self._raw.run("DELETE FROM outbox WHERE id = ?", delivered)
        return changed == 1

    async def return_address(self, secret_id: int, now: datetime) -> bytes | None:
        query = select(ReturnAddressRow.sealed).where(
            ReturnAddressRow.secret_id == secret_id, ReturnAddressRow.expires_at > now
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def erase_return_address(self, secret_id: int) -> None:
        await self._session.execute(delete(ReturnAddressRow).where(ReturnAddressRow.secret_id == secret_id))

    async def erase_expired_return_addresses(self, now: datetime) -> int:
        return await delete_past(self._session, "return_addresses", "expires_at", now)

    async def erase(self, secret_id: int) -> None:
        # rows that can go are deleted (on PostgreSQL too: no UPDATE leaves the erased value in a new row)
        replies = select(ReplyRow.id).where(ReplyRow.secret_id == secret_id).scalar_subquery()
        await self._session.execute(delete(ReplyReportRow).where(ReplyReportRow.reply_id.in_(replies)))
        await self._session.execute(delete(ReplyBanKeyRow).where(ReplyBanKeyRow.reply_id.in_(replies)))
        reports = select(ReportRow.id).where(ReportRow.secret_id == secret_id).scalar_subquery()
        await self._session.execute(delete(ReporterSealRow).where(ReporterSealRow.report_id.in_(reports)))
        drafts = select(DraftRow.id).where(DraftRow.secret_id == secret_id).scalar_subquery()
        await erase_of_drafts(self._session, drafts)
        await erase_pictures(self._session, PictureRow.secret_id == secret_id)
        tables = (
            ReactionRow,
            ReportRow,
            ThreadNameRow,
            DraftRow,
            ReturnAddressRow,
            SecretBanKeyRow,
            ReplyNoticeRow,
        )
        for table in tables:
            await self._session.execute(delete(table).where(table.secret_id == secret_id))
        # the thread's messages are still out: their rows stay, emptied, until the platform shows them gone
        await self._session.execute(
            update(ReplyRow).where(ReplyRow.secret_id == secret_id).values(text="", thread_key="")
        )
        await self._session.execute(
            update(SecretRow)
            .where(SecretRow.id == secret_id)
            .values(
                status=SecretStatus.DELETED.value,
                text="",
                normalised=None,
                author_salt=b"",
                author_tag="",
                collection=None,
            )
        )

    async def unlink(self, secret_id: int, salt: bytes, tag: str, ban_key: bytes | None) -> None:
        await self._session.execute(
            update(SecretRow).where(SecretRow.id == secret_id).values(author_salt=salt, author_tag=tag)
        )
        await self.erase_return_address(secret_id)
        window = (
            await self._session.execute(
                select(SecretBanKeyRow.expires_at).where(SecretBanKeyRow.secret_id == secret_id)
            )
        ).scalar_one_or_none()
        # re-sealed in a new row: the old seal is deleted, never overwritten
        await self._session.execute(delete(SecretBanKeyRow).where(SecretBanKeyRow.secret_id == secret_id))
        if ban_key is not None and window is not None:
            self._session.add(SecretBanKeyRow(secret_id=secret_id, sealed=ban_key, expires_at=window))
            await self._session.flush()

    async def erase_removed_texts(self, before: datetime, limit: int) -> int:
        # read in order through ix_secrets_removed_text (only the removed secrets still holding a text: its
        # condition written as the index's; an index scan, which on PostgreSQL also marks the entries of rows
        # emptied before as dead); each one's open or recent moderation item looked up by its secret. The
        # outer condition is checked again on a row another process changed meanwhile (PostgreSQL).
        emptied = await self._raw.rows(
            f"UPDATE secrets SET {_ERASED_TEXT} WHERE {REMOVED_WITH_TEXT} AND id IN "  # noqa: S608
            f"(SELECT id FROM secrets WHERE {REMOVED_WITH_TEXT} AND created_at <= ? AND NOT EXISTS "
            "(SELECT 1 FROM queue_items WHERE queue_items.secret_id = secrets.id "
            "AND queue_items.reply_id IS NULL AND (queue_items.status = ? OR queue_items.decided_at > ?)) "
            "ORDER BY created_at LIMIT ?) RETURNING id, picture",
            before,
            QueueStatus.OPEN.value,
            before,
            limit,
        )
        # their photos with their texts (a photo's secret always has a caption: bot/usecases/writing.py)
        photos = [int(row[0]) for row in emptied if row[1]]
        erased = 0
        for start in range(0, len(photos), IN_CHUNK):
            chunk = photos[start : start + IN_CHUNK]
            erased += await erase_pictures(self._session, PictureRow.secret_id.in_(chunk))
        return erased + len(emptied)

    async def ban_key(self, secret_id: int, now: datetime) -> bytes | None:
        waiting = select(QueueItemRow.id).where(
            QueueItemRow.secret_id == secret_id, QueueItemRow.status == QueueStatus.OPEN.value
        )
        query = select(SecretBanKeyRow.sealed).where(
            SecretBanKeyRow.secret_id == secret_id, or_(SecretBanKeyRow.expires_at > now, waiting.exists())
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def held_ban_keys(self) -> Sequence[HeldBanKey]:
        query = select(SecretBanKeyRow.secret_id, SecretRow.author_salt, SecretBanKeyRow.sealed).join(
            SecretRow, SecretRow.id == SecretBanKeyRow.secret_id
        )
        return [
            HeldBanKey(sid, salt, sealed) for sid, salt, sealed in (await self._session.execute(query)).all()
        ]

    async def replace_ban_key(self, secret_id: int, sealed: bytes) -> None:
        # the old row version holds a seal under the previous key only, which is dropped after its overlap
        await self._session.execute(
            update(SecretBanKeyRow).where(SecretBanKeyRow.secret_id == secret_id).values(sealed=sealed)
        )

    async def erase_expired_ban_keys(self, now: datetime) -> int:
        # each expired key's open item looked up by its secret (ix_queue_items_secret), not every open item
        return await self._raw.run(
            "DELETE FROM secret_ban_keys WHERE expires_at <= ? AND NOT EXISTS (SELECT 1 FROM queue_items "
            "WHERE queue_items.secret_id = secret_ban_keys.secret_id AND queue_items.status = ?)",
            now,
            QueueStatus.OPEN.value,
        )
