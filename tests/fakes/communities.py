"""The in-memory communities."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bot.model import (
    PINNED_SETTINGS,
    Community,
    CommunitySettings,
    own_settings_of,
    resolve_settings,
)
from bot.records import (
    PublicCommunity,
    WordEntry,
)
from tests.fakes.state import Repo


def resolved(community: Community, defaults: CommunitySettings) -> Community:
    """A community as stored (its own settings) read over the defaults the database has now."""
    settings = resolve_settings(defaults, community.settings, community.own_settings)
    return replace(community, settings=settings)


class FakeCommunities(Repo):
    """Stores each community's own settings; what it never chose is read from ``FakeDatabase.defaults``."""

    def _read(self, community: Community) -> Community:
        return resolved(community, self.defaults)

    async def add(
        self, platform: str, chat_ref: str, title: str, settings: CommunitySettings, at: datetime
    ) -> Community:
        own = own_settings_of(settings, self.defaults)
        community = Community(self.next_id(), platform, chat_ref, title, True, settings, None, 0, own)
        self.s.communities[community.id] = community
        if settings.public:
            self.s.public_since[community.id] = at
        return self._read(community)

    async def get(self, community_id: int) -> Community | None:
        found = self.s.communities.get(community_id)
        return self._read(found) if found else None

    async def by_chat(self, platform: str, chat_ref: str) -> Community | None:
        return next(
            (
                self._read(c)
                for c in self.s.communities.values()
                if c.platform == platform and c.chat_ref == chat_ref
            ),
            None,
        )

    async def active_on(self, platform: str, limit: int) -> Sequence[Community]:
        found = [c for c in self.s.communities.values() if c.platform == platform and c.active][:limit]
        return [self._read(c) for c in found]

    async def ids_on(self, platform: str) -> Sequence[int]:
        return [c.id for c in self.s.communities.values() if c.platform == platform]

    async def set_active(self, community_id: int, active: bool, title: str | None = None) -> None:
        old = self.s.communities[community_id]
        self.s.communities[community_id] = replace(old, active=active, title=title or old.title)

    async def update_settings(
        self,
        community_id: int,
        settings: CommunitySettings,
        at: datetime,
        own: frozenset[str] | None = None,
    ) -> None:
        chosen = own_settings_of(settings, self.defaults) if own is None else own | PINNED_SETTINGS
        self.s.communities[community_id] = replace(
            self.s.communities[community_id], settings=settings, own_settings=chosen
        )
        if not settings.public:
            self.s.public_since.pop(community_id, None)
        else:
            self.s.public_since.setdefault(community_id, at)

    async def set_moderation_chat(self, community_id: int, chat_ref: str | None) -> None:
        self.s.communities[community_id] = replace(
            self.s.communities[community_id], moderation_chat_ref=chat_ref
        )

    async def set_topic(self, community_id: int, topic_ref: str | None) -> None:
        self.s.communities[community_id] = replace(self.s.communities[community_id], topic_ref=topic_ref)

    async def set_discussion(self, community_id: int, discussion_ref: str | None) -> None:
        self.s.communities[community_id] = replace(
            self.s.communities[community_id], discussion_ref=discussion_ref
        )

    async def add_copy(self, community_id: int, message_ref: str, copy_ref: str) -> None:
        self.s.discussion_copies.setdefault((community_id, message_ref), copy_ref)

    async def copy_of(self, community_id: int, message_ref: str) -> str | None:
        return self.s.discussion_copies.get((community_id, message_ref))

    async def move(self, platform: str, old_chat_ref: str, new_chat_ref: str) -> None:
        for cid, c in list(self.s.communities.items()):
            if c.platform != platform:
                continue
            if c.chat_ref == old_chat_ref:
                c = replace(c, chat_ref=new_chat_ref, active=True)
            if c.moderation_chat_ref == old_chat_ref:
                c = replace(c, moderation_chat_ref=new_chat_ref)
            self.s.communities[cid] = c

    async def public_since(self, platform: str | None = None) -> Sequence[PublicCommunity]:
        return [
            PublicCommunity(c.id, self.s.public_since[c.id])
            for c in self.s.communities.values()
            if self._read(c).settings.public
            and c.active
            and c.id in self.s.public_since
            and (platform is None or c.platform == platform)
        ]

    async def next_number(self, community_id: int) -> int:
        old = self.s.communities[community_id]
        self.s.communities[community_id] = replace(old, secret_count=old.secret_count + 1)
        return old.secret_count + 1

    async def words(self, community_id: int) -> Sequence[WordEntry]:
        return sorted(self.s.community_words.get(community_id, {}).values(), key=lambda e: e.term)

    async def put_word(self, community_id: int, entry: WordEntry, at: datetime) -> None:
        self.s.community_words.setdefault(community_id, {})[entry.term] = entry

    async def remove_word(self, community_id: int, term: str) -> bool:
        return self.s.community_words.get(community_id, {}).pop(term, None) is not None

    async def claim_admin_notice(self, community_id: int, kind: str, period: str, at: datetime) -> bool:
        if (community_id, kind, period) in self.s.admin_notices:
            return False
        self.s.admin_notices[(community_id, kind, period)] = at
        return True

    async def erase_admin_notice_claims(self, before: datetime) -> int:
        old = [claim for claim, at in self.s.admin_notices.items() if at < before]
        for claim in old:
            del self.s.admin_notices[claim]
        return len(old)
