"""The core's repository ports over one SQLAlchemy async session, one module per repository."""

from storage.repositories.communities import SqlCommunities
from storage.repositories.drafts import SqlDrafts
from storage.repositories.members import SqlMembers
from storage.repositories.moderation import SqlModeration
from storage.repositories.outbox import SqlOutbox
from storage.repositories.secrets import SqlSecrets

__all__ = ["SqlCommunities", "SqlDrafts", "SqlMembers", "SqlModeration", "SqlOutbox", "SqlSecrets"]
