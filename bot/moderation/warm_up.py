"""The filter's first checks made where it is built, not at a member's first post.

Parts of the filter are made the first time a text needs them: the spelling tricks of the group rules'
lists, the patterns of each phone region's numbers (``phonenumbers`` compiles them at their first use, a
hundred of them for a text holding a run of digits), the e-mail checks. A restarted process made them in its
first members' checks, on the event loop's thread: 8 to 11 ms of CPU each on an idle machine, 75 ms in a
loaded chaos run (the loop's watcher found it in ``groups.py _misspelt``), while a card's recording waited.
These texts go through every layer once, in the thread that builds the filter."""

from __future__ import annotations

from bot.moderation.duplicates import is_near_duplicate_normalised
from bot.ports import TextChecker

WARM_UP_TEXTS = (
    # group rules (a glued word, spelling tricks), names, an accusation, distress, a link, spam
    "I never told anyone: my boss Jean Dupont is a liar and a thief, ihatewomen, womne and mslims are "
    "the worst, I want to die, buy cheap followers now at http://spam.example",
    "Je n'ai jamais dit à personne que mon patron Marie Martin est une menteuse, les fmmes et les "
    "musulmsans, je veux mourir, achetez des abonnés pas chers",
    # phone numbers of every region the filter reads, and runs of digits that are none
    "call 06 12 34 56 78, +33 6 98 76 54 32, +1 415 555 0199, (415) 555-0199, +44 20 7946 0958, "
    "+32 2 555 12 34, +41 44 668 18 00, 0032 2 555 12 34, Secret 20000101-17 of group 3, 1234567",
    # e-mail addresses, written and spelled
    "write to jean.dupont@example.com or jean dot dupont at gmail dot com, marie arobase free point fr",
)


def warmed(checker: TextChecker) -> TextChecker:
    """``checker`` once every part it makes at a first use is made, and the duplicate check's library
    imported (a post's check against the member's recent secrets imported it at a restart's first post, on
    the event loop's thread: 24 ms idle, 73 ms in a loaded chaos run)."""
    for text in WARM_UP_TEXTS:
        for locale in ("en", "fr"):
            checker.check(text, locale)
    is_near_duplicate_normalised(WARM_UP_TEXTS[0], WARM_UP_TEXTS[1:])
    return checker
