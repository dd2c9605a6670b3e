"""What the storage contract cases share: fixed times, keys and small builders over the core's port."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.anonymity import new_token
from bot.model import CommunitySettings, SecretStatus
from bot.ports import Database
from bot.records import NewSecret, SealedAddress, SealedValue

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
KEY = "a" * 64
OTHER = "b" * 64
THIRD = "c" * 64
SALT = b"s" * 16


async def add_community(
    store: Database,
    chat_ref: str = "g1",
    settings: CommunitySettings | None = None,
    platform: str = "console",
) -> int:
    async with store.unit_of_work() as uow:
        made = await uow.communities.add(platform, chat_ref, "Group", settings or CommunitySettings(), NOW)
        await uow.commit()
    return made.id


async def add_secret(
    store: Database,
    community_id: int,
    number: int = 1,
    at: datetime = NOW,
    *,
    author_tag: str = KEY,
    text: str = "text",
    status: SecretStatus = SecretStatus.QUEUED,
    collection: str | None = None,
    normalised: str | None = None,
) -> int:
    async with store.unit_of_work() as uow:
        made = await uow.secrets.add(
            NewSecret(
                community_id=community_id,
                number=number,
                author_salt=SALT,
                author_tag=author_tag,
                text=text,
                content_warning=False,
                status=status,
                created_at=at,
                author_locale="en",
                token=new_token(),
                return_address=SealedAddress(b"sealed", at + timedelta(days=7)),
                ban_key=SealedValue(b"ban key", at + timedelta(hours=48)),
                collection=collection,
                normalised=normalised,
            )
        )
        await uow.commit()
    return made.id
