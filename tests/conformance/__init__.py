"""Every request an emulator receives, checked against the platform's official API description.

The descriptions are vendored in ``specs/`` (Telegram Bot API 10.0, Discord's OpenAPI file). Each emulator
owns a :class:`Conformance` recorder; ``tests/conftest.py`` fails the test during which any recorder saw a
request that does not conform (an unknown method, route, parameter or field, a wrong type, a missing
required field, a documented limit broken). A test that sends such requests on purpose says so with
``emulator.conformance.allow(pattern)`` or ``conformance=False``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ACTIVE: list[Conformance] = []


@dataclass
class Conformance:
    """The violations one emulator saw, and the ones its test declared expected."""

    platform: str
    enabled: bool = True
    violations: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)  # violations the test declared with allow()
    _allowed: list[re.Pattern[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        _ACTIVE.append(self)

    def record(self, request: str, problems: list[str]) -> None:
        for problem in problems:
            line = f"{request}: {problem}"
            if any(pattern.search(line) for pattern in self._allowed):
                self.expected.append(line)
            else:
                self.violations.append(line)

    def allow(self, pattern: str) -> None:
        """Violations matching ``pattern`` are expected by this test (it checks the emulator's refusal)."""
        regex = re.compile(pattern)
        self._allowed.append(regex)
        self.expected += [v for v in self.violations if regex.search(v)]
        self.violations[:] = [v for v in self.violations if not regex.search(v)]


def begin_test() -> None:
    _ACTIVE.clear()


def end_test() -> list[str]:
    """Every violation seen since :func:`begin_test` by an enabled recorder."""
    found = [f"{c.platform}: {v}" for c in _ACTIVE if c.enabled for v in c.violations]
    _ACTIVE.clear()
    return found
