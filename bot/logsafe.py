"""Logging failures without their messages: an exception's text may quote a member's text, a name or an
id (a driver's error repeats its SQL parameters, a platform's error its request). Where it happened is
enough to debug; what it was about stays out of the logs."""

from __future__ import annotations

import traceback


def where(error: BaseException) -> str:
    """``TypeName`` and the frames it went through, never ``str(error)``."""
    frames = traceback.extract_tb(error.__traceback__)
    path = " <- ".join(
        f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} {frame.name}" for frame in reversed(frames)
    )
    cause = error.__cause__ or error.__context__
    chained = f" (from {type(cause).__name__})" if cause is not None else ""
    return f"{type(error).__name__}{chained} at {path or 'unknown'}"
