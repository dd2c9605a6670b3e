"""The in-memory database behind the core's unit of work port."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from bot.model import CommunitySettings
from bot.ports import OutboxRepository
from bot.reply_moderation_ports import ReplyModerationRepository
from bot.repositories import (
    CommunityRepository,
    DigestRepository,
    DraftRepository,
    FeedRepository,
    MemberRepository,
    ModerationRepository,
    NoticeRepository,
    OwnListRepository,
    PictureRepository,
    PreferenceRepository,
    ReactionRepository,
    ReplyRepository,
    ReportRepository,
    SecretRepository,
)
from bot.sanction_ports import SanctionRepository
from bot.stats import StatsRepository
from tests.fakes.communities import FakeCommunities
from tests.fakes.members import FakeDigests, FakeMembers, FakeOwnLists, FakePreferences
from tests.fakes.moderation import FakeDrafts, FakeModeration
from tests.fakes.notices import FakeNotices
from tests.fakes.outbox import FakeOutbox
from tests.fakes.pictures import FakePictures
from tests.fakes.reply_moderation import FakeReplyModeration
from tests.fakes.sanctions import FakeSanctions
from tests.fakes.secrets import FakeFeeds, FakeSecrets
from tests.fakes.state import State
from tests.fakes.stats import FakeStats
from tests.fakes.threads import FakeReactions, FakeReplies, FakeReports


class FakeUnitOfWork:
    """Works on a copy of the database's state; ``commit`` publishes it, leaving without commit drops it."""

    communities: CommunityRepository
    members: MemberRepository
    preferences: PreferenceRepository
    own_lists: OwnListRepository
    digests: DigestRepository
    drafts: DraftRepository
    secrets: SecretRepository
    feeds: FeedRepository
    replies: ReplyRepository
    reactions: ReactionRepository
    reports: ReportRepository
    moderation: ModerationRepository
    outbox: OutboxRepository
    reply_moderation: ReplyModerationRepository
    sanctions: SanctionRepository
    stats: StatsRepository
    pictures: PictureRepository
    notices: NoticeRepository

    def __init__(self, database: FakeDatabase) -> None:
        self._database = database
        self.state = database.state.copy()
        self.communities = FakeCommunities(self)
        self.members = FakeMembers(self)
        self.preferences = FakePreferences(self)
        self.own_lists = FakeOwnLists(self)
        self.digests = FakeDigests(self)
        self.drafts = FakeDrafts(self)
        self.secrets = FakeSecrets(self)
        self.feeds = FakeFeeds(self)
        self.replies = FakeReplies(self)
        self.reactions = FakeReactions(self)
        self.reports = FakeReports(self)
        self.moderation = FakeModeration(self)
        self.outbox = FakeOutbox(self)
        self.reply_moderation = FakeReplyModeration(self)
        self.sanctions = FakeSanctions(self)
        self.stats = FakeStats(self)
        self.pictures = FakePictures(self)
        self.notices = FakeNotices(self)
        self.outbox_written = False
        self.tolerates_loss = False  # loss_tolerated() asked in this unit

    @property
    def defaults(self) -> CommunitySettings:
        return self._database.defaults

    async def __aenter__(self) -> Self:
        self.state = self._database.state.copy()
        self.outbox_written = False
        self.tolerates_loss = False
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    def loss_tolerated(self) -> None:
        self.tolerates_loss = True

    async def commit(self) -> None:
        self._database.state = self.state
        self.state = self.state.copy()
        self._database.commits += 1
        if self.tolerates_loss:
            self._database.loss_tolerating_commits += 1
        if self.outbox_written:
            self.outbox_written = False
            for listener in self._database.outbox_listeners:
                listener()


class FakeDatabase:
    def __init__(self, defaults: CommunitySettings | None = None) -> None:
        self.state = State()
        # the configuration's community settings (a test may change them, as a restart with a new config)
        self.defaults = defaults or CommunitySettings()
        self.commits = 0
        self.loss_tolerating_commits = 0  # of those, the commits whose unit tolerated their loss in a crash
        self.checkpoints = 0
        self.recordings = 0  # units of work opened to record what a platform just did
        self.outbox_listeners: list[Callable[[], None]] = []

    def unit_of_work(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)

    def recording(self) -> FakeUnitOfWork:
        self.recordings += 1
        return FakeUnitOfWork(self)

    def on_outbox_written(self, listener: Callable[[], None]) -> None:
        self.outbox_listeners.append(listener)

    async def checkpoint(self) -> None:
        self.checkpoints += 1

    async def warm(self) -> None:
        return None  # nothing to open: the fake is in memory
