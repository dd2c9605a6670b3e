"""Communities: chats where secrets are published, and their settings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update

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
from storage.repositories.base import (
    Repository,
    to_community,
)
from storage.tables import (
    CommunityRow,
    CommunityWordRow,
    DiscussionCopyRow,
)


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
        self._session.add(row)
        await self._session.flush()
        await self._session.refresh(row)
        return to_community(row, self._defaults)

    async def get(self, community_id: int) -> Community | None:
        row = await self._session.get(CommunityRow, community_id, populate_existing=True)
        return to_community(row, self._defaults) if row else None

    async def by_chat(self, platform: str, chat_ref: str) -> Community | None:
        query = select(CommunityRow).where(
            CommunityRow.platform == platform, CommunityRow.chat_ref == chat_ref
        )
        row = (await self._session.execute(query)).scalar_one_or_none()
        return to_community(row, self._defaults) if row else None

    async def active_on(self, platform: str, limit: int) -> Sequence[Community]:
        query = (
            select(CommunityRow)
            .where(CommunityRow.platform == platform, CommunityRow.active.is_(True))
            .order_by(CommunityRow.id)
            .limit(limit)
        )
        return [to_community(row, self._defaults) for row in (await self._session.execute(query)).scalars()]

    async def ids_on(self, platform: str) -> Sequence[int]:
        query = select(CommunityRow.id).where(CommunityRow.platform == platform).order_by(CommunityRow.id)
        return [int(i) for i in (await self._session.execute(query)).scalars()]

    async def set_active(self, community_id: int, active: bool, title: str | None = None) -> None:
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
        await self._session.execute(
            update(CommunityRow).where(CommunityRow.id == community_id).values(moderation_chat_ref=chat_ref)
        )

    async def set_topic(self, community_id: int, topic_ref: str | None) -> None:
        await self._session.execute(
            update(CommunityRow).where(CommunityRow.id == community_id).values(topic_ref=topic_ref)
        )

    async def set_discussion(self, community_id: int, discussion_ref: str | None) -> None:
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
        # One atomic UPDATE ... RETURNING: two processes never get the same number.
        statement = (
            update(CommunityRow)
            .where(CommunityRow.id == community_id)
            .values(secret_count=CommunityRow.secret_count + 1)
            .returning(CommunityRow.secret_count)
        )
        return int((await self._session.execute(statement)).scalar_one())

    async def words(self, community_id: int) -> Sequence[WordEntry]:
        query = (
            select(CommunityWordRow.verdict, CommunityWordRow.term)
            .where(CommunityWordRow.community_id == community_id)
            .order_by(CommunityWordRow.term)
        )
        return [
            WordEntry(Verdict(verdict), term) for verdict, term in (await self._session.execute(query)).all()
        ]

    async def put_word(self, community_id: int, entry: WordEntry, at: datetime) -> None:
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
        statement = delete(CommunityWordRow).where(
            CommunityWordRow.community_id == community_id, CommunityWordRow.term == term
        )
        result = await self._session.execute(statement)
        return bool(result.rowcount)  # type: ignore[attr-defined]
