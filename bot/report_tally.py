"""What a queue item about reports says: how many members reported, for which reasons, and whether a
moderator asked for a decision. Kept in the item's ``detail`` as ``"<count>:<reason>,<reason>"`` (``"!"``
first for a moderator's request); older items hold only the reasons."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.model import ReportReason


@dataclass(frozen=True)
class ReportTally:
    count: int = 0
    reasons: tuple[str, ...] = ()
    by_moderator: bool = False

    def encode(self) -> str:
        return ("!" if self.by_moderator else "") + f"{self.count}:" + ",".join(self.reasons)

    def adding(self, reason: ReportReason, *, by_moderator: bool = False) -> ReportTally:
        reasons = self.reasons if reason.value in self.reasons else (*self.reasons, reason.value)
        return replace(
            self, count=self.count + 1, reasons=reasons, by_moderator=self.by_moderator or by_moderator
        )

    @classmethod
    def parse(cls, detail: str) -> ReportTally:
        by_moderator = detail.startswith("!")
        count, colon, reasons = detail.removeprefix("!").partition(":")
        if not colon or not count.isdigit():  # an item from before tallies: its reasons only
            parts = tuple(part for part in detail.split(",") if part)
            return cls(len(parts), parts)
        return cls(int(count), tuple(part for part in reasons.split(",") if part), by_moderator)
