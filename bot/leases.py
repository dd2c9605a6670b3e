"""Who holds a claim (an outbox entry being delivered, a card being sent), and for how long after its
holder dies.

Each process's dispatcher draws a random instance id at its start and beats (writes the time) every
``BEAT_EVERY``; the claims it makes carry that id. A claim is free when its lease ends or as soon as its
holder has not beaten for ``OWNER_TIMEOUT``: after a kill -9, what the dead process held is taken over
within seconds, not after a whole lease (which must stay long enough for a send a platform holds back).
A process never takes its own claims for dead.
"""

from __future__ import annotations

from datetime import timedelta

BEAT_EVERY = timedelta(seconds=2)
OWNER_TIMEOUT = timedelta(seconds=8)  # four beats missed: the holder is gone (a restart takes longer)
FORGET_AFTER = timedelta(days=1)  # an instance gone this long is removed from the table
