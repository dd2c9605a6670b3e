"""What every repository shares: the session, the row-to-value mappings, dialect helpers."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.model import (
    SETTING_NAMES,
    Community,
    CommunitySettings,
    Draft,
    DraftKind,
    DraftStatus,
    ModerationMode,
    PicturePolicy,
    QueueCause,
    QueueItem,
    QueueStatus,
    ReplyPost,
    ReplyStatus,
    Secret,
    SecretStatus,
    Token,
)
from bot.moderation.verdict import Verdict
from storage.raw import Raw
from storage.tables import (
    CommunityRow,
    DraftRow,
    QueueItemRow,
    ReplyRow,
    SecretRow,
)


def _setting_value(name: str, stored: Any) -> Any:
    if name == "mode":
        return ModerationMode(stored)
    if name == "pictures":
        return PicturePolicy(stored)
    if name == "collections":
        return tuple(part for part in str(stored).split(",") if part)
    return stored


def to_community(row: CommunityRow, defaults: CommunitySettings) -> Community:
    """A stored community: its own settings (the columns not NULL) over the configured defaults."""
    stored = {name: getattr(row, name) for name in SETTING_NAMES}
    own = {name: _setting_value(name, value) for name, value in stored.items() if value is not None}
    return Community(
        row.id,
        row.platform,
        row.chat_ref,
        row.title,
        row.active,
        replace(defaults, **own),
        row.moderation_chat_ref,
        row.secret_count,
        frozenset(own),
        row.topic_ref,
        row.discussion_ref,
    )


def to_secret(row: SecretRow) -> Secret:
    return Secret(
        row.id,
        row.community_id,
        row.number,
        row.author_salt,
        row.author_tag,
        row.text,
        row.content_warning,
        SecretStatus(row.status),
        row.created_at,
        row.card_ref,
        row.author_locale,
        Token(row.token),
        row.collection,
        row.points,
        row.picture,
        row.normalised,
    )


def to_reply(row: ReplyRow) -> ReplyPost:
    return ReplyPost(
        row.id,
        row.secret_id,
        row.thread_key,
        row.text,
        row.pseudonym,
        row.by_author,
        row.created_at,
        row.message_ref,
        Token(row.token),
        ReplyStatus(row.status),
    )


def to_draft(row: DraftRow) -> Draft:
    categories = tuple(part for part in row.reason_categories.split(",") if part)
    return Draft(
        row.id,
        row.owner_salt,
        row.owner_tag,
        DraftKind(row.kind),
        row.community_id,
        row.secret_id,
        row.text,
        row.content_warning,
        Verdict(row.verdict),
        categories,
        DraftStatus(row.status),
        row.created_at,
        row.collection,
        bool(row.notify_replies),
    )


def to_item(row: QueueItemRow) -> QueueItem:
    return QueueItem(
        row.id,
        row.community_id,
        row.secret_id,
        QueueCause(row.cause),
        row.detail,
        QueueStatus(row.status),
        row.message_ref,
        row.created_at,
        row.reply_id,
        Token(row.token),
    )


# Feeds and digests show only secrets whose card is out: one still waiting for its random publication
# delay must not show up anywhere, or the delay would give nothing.
PUBLISHED = SecretStatus.PUBLISHED.value


def insert_for(session: AsyncSession) -> Any:
    """The dialect's INSERT, which has ON CONFLICT on both SQLite and PostgreSQL. Each dialect's module is
    imported when a session of it first asks: a process on SQLite never loads PostgreSQL's."""
    if on_postgresql(session):
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def on_postgresql(session: AsyncSession) -> bool:
    return bool(session.get_bind().dialect.name == "postgresql")


async def delete_past(
    session: AsyncSession, table: str, column: str, when: datetime, *, strictly: bool = False
) -> int:
    """The sweep: rows of ``table`` whose ``column`` (an indexed time) is at or before ``when`` (before it,
    ``strictly``), deleted in one statement sent straight to the driver; returns how many."""
    return await Raw(session).run(
        f"DELETE FROM {table} WHERE {column} {'<' if strictly else '<='} ?",  # noqa: S608 (names only)
        when,
    )


IN_CHUNK = 500  # keys or ids per IN (...) list: well under every engine's limit on bound parameters


_DEFAULTS = CommunitySettings()  # frozen: shared by every repository given none (made once, not per use case)


class Repository:
    def __init__(self, session: AsyncSession, defaults: CommunitySettings | None = None) -> None:
        self._session = session
        self._defaults = defaults or _DEFAULTS  # the configuration's, for what a community never chose
