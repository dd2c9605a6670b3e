"""The core's repository ports over one SQLAlchemy async session, one module per repository."""

from storage.repositories.communities import SqlCommunities
from storage.repositories.digests import SqlDigests
from storage.repositories.drafts import SqlDrafts
from storage.repositories.feeds import SqlFeeds
from storage.repositories.members import SqlMembers
from storage.repositories.moderation import SqlModeration
from storage.repositories.notices import SqlNotices
from storage.repositories.outbox import SqlOutbox
from storage.repositories.own_lists import SqlOwnLists
from storage.repositories.pictures import SqlPictures
from storage.repositories.preferences import SqlPreferences
from storage.repositories.reactions import SqlReactions
from storage.repositories.replies import SqlReplies
from storage.repositories.reply_moderation import SqlReplyModeration
from storage.repositories.reports import SqlReports
from storage.repositories.sanctions import SqlSanctions
from storage.repositories.secrets import SqlSecrets
from storage.repositories.stats import SqlStats

__all__ = [
    "SqlCommunities",
    "SqlDigests",
    "SqlDrafts",
    "SqlFeeds",
    "SqlMembers",
    "SqlModeration",
    "SqlNotices",
    "SqlOutbox",
    "SqlOwnLists",
    "SqlPictures",
    "SqlPreferences",
    "SqlReactions",
    "SqlReplies",
    "SqlReplyModeration",
    "SqlReports",
    "SqlSanctions",
    "SqlSecrets",
    "SqlStats",
]
