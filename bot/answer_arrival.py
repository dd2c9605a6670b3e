"""When a platform's answer to a send reached the process, told by the messenger's HTTP layer.

The send-to-commit window (``DeliveryContext.send``) starts when the platform has the message, which the
process learns as its answer arrives: the HTTP layer stamps that moment (``answer_arrived``) before the
platform's library parses the answer into its objects and the messenger returns, time that on a busy event
loop would otherwise fall outside the measured window. A messenger whose HTTP layer says nothing leaves the
window starting at its return.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class Arrival:
    """The first successful answer's arrival during one send (``time.perf_counter``), if the HTTP layer told
    it: a message exists from then on. Mutable, so that an answer heard in a task the send started (a
    timeout's task) is stamped here too."""

    at: float | None = None


_watched: ContextVar[Arrival | None] = ContextVar("answer_arrival", default=None)


@contextmanager
def watched() -> Iterator[Arrival]:
    """The answers arriving within this block (one send) are stamped on what this gives."""
    arrival = Arrival()
    token = _watched.set(arrival)
    try:
        yield arrival
    finally:
        _watched.reset(token)


def answer_arrived() -> None:
    """A successful answer arrived now (called by the HTTP layer as it has the answer's bytes, before they are
    parsed); only the first one of a send is kept."""
    arrival = _watched.get()
    if arrival is not None and arrival.at is None:
        arrival.at = time.perf_counter()
