"""What a delivery function works with, and how it says which chat it writes to."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.anonymity import Sealer
from bot.answer_arrival import watched
from bot.kept_forms import KeptForm
from bot.logsafe import where
from bot.messages import ChatTarget, OutgoingMessage
from bot.ports import Clock, Database, DeliveryError, Directory, Messenger, UnitOfWork

NOT_MY_MESSENGER_RETRY = timedelta(seconds=2)
MIN_EDIT_INTERVAL = timedelta(seconds=1)  # per card, unless the platform says otherwise
# A recording the database refused (busy, a connection lost) is tried again after each of these pauses: the
# message is out, and a recording given up makes the entry go out a second time.
RECORD_RETRIES = (0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0)

# A form kept while its interaction waited, written again as its member: what the member is answered with.
KeptForms = Callable[[KeptForm], Awaitable[Sequence[OutgoingMessage]]]

# The outbox entry being delivered in this task (set by the dispatcher around each delivery): a send that
# delivers it removes it in the transaction recording the send.
delivering: ContextVar[int | None] = ContextVar("delivering", default=None)

# What a send writes once the platform has the message, given the unit of work, the message's reference and
# the outbox entry the send delivers (None: none to remove); True if it removed that entry itself, in its own
# statement (a card: one statement, one round trip on PostgreSQL), else the entry is removed after it.
Record = Callable[[UnitOfWork, str, int | None], Awaitable[bool]]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WindowSteps:
    """Where a send-to-commit window's time went, in seconds from the platform's answer's arrival (told by the
    messenger's HTTP layer, ``bot/answer_arrival.py``; else the messenger's return): to the messenger's return
    (the answer parsed), to the answer of the recording's statement (the connection taken and the round
    trip), to its commit, to the connection's return (the window's end); and in how many tries."""

    returned: float
    written: float
    committed: float
    closed: float
    tries: int


@dataclass(frozen=True)
class CommunityChat:
    """The community's own chat: if it is gone, the community is inactive."""

    community_id: int


@dataclass(frozen=True)
class ModeratorsChat:
    """The community's moderators' chat: if it is gone, it is unlinked and the item waits for another."""

    community_id: int


@dataclass(frozen=True)
class DiscussionChat:
    """The community's discussion chat (a Telegram channel's comments): if it is gone, it is unlinked and
    replies go under the cards again."""

    community_id: int


@dataclass(frozen=True)
class MemberChat:
    """A member's private chat, reached through a sealed address."""


Chat = CommunityChat | ModeratorsChat | DiscussionChat | MemberChat


class NotYet(Exception):
    """The entry can't be delivered yet (a card not yet posted, an edit too soon): try again at ``when``."""

    def __init__(self, when: datetime) -> None:
        super().__init__(when.isoformat())
        self.when = when


class MissingRight(DeliveryError):
    """The platform says the bot lacks a right in the community's ``chat`` (it is still in it): retried like
    any refusal where it isn't caught; cards and replies wait for it (``bot.delivery.rights``)."""

    def __init__(self, chat: CommunityChat, error: DeliveryError) -> None:
        super().__init__(str(error), retry_after=error.retry_after, missing_right=True)
        self.chat = chat


class ChatGone(Exception):
    """The platform says the bot can't write to ``chat`` any more."""

    def __init__(self, chat: Chat, error: DeliveryError) -> None:
        super().__init__(str(error))
        self.chat = chat
        self.error = error


