"""In-memory fakes of the core's ports, for unit tests of the core without a database.

The repositories are held to the same contract as storage: tests/storage/ runs on them too.
"""

from tests.fakes.platforms import FakeDirectory, FakeMessenger, KeywordFilter, Sent
from tests.fakes.store import FakeDatabase, FakeUnitOfWork

__all__ = ["FakeDatabase", "FakeDirectory", "FakeMessenger", "FakeUnitOfWork", "KeywordFilter", "Sent"]
