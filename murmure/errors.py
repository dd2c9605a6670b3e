"""Failures the command line explains to the operator."""

from __future__ import annotations


class DatabaseUnreachable(Exception):
    """The database could not be reached or migrated. Only the kind of error is kept: a driver's text may
    carry the connection string."""

    def __init__(self, cause: BaseException) -> None:
        self.kind = type(cause).__name__
        super().__init__(f"cannot reach the database ({self.kind})")


class MessengerUnreachable(Exception):
    """A messenger refused to start or could not be reached. Only the kind of error is kept: a client
    library's own text may quote the token or the request."""

    def __init__(self, platform: str, cause: BaseException) -> None:
        self.platform = platform
        self.kind = type(cause).__name__
        super().__init__(f"{platform} refused or could not be reached ({self.kind})")
