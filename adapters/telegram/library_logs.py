"""python-telegram-bot's loggers can never print an update, at any level.

The library logs raw data in places (a batch it can't parse, at CRITICAL, passes any level the adapter
sets), and an exception's text can quote a message. Every record of the ``telegram`` loggers is rewritten
before any handler sees it: its format string alone (the library's own constant text), its arguments
dropped, an exception kept as its type's name only.
"""

from __future__ import annotations

import logging

LIBRARY = "telegram"


class _Scrubbed(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        text = record.msg if isinstance(record.msg, str) else type(record.msg).__name__
        if record.args:
            text += " [details withheld]"
        if record.exc_info and record.exc_info[0] is not None:
            text += f" ({record.exc_info[0].__name__})"
        safe = logging.makeLogRecord(
            {
                "name": record.name,
                "levelno": record.levelno,
                "levelname": record.levelname,
                "msg": text,  # no arguments: never %-formatted
                "created": record.created,
                "msecs": record.msecs,
                "pathname": record.pathname,
                "lineno": record.lineno,
                "funcName": record.funcName,
            }
        )
        logging.getLogger().handle(safe)  # the root's handlers, as if it had propagated


def scrub_library_logs() -> None:
    """Idempotent: installs the rewriting handler on the library's top logger, which stops propagating."""
    library = logging.getLogger(LIBRARY)
    if not any(isinstance(handler, _Scrubbed) for handler in library.handlers):
        library.addHandler(_Scrubbed())
    library.propagate = False
