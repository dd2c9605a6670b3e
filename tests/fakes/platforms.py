"""Fakes of the platforms: directory, messenger, and a keyword filter for core tests."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime

from bot.messages import ChatTarget, OutgoingMessage
from bot.moderation.normalise import tokenise
from bot.moderation.verdict import FilterResult, Reason, Verdict
from bot.moderation.words import WordList
from bot.ports import DeliveryError


@dataclass
class FakeDirectory:
    members: dict[str, set[str]] = field(default_factory=dict)  # chat_ref -> user ids
    admins: dict[str, set[str]] = field(default_factory=dict)
    admin_checks: int = 0
    member_checks: int = 0
    joined: dict[str, datetime] = field(default_factory=dict)  # user id -> join date the platform tells

    async def is_member(self, chat_ref: str, user_id: str) -> bool:
        self.member_checks += 1
        return user_id in self.members.get(chat_ref, set())

    async def is_admin(self, chat_ref: str, user_id: str) -> bool:
        self.admin_checks += 1
        return user_id in self.admins.get(chat_ref, set())

    unknown_readers: set[str] = field(default_factory=set)  # chats whose readership can't be counted
    reader_checks: int = 0

    async def reader_count(self, chat_ref: str) -> int | None:
        self.reader_checks += 1
        if chat_ref in self.unknown_readers:
            return None
        return len(self.members.get(chat_ref, set()))

    async def joined_at(self, chat_ref: str, user_id: str) -> datetime | None:
        return self.joined.get(user_id)

    unchecked_readers: set[str] = field(default_factory=set)  # moderators' chats the platform can't check now

    async def admin_chats(self, chat_ref: str) -> list[str]:
        return sorted(self.admins.get(chat_ref, set()))  # a user's private chat is their id, here

    async def only_admins_read(self, moderators_chat_ref: str, community_chat_ref: str) -> bool | None:
        if moderators_chat_ref in self.unchecked_readers:
            return None
        return self.members.get(moderators_chat_ref, set()) <= self.admins.get(community_chat_ref, set())


@dataclass
class Sent:
    target: ChatTarget
    message: OutgoingMessage
    ref: str
    edited: bool = False


@dataclass
class FakeMessenger:
    sent: list[Sent] = field(default_factory=list)
    failures: list[DeliveryError] = field(default_factory=list)
    _refs: itertools.count[int] = field(default_factory=lambda: itertools.count(100))

    def _maybe_fail(self) -> None:
        if self.failures:
            raise self.failures.pop(0)

    async def send(self, target: ChatTarget, message: OutgoingMessage) -> str:
        self._maybe_fail()
        ref = str(next(self._refs))
        self.sent.append(Sent(target, message, ref))
        return ref

    async def edit(self, target: ChatTarget, message_ref: str, message: OutgoingMessage) -> None:
        self._maybe_fail()
        self.sent.append(Sent(target, message, message_ref, edited=True))

    def to(self, chat_ref: str) -> list[Sent]:
        return [s for s in self.sent if s.target.chat_ref == chat_ref]


class KeywordFilter:
    """A filter for core tests: "BLOCKME" blocks, "REVIEWME" holds for review."""

    def check(self, text: str, lang: str | None = None, *, words: WordList | None = None) -> FilterResult:
        listed = words.find(text, tokenise(text)) if words is not None else []
        if listed:  # a community's own list, as the real filter applies it
            worst = max((verdict for _, verdict in listed), key=[Verdict.REVIEW, Verdict.BLOCK].index)
            return FilterResult(worst, tuple(reason for reason, _ in listed), "words")
        if "BLOCKME" in text:
            return FilterResult(Verdict.BLOCK, (Reason("insult", "BLOCKME"),))
        if "REVIEWME" in text:
            return FilterResult(Verdict.REVIEW, (Reason("phone", "REVIEWME"),))
        return FilterResult(Verdict.ALLOW)
