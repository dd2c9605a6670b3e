"""Communities: chats where secrets are published, and their settings."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.model import (
    PINNED_SETTINGS,
    SETTING_NAMES,
    Community,
    CommunitySettings,
    ModerationMode,
    PicturePolicy,
    own_settings_of,
)
from bot.moderation.verdict import Verdict
from bot.records import PublicCommunity, WordEntry
from storage.raw import Raw, Reader
from storage.repositories.base import (
    Repository,
    delete_past,
    insert_for,
    to_community,
)
from storage.repositories.secrets import NEXT_NUMBER
from storage.tables import (
    AdminNoticeRow,
    CommunityRow,
    CommunityWordRow,
    DiscussionCopyRow,
)

_ROWS = Reader(CommunityRow.__table__)  # type: ignore[arg-type]
_WROTE = "murmure.communities_written"  # in the session's info: it changed communities, and may not cache


class CommunityCache:
    """Communities, the active ones of each platform and their word lists, as read in the last ``LIFETIME``
    seconds: every post and every tap reads its community, which changes a few times in its life.

    A change made in this process empties it at once (and the unit of work that made it, committed or not,
    reads afresh until it ends); one made by another process (PostgreSQL) shows here within ``LIFETIME``.
    Nothing about a person is in it."""

    LIFETIME = 5.0  # seconds

    def __init__(self) -> None:
        self.by_id: dict[int, tuple[float, Community]] = {}
        self.active: dict[tuple[str, int], tuple[float, list[Community]]] = {}
        self.words: dict[int, tuple[float, list[WordEntry]]] = {}

    def clear(self) -> None:
        self.by_id.clear()
        self.active.clear()
        self.words.clear()

    @staticmethod
    def fresh(entry: tuple[float, Any] | None) -> bool:
        return entry is not None and time.monotonic() - entry[0] < CommunityCache.LIFETIME


def _column_value(value: Any) -> Any:
    if isinstance(value, ModerationMode | PicturePolicy):
        return value.value
    if isinstance(value, tuple):
        return ",".join(value)
    return value


def settings_columns(settings: CommunitySettings, own: frozenset[str]) -> dict[str, Any]:
    """A community's own settings as the columns that store them, NULL for those that follow the
    configured defaults (``to_community`` reads them back over the defaults)."""
    return {name: _column_value(getattr(settings, name)) if name in own else None for name in SETTING_NAMES}


class SqlCommunities(Repository):
    def __init__(
        self, session: AsyncSession, defaults: CommunitySettings, cache: CommunityCache | None = None
    ) -> None:
        super().__init__(session, defaults)
        self._cache = cache if cache is not None else CommunityCache()
        self._raw = Raw(session)

    def _changed(self) -> None:
        """A write: the cache is emptied, and this unit of work no longer fills it."""
        self._cache.clear()
        self._session.info[_WROTE] = True

    def _caching(self) -> bool:
        return not self._session.info.get(_WROTE)

    async def add(
        self, platform: str, chat_ref: str, title: str, settings: CommunitySettings, at: datetime
    ) -> Community:
        row = CommunityRow(
            platform=platform,
            chat_ref=chat_ref,
            title=title,
            active=True,
            **settings_columns(settings, own_settings_of(settings, self._defaults)),
            public_since=at if settings.public else None,
            moderation_chat_ref=None,
            secret_count=0,
            created_at=at,
        )
        self._changed()
        self._session.add(row)
        await self._session.flush()
        await self._session.refresh(row)
        return to_community(row, self._defaults)

    async def get(self, community_id: int) -> Community | None:
        cached = self._cache.by_id.get(community_id)
        if self._caching() and cached is not None and self._cache.fresh(cached):
            return cached[1]
        row = await self._raw.one(_ROWS.select("id = ?"), community_id)
        community = to_community(_ROWS.read(row), self._defaults) if row else None
        if community is not None and self._caching():
            self._cache.by_id[community_id] = (time.monotonic(), community)
        return community

    async def by_chat(self, platform: str, chat_ref: str) -> Community | None:
        query = select(CommunityRow).where(
            CommunityRow.platform == platform, CommunityRow.chat_ref == chat_ref
        )
        row = (await self._session.execute(query)).scalar_one_or_none()
        return to_community(row, self._defaults) if row else None

    async def active_on(self, platform: str, limit: int) -> Sequence[Community]:
        cached = self._cache.active.get((platform, limit))
        if self._caching() and cached is not None and self._cache.fresh(cached):
            return cached[1]
        rows = await self._raw.rows(
            _ROWS.select("platform = ? AND active ORDER BY id LIMIT ?"), platform, limit
        )
        found = [to_community(_ROWS.read(row), self._defaults) for row in rows]
        if self._caching():
            self._cache.active[(platform, limit)] = (time.monotonic(), found)
        return found

    async def ids_on(self, platform: str) -> Sequence[int]:
        query = select(CommunityRow.id).where(CommunityRow.platform == platform).order_by(CommunityRow.id)
        return [int(i) for i in (await self._session.execute(query)).scalars()]

    async def set_active(self, community_id: int, active: bool, title: str | None = None) -> None:
        self._changed()
        values: dict[str, Any] = {"active": active}
        if title is not None:
            values["title"] = title
        await self._session.execute(
            update(CommunityRow).where(CommunityRow.id == community_id).values(**values)
        )

    async def update_settings(
        self,
        community_id: int,
        settings: CommunitySettings,
        at: datetime,
        own: frozenset[str] | None = None,
    ) -> None:
        self._changed()
        row = await self._session.get(CommunityRow, community_id)
        if row is None:
            return
        chosen = own_settings_of(settings, self._defaults) if own is None else own | PINNED_SETTINGS
        for name, value in settings_columns(settings, chosen).items():
            setattr(row, name, value)
        if not settings.public:
            row.public_since = None
        elif row.public_since is None:
            row.public_since = at
        await self._session.flush()

    async def set_moderation_chat(self, community_id: int, chat_ref: str | None) -> None:
        self._changed()
        await self._session.execute(
            update(CommunityRow).where(CommunityRow.id == community_id).values(moderation_chat_ref=chat_ref)
        )

    async def set_topic(self, community_id: int, topic_ref: str | None) -> None:
        self._changed()
        await self._session.execute(
            update(CommunityRow).where(CommunityRow.id == community_id).values(topic_ref=topic_ref)
        )

    async def set_discussion(self, community_id: int, discussion_ref: str | None) -> None:
        self._changed()
        await self._session.execute(
            update(CommunityRow).where(CommunityRow.id == community_id).values(discussion_ref=discussion_ref)
        )

    async def add_copy(self, community_id: int, message_ref: str, copy_ref: str) -> None:
        if await self.copy_of(community_id, message_ref) is None:
            self._session.add(
                DiscussionCopyRow(community_id=community_id, message_ref=message_ref, copy_ref=copy_ref)
            )
            await self._session.flush()

    async def copy_of(self, community_id: int, message_ref: str) -> str | None:
        query = select(DiscussionCopyRow.copy_ref).where(
            DiscussionCopyRow.community_id == community_id, DiscussionCopyRow.message_ref == message_ref
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def move(self, platform: str, old_chat_ref: str, new_chat_ref: str) -> None:
        self._changed()
        await self._session.execute(
            update(CommunityRow)
            .where(CommunityRow.platform == platform, CommunityRow.chat_ref == old_chat_ref)
            .values(chat_ref=new_chat_ref, active=True)
        )
        await self._session.execute(
            update(CommunityRow)
            .where(CommunityRow.platform == platform, CommunityRow.moderation_chat_ref == old_chat_ref)
            .values(moderation_chat_ref=new_chat_ref)
        )

    async def public_since(self, platform: str | None = None) -> Sequence[PublicCommunity]:
        query = select(CommunityRow.id, CommunityRow.public_since).where(
            CommunityRow.public.is_(True),
            CommunityRow.active.is_(True),
            CommunityRow.public_since.is_not(None),
        )
        if platform is not None:
            query = query.where(CommunityRow.platform == platform)
        rows = (await self._session.execute(query.order_by(CommunityRow.id))).all()
        return [PublicCommunity(cid, since) for cid, since in rows if since is not None]

    async def next_number(self, community_id: int) -> int:
        # One atomic UPDATE ... RETURNING: two processes never get the same number. (The count is in no
        # cached community's use: the cache stays.)
        row = await self._raw.one(NEXT_NUMBER, community_id)
        assert row is not None
        return int(row[0])

    async def words(self, community_id: int) -> Sequence[WordEntry]:
        cached = self._cache.words.get(community_id)
        if self._caching() and cached is not None and self._cache.fresh(cached):
            return cached[1]
        rows = await self._raw.rows(
            "SELECT verdict, term FROM community_words WHERE community_id = ? ORDER BY term", community_id
        )
        found = [WordEntry(Verdict(verdict), term) for verdict, term in rows]
        if self._caching():
            self._cache.words[community_id] = (time.monotonic(), found)
        return found

    async def put_word(self, community_id: int, entry: WordEntry, at: datetime) -> None:
        self._changed()
        row = await self._session.get(CommunityWordRow, (community_id, entry.term))
        if row is None:
            self._session.add(
                CommunityWordRow(
                    community_id=community_id, term=entry.term, verdict=entry.verdict.value, added_at=at
                )
            )
        else:
            row.verdict = entry.verdict.value
        await self._session.flush()

    async def remove_word(self, community_id: int, term: str) -> bool:
        self._changed()
        statement = delete(CommunityWordRow).where(
            CommunityWordRow.community_id == community_id, CommunityWordRow.term == term
        )
        result = await self._session.execute(statement)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def claim_admin_notice(self, community_id: int, kind: str, period: str, at: datetime) -> bool:
        # INSERT ... ON CONFLICT DO NOTHING on both engines: the first process to insert sends the notice
        statement = (
            insert_for(self._session)(AdminNoticeRow)
            .values(community_id=community_id, kind=kind, period=period, claimed_at=at)
            .on_conflict_do_nothing(index_elements=["community_id", "kind", "period"])
        )
        result = await self._session.execute(statement)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def erase_admin_notice_claims(self, before: datetime) -> int:
        return await delete_past(self._session, "admin_notices", "claimed_at", before, strictly=True)