class DeliveryContext:
    """The database, messengers and clock, and sending that tells the mechanics which chat refused."""

    def __init__(
        self,
        database: Database,
        messengers: Mapping[str, Messenger],
        sealer: Sealer,
        clock: Clock,
        edit_intervals: Mapping[str, timedelta] | None = None,
        directories: Mapping[str, Directory] | None = None,
        reader_counts: dict[int, tuple[datetime, int | None]] | None = None,
        kept_forms: KeptForms | None = None,
    ) -> None:
        self.db = database
        # a kept form written again as its member (``Murmure.kept_form``): what they are answered with
        self.kept_forms = kept_forms
        self.directories = directories or {}
        self.sealer = sealer
        self.clock = clock
        self._messengers = messengers
        self._edit_intervals = edit_intervals or {}
        self._last_edit: dict[tuple[str, str], datetime] = {}
        self.cards_sending: set[int] = set()  # secrets whose card is being sent: their claim is renewed
        # per community: (moderators' chat, when checked, whether only admins read it); when last warned
        self.moderators_checks: dict[int, tuple[str, datetime, bool | None]] = {}
        self.moderators_warned: dict[int, datetime] = {}
        # per community: when counted, how many (None: the platform could not say); shared with the use cases
        # (``Services.reader_counts``) when given, so that a card going out right after Post uses Post's count
        self.reader_counts = reader_counts if reader_counts is not None else {}
        self.rights_told: dict[int, datetime] = {}  # per community: when its admins were told of a right
        # seconds from each platform's answer to the commit recording the send: the window in which a kill
        # makes the message go out twice on a platform without idempotency; read and emptied by the dispatcher
        self.windows: list[float] = []
        # the longest of them and where its time went (read and emptied by the dispatcher with ``windows``)
        self.slowest: WindowSteps | None = None
        # outbox entries removed by the recording of their send: the dispatcher must not remove them again by
        # their id, nor retry them (read and emptied by the dispatcher)
        self.removed: set[int] = set()

    def _messenger(self, platform: str) -> Messenger:
        messenger = self._messengers.get(platform)
        if messenger is None:
            # an entry whose messenger was not known when it was queued (before migration 1015): another
            # process on this database runs it, and the entry is given back for it (not retried to failure)
            raise NotYet(self.clock.now() + NOT_MY_MESSENGER_RETRY)
        return messenger

    async def send(
        self,
        chat: Chat,
        target: ChatTarget,
        message: OutgoingMessage,
        then: Record | None = None,
        *,
        delivers: bool = True,
    ) -> str:
        """Sends ``message``; once the platform has it, at once and before anything else, one small
        transaction on the recording connections runs ``then`` (writing the message's reference) and, if
        the send ``delivers`` the entry being handled, removes the entry. A process killed after this
        commit never sends the message again; killed before it (the send-to-commit window, measured in
        ``windows``), it does on a platform without idempotency."""
        messenger = self._messenger(target.platform)
        try:
            with watched() as arrival:
                ref = await messenger.send(target, message)
        except DeliveryError as error:
            if error.chat_gone:
                raise ChatGone(chat, error) from error
            if error.missing_right and isinstance(chat, CommunityChat):
                raise MissingRight(chat, error) from error
            raise
        returned = time.perf_counter()
        answered = arrival.at if arrival.at is not None else returned
        entry = delivering.get() if delivers else None
        if entry in self.removed:
            entry = None  # removed by an earlier send of the same delivery: its id may be another's now
        if then is not None or entry is not None:
            steps = await self._record(ref, then, entry, answered, returned)
            self.windows.append(steps.closed)
            if self.slowest is None or steps.closed > self.slowest.closed:
                self.slowest = steps
            if entry is not None:
                self.removed.add(entry)
        return ref

    async def _record(
        self, ref: str, then: Record | None, entry: int | None, answered: float, returned: float
    ) -> WindowSteps:
        for tries, pause in enumerate((*RECORD_RETRIES, None), 1):
            try:
                async with self.db.recording() as uow:
                    removed = then is not None and await then(uow, ref, entry)
                    written = time.perf_counter()
                    if entry is not None and not removed:
                        await uow.outbox.done(entry)
                    await uow.commit()
                    committed = time.perf_counter()
                closed = time.perf_counter()
                return WindowSteps(
                    returned - answered, written - answered, committed - answered, closed - answered, tries
                )
            except Exception as error:
                if pause is None:
                    log.error("a message went out but could not be recorded: %s", where(error))
                    raise
                await asyncio.sleep(pause)
        raise AssertionError("the last try raises")  # (never reached)

    async def remove_delivered(self, uow: UnitOfWork) -> int | None:
        """Removes, in ``uow``, the outbox entry being delivered (unless a send removed it already); its id,
        to give ``removed_with`` once ``uow`` is committed."""
        entry = delivering.get()
        if entry is None or entry in self.removed:
            return None
        await uow.outbox.done(entry)
        return entry

    def removed_with(self, entry: int | None) -> None:
        """The entry ``remove_delivered`` removed is gone (its unit committed): never removed again."""
        if entry is not None:
            self.removed.add(entry)

    async def edit(self, chat: Chat, target: ChatTarget, message_ref: str, message: OutgoingMessage) -> None:
        messenger = self._messenger(target.platform)
        try:
            await messenger.edit(target, message_ref, message)
        except DeliveryError as error:
            if error.chat_gone:
                raise ChatGone(chat, error) from error
            raise

    def edited(self, target: ChatTarget, message_ref: str) -> None:
        """Note that a message was just written, for the pace of its next edit."""
        self._last_edit[(target.chat_ref, message_ref)] = self.clock.now()

    def next_edit_at(self, target: ChatTarget, message_ref: str) -> datetime | None:
        """When the message may be edited again, if not now."""
        last = self._last_edit.get((target.chat_ref, message_ref))
        interval = self._edit_intervals.get(target.platform, MIN_EDIT_INTERVAL)
        if last is not None and self.clock.now() - last < interval:
            return last + interval
        return None
