"""The one way a use case says no: raise ``Refused`` with a catalog key and its parameters.

The router turns it into the member's message (``RefusedBriefly``: a short notice to the one who pressed) and
keeps what the use case saved before refusing (a membership found to be gone, a strike).
"""

from __future__ import annotations


class Refused(Exception):
    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class RefusedBriefly(Refused):
    """Told as a short notice to the one who pressed (a stale button, no rights), not as a message."""
