"""A client library's loggers can never print an update, at any level.

python-telegram-bot logs raw data in places (a batch it can't parse, at CRITICAL, passes any level the adapter
sets); discord.py logs every gateway event at DEBUG, and the item or command an exception came from; an
exception's text can quote a message. Every record of a library's loggers is rewritten before any handler
sees it: its format string alone (the library's own constant text), its arguments dropped, an exception kept
as its type and the frames it went through (``bot.logsafe.where``), never its text.
"""

from __future__ import annotations

import logging

from bot.logsafe import where


class _Scrubbed(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        text = record.msg if isinstance(record.msg, str) else type(record.msg).__name__
        if record.args:
            text += " [details withheld]"
        if record.exc_info and record.exc_info[1] is not None:
            text += f" ({where(record.exc_info[1])})"
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


def scrub_library_logs(library: str) -> None:
    """Idempotent: installs the rewriting handler on the library's top logger, which stops propagating."""
    top = logging.getLogger(library)
    if not any(isinstance(handler, _Scrubbed) for handler in top.handlers):
        top.addHandler(_Scrubbed())
    top.propagate = False
