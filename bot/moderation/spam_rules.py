"""Signs of bulk messaging that contact rules miss: a keyword to text to a short code ("txt WIN to
84025"), a cash prize ("claim £100"), the small print of premium-rate messaging ("150p/msg", "T&Cs
apply", "reply STOP to end", "PO Box 1234") and the wording of a prize handed out ("FreeMsg", "awaiting
collection", "you have been awarded"). Held for review as spam."""

from __future__ import annotations

import re

from bot.moderation.verdict import Reason

LAYER = "spam_rules"
_SHORT_CODE = re.compile(
    r"\b(?:txt|text|send|reply|sms)\b[^.\n]{0,30}?\b(?:to|on|2)\s+\d{5,6}\b"
    r"|\b(?:envoie|envoyez|tape|tapez)\b[^.\n]{0,30}?\bau\s+\d{5}\b",
    re.IGNORECASE,
)
_PRIZE = re.compile(
    r"\b(?:win|won|claim|prize|award(?:ed)?|cash|gagne[zr]?|gagné|remporte[zr]?)\b[^.\n]{0,20}?"
    r"(?:[£$€]\s?\d[\d,.]*|\d[\d,.]*\s?(?:[£$€]|euros?|pounds?|dollars?)\b)",
    re.IGNORECASE,
)


# The small print of premium-rate text services: prices per message or minute, terms and conditions,
# how to stop the messages, a PO box, how long an offer is valid. None of the tuning part's 2,694 SMS
# "ham" holds one (nor of the prize wordings below).
_SMALL_PRINT = re.compile(
    r"\b\d{3}p\b|\b\d+p ?/ ?(?:msg|min|txt|text|wk|week)\b|\bper (?:msg|txt)\b"
    r"|\bT ?& ?Cs?\b|\bT ?and ?Cs\b"
    r"|\b(?:reply|txt|text|send|sms) stop\b|\bstop to \d{3,}"
    r"|\bP\.? ?O\.? ?Box ?\d"
    r"|\bcosts? \d+p\b|\b\d+p (?:per|a|each|pm)\b|\bstd (?:txt |text |msg )?rate|\bmsg ?rcvd\b"
    r"|\bvalid (?:for )?\d+ ?(?:hrs?|hours|days|wks?)\b",
    re.IGNORECASE,
)
# How a bulk message hands out its prize: "FreeMsg", "awaiting collection", "you have been awarded",
# "guaranteed £1000", "claim code", "selected to receive", a "cash prize".
_PRIZE_WORDING = re.compile(
    r"\bfree ?msg\b|\bawait(?:s|ing)? collection\b|\bclaim code\b|\bselected to receive\b"
    r"|\b(?:u|you|ur|you've|you have)(?: been| are)? awarded\b|\bguaranteed? (?:£|\d|cash|prize)"
    r"|\bcash (?:prize|award|bonus)\b|£\d+ (?:prize|cash|award|bonus|voucher)|\bmobile (?:no|number) \d",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")


# Words one of which each wording above holds: a text with none (most texts) skips the patterns.
_SMALL_PRINT_KEYS = ("&", "stop", "and c", "std", "rcvd")
_PRIZE_KEYS = ("msg", "collection", "claim", "selected", "awarded", "guarantee", "cash", "£", "mobile")


def find_spam_signs(text: str) -> list[Reason]:
    lowered = text.lower()
    digits = _DIGIT.search(text) is not None
    found: list[Reason] = []
    if digits or any(key in lowered for key in _SMALL_PRINT_KEYS):
        found.extend(Reason("spam", m.group(), LAYER) for m in _SMALL_PRINT.finditer(text))
    if any(key in lowered for key in _PRIZE_KEYS):
        found.extend(Reason("spam", m.group(), LAYER) for m in _PRIZE_WORDING.finditer(text))
    if not digits:
        return found
    found.extend(Reason("spam", m.group(), LAYER) for m in _SHORT_CODE.finditer(text))
    found.extend(Reason("spam", m.group(), LAYER) for m in _PRIZE.finditer(text))
    return found
