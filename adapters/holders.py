"""Who holds a claim in the shared database (a lease, an event being handled): a random id that also names
its machine, by a keyed hash, and its process id, so that a process of the same machine can tell at once that
a holder no longer runs (a killed process's claims are taken over without waiting for them to run out)."""

from __future__ import annotations

import os
import secrets
import socket

from bot.coordination import Coordination


class Holder:
    def __init__(self, coordination: Coordination) -> None:
        self.host = coordination.tag(socket.gethostname())[:8]
        self.id = f"{secrets.token_hex(6)}.{self.host}.{os.getpid()}"

    def dead_here(self, holder: str) -> bool:
        """Whether ``holder`` was a process of this machine that no longer runs."""
        _, _, rest = holder.partition(".")
        host, _, pid = rest.partition(".")
        if host != self.host or not pid.isdigit() or int(pid) == os.getpid():
            return False
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False  # it runs, as another user
        return False
