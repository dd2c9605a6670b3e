"""Members as communities know them, by community keys only (one per member and community): memberships,
join days and bans; and counters of one member in one community and period (limits, strikes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.model import Ban
from bot.records import Counter, Standing, Standings
from storage.raw import Raw, utc
from storage.repositories.base import IN_CHUNK, Repository, delete_past
from storage.tables import BanRow, MembershipRow

# a member's standing in one community: the membership verified lately ('m'), then the ban that ``active_ban``
# finds ('b'), in one statement
_STANDING = (
    "SELECT 'm', NULL FROM memberships WHERE member_key = ? AND community_id = ? AND verified_at >= ? "
    "UNION ALL SELECT * FROM (SELECT 'b', until FROM bans WHERE member_key = ? AND community_id = ? "
    "AND lifted_at IS NULL AND (until IS NULL OR until > ?) "
    "ORDER BY CASE WHEN until IS NULL THEN 0 ELSE 1 END, until DESC LIMIT 1) AS ban"
)
# ... and a counter of the member's ('c', its time, its count), in the same query
_STANDING_COUNTED = (
    "SELECT 'm', NULL, CAST(NULL AS INTEGER) FROM memberships "
    "WHERE member_key = ? AND community_id = ? AND verified_at >= ? "
    "UNION ALL SELECT * FROM (SELECT 'b', until, CAST(NULL AS INTEGER) FROM bans WHERE member_key = ? "
    "AND community_id = ? AND lifted_at IS NULL AND (until IS NULL OR until > ?) "
    "ORDER BY CASE WHEN until IS NULL THEN 0 ELSE 1 END, until DESC LIMIT 1) AS ban "
    "UNION ALL SELECT 'c', last_at, count FROM period_counters WHERE counter_key = ? AND expires_at > ?"
)


# the memberships ('m', their time verified) and the bans in force ('b', until when) of some community keys
_STANDINGS = (
    "SELECT 'm', community_id, member_key, verified_at FROM memberships WHERE member_key IN ({marks}) "
    "UNION ALL SELECT 'b', community_id, member_key, until FROM bans WHERE member_key IN ({marks}) "
    "AND lifted_at IS NULL AND (until IS NULL OR until > ?)"
)
# ... and some counters of the member's in force ('c', their count, key and time), in the same query
_COUNTERS_TOO = (
    " UNION ALL SELECT 'c', count, counter_key, last_at FROM period_counters "
    "WHERE counter_key IN ({counters}) AND expires_at > ?"
)
_STANDINGS_COUNTED = _STANDINGS + _COUNTERS_TOO


# One more on a member's counter (its key, time and end as parameters)
BUMP_COUNTER = (
    "INSERT INTO period_counters (counter_key, count, last_at, expires_at) VALUES (?, 1, ?, ?) "
    "ON CONFLICT (counter_key) DO UPDATE SET count = period_counters.count + 1, "
    "last_at = excluded.last_at, expires_at = excluded.expires_at"
)


def _at(stored: Any) -> datetime:
    """A time stored NOT NULL, read back as aware UTC."""
    at = utc(stored)
    assert at is not None
    return at


class SqlMembers(Repository):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        self._raw = Raw(session)

    async def verified_since(self, member_keys: Sequence[str], since: datetime) -> Sequence[int]:
        rows = await self._by_keys(
            "SELECT community_id FROM memberships WHERE member_key IN ({marks}) AND verified_at >= ?",
            member_keys,
            since,
        )
        return [int(row[0]) for row in rows]

    async def verified_at(self, member_keys: Sequence[str]) -> Mapping[int, datetime]:
        found: dict[int, datetime] = {}
        rows = await self._by_keys(
            "SELECT community_id, verified_at FROM memberships WHERE member_key IN ({marks})", member_keys
        )
        for community_id, at in rows:
            when = utc(at)
            assert when is not None
            found[int(community_id)] = max(when, found.get(int(community_id), when))
        return found

    async def standings(
        self, member_keys: Sequence[str], now: datetime, counter_keys: Sequence[str] = ()
    ) -> Standings:
        verified: dict[int, datetime] = {}
        bans: dict[int, Ban] = {}
        counters: dict[str, Counter] = {}
        keys, counted = list(member_keys), list(counter_keys)
        stride = IN_CHUNK // (3 if counted else 2)  # (each member key given twice, and the counters' keys)
        for start in range(0, max(len(keys), len(counted)), stride):
            chunk, wanted = keys[start : start + stride], counted[start : start + stride]
            marks = ", ".join("?" * len(chunk)) or "NULL"
            if wanted:
                sql = _STANDINGS_COUNTED.format(marks=marks, counters=", ".join("?" * len(wanted)))
                found = await self._raw.rows(sql, *chunk, *chunk, now, *wanted, now)
            else:
                found = await self._raw.rows(_STANDINGS.format(marks=marks), *chunk, *chunk, now)
            for kind, number, key, at in found:
                when = utc(at)
                if kind == "c":
                    counters[str(key)] = Counter(int(number), _at(at))
                    continue
                place = int(number)
                if kind == "m":
                    assert when is not None
                    verified[place] = max(when, verified.get(place, when))
                    continue
                held = bans.get(place)  # the permanent ban first, else the one that lasts longest
                if held is None or (held.until is not None and (when is None or when > held.until)):
                    bans[place] = Ban(place, str(key), when)
        return Standings(verified, bans, counters)

    async def _by_keys(self, sql: str, member_keys: Sequence[str], *after: object) -> list[Sequence[Any]]:
        """``sql``'s rows for every key, asked ``IN_CHUNK`` keys at a time (``{marks}`` takes their places,
        ``after`` the parameters that follow them)."""
        rows: list[Sequence[Any]] = []
        keys = list(member_keys)
        for start in range(0, len(keys), IN_CHUNK):
            chunk = keys[start : start + IN_CHUNK]
            marks = ", ".join("?" * len(chunk))
            rows.extend(await self._raw.rows(sql.format(marks=marks), *chunk, *after))
        return rows

    async def mark_verified(self, member_key: str, community_id: int, at: datetime) -> None:
        # An upsert: two processes verifying the same member at once both succeed.
        await self._raw.run(
            "INSERT INTO memberships (member_key, community_id, verified_at) VALUES (?, ?, ?) "
            "ON CONFLICT (member_key, community_id) DO UPDATE SET verified_at = excluded.verified_at",
            member_key,
            community_id,
            at,
        )

    async def joined_at(self, member_key: str, community_id: int) -> datetime | None:
        row = await self._session.get(MembershipRow, (member_key, community_id), populate_existing=True)
        return row.joined_at if row else None

    async def record_join(self, member_key: str, community_id: int, at: datetime) -> None:
        row = await self._session.get(MembershipRow, (member_key, community_id))
        if row is None:
            self._session.add(
                MembershipRow(member_key=member_key, community_id=community_id, verified_at=at, joined_at=at)
            )
        else:
            row.joined_at = at
            row.verified_at = at
        await self._session.flush()

    async def forget_membership(self, member_key: str, community_id: int) -> None:
        await self._session.execute(
            delete(MembershipRow).where(
                MembershipRow.member_key == member_key, MembershipRow.community_id == community_id
            )
        )

    async def forget_memberships(self, member_keys: Sequence[str]) -> None:
        keys = list(member_keys)
        for start in range(0, len(keys), IN_CHUNK):
            chunk = keys[start : start + IN_CHUNK]
            await self._session.execute(delete(MembershipRow).where(MembershipRow.member_key.in_(chunk)))

    async def counter(self, counter_key: str, now: datetime) -> Counter | None:
        row = await self._raw.one(
            "SELECT count, last_at FROM period_counters WHERE counter_key = ? AND expires_at > ?",
            counter_key,
            now,
        )
        return Counter(int(row[0]), _at(row[1])) if row is not None else None

    async def bump_counter(self, counter_key: str, at: datetime, expires_at: datetime) -> None:
        await self._raw.run(BUMP_COUNTER, counter_key, at, expires_at)

    async def erase_expired_counters(self, now: datetime) -> int:
        return await delete_past(self._session, "period_counters", "expires_at", now)

    async def active_ban(self, member_key: str, community_id: int, now: datetime) -> Ban | None:
        # the permanent ban first, else the one that lasts longest
        row = await self._raw.one(
            "SELECT community_id, member_key, until FROM bans WHERE member_key = ? AND community_id = ? "
            "AND lifted_at IS NULL AND (until IS NULL OR until > ?) "
            "ORDER BY CASE WHEN until IS NULL THEN 0 ELSE 1 END, until DESC LIMIT 1",
            member_key,
            community_id,
            now,
        )
        return Ban(int(row[0]), str(row[1]), utc(row[2])) if row else None

    async def standing(
        self,
        member_key: str,
        community_id: int,
        since: datetime,
        now: datetime,
        counter_key: str | None = None,
    ) -> Standing:
        params = (member_key, community_id, since, member_key, community_id, now)
        if counter_key is None:
            rows = await self._raw.rows(_STANDING, *params)
        else:
            rows = await self._raw.rows(_STANDING_COUNTED, *params, counter_key, now)
        bans = [Ban(community_id, member_key, utc(row[1])) for row in rows if row[0] == "b"]
        counted = [Counter(int(row[2]), _at(row[1])) for row in rows if row[0] == "c"]
        return Standing(any(row[0] == "m" for row in rows), bans[0] if bans else None, *counted[:1])

    async def add_ban(self, ban: Ban, at: datetime) -> None:
        self._session.add(
            BanRow(community_id=ban.community_id, member_key=ban.member_key, until=ban.until, created_at=at)
        )
        await self._session.flush()
