"""Personal data in a text: phone numbers, e-mail addresses, @handles, URLs, IBANs, street addresses.

Every finding is a ``Reason`` whose match is the part of the original text found; the pipeline sends
them to review. Cheap pre-checks skip the slower detectors on texts that cannot contain their data.
"""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from bot.moderation.verdict import Reason

PHONE_REGIONS = ("FR", "US", "GB", "BE", "CH", "CA")
_MIN_PHONE_DIGITS = 7

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"(?<![\w@./])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{1,30}[A-Za-z0-9_])?)(?![\w@])")
_PLATFORM_HANDLE = re.compile(
    r"\b(?:insta|instagram|snap|snapchat|tiktok|twitter|discord|telegram|ig|sc)\s*(?::|=|->|→)\s*@?"
    r"([A-Za-z0-9_][A-Za-z0-9_.]{2,30})",
    re.IGNORECASE,
)
# "her snap is tommy_k99", "son insta c'est lea.mrtn_": only names that look like handles (a letter
# and a digit, "_" or "."), so "my insta is dead" stays a sentence.
_PLATFORM_HANDLE_SAID = re.compile(
    r"\b(?:insta|instagram|snap|snapchat|tiktok|twitter|discord|telegram|ig|sc)\s+"
    r"(?:is|=|c'est|c’est|c est|est)\s+@?([A-Za-z0-9_][A-Za-z0-9_.]{1,29}[A-Za-z0-9_])(?![\w@])",
    re.IGNORECASE,
)
# Both patterns above start with a platform's name and then a separator, "is", "est" or "c'est": a
# case-sensitive search of the case-folded text finds every text where either could match, ten times
# faster than their case-insensitive scans (which most texts would pass through for nothing).
_PLATFORM_HINT = re.compile(r"(?:insta|snap|tiktok|twitter|discord|telegram|ig|sc)[a-z]*\s*[:=\-→iec]")
# The two letters that match "i" case-insensitively without case-folding to it: the dotless "ı" (folded to
# itself) and the dotted "İ" (folded to "i" and a combining dot above, which would split "İnsta").
_FOLDED_LIKE_I = str.maketrans({"ı": "i", "\u0307": None})


def folded(text: str) -> str:
    """``text`` case-folded as the case-insensitive patterns read it: every letter that matches an ASCII
    letter case-insensitively becomes that letter (what ``_PLATFORM_HINT`` searches)."""
    return text.casefold().translate(_FOLDED_LIKE_I)


_HANDLE_LIKE = re.compile(r"(?=.*[A-Za-z])(?=.*[\d_.])")
# E-mail addresses spelled out to dodge filters: "mike dot jones at outlook dot com",
# "julien point dupont arobase gmail point com", "jo [at] mail [dot] fr".
_SPELLED_WORD = r"[A-Za-z0-9_+-]+"
_SPELLED_AT = r"(?:\s+(?:at|arobase|arrobase)\s+|\s*[\[({]\s*(?:at|@|arobase)\s*[\])}]\s*)"
_SPELLED_DOT = r"(?:\s+(?:dot|point)\s+|\s*[\[({]\s*(?:dot|point|\.)\s*[\])}]\s*|\.)"
_SPELLED_EMAIL = re.compile(
    rf"\b{_SPELLED_WORD}(?:{_SPELLED_DOT}{_SPELLED_WORD})*{_SPELLED_AT}{_SPELLED_WORD}"
    rf"(?:{_SPELLED_DOT}{_SPELLED_WORD})*?{_SPELLED_DOT}(?:com|fr|net|org|be|ch|ca|uk|io|eu|de|info)\b",
    re.IGNORECASE,
)
_SPELLED_HINTS = (" at ", "arobase", "arrobase", "[at]", "(at)", "{at}", "[@]", "(@)")
# Bare domains: a lower-case top-level domain from this list ("it", "me", "to", "de", "es", "us" are
# left out: they follow a missing space after a full stop too often, as in "I hated.it").
_TLDS = (
    "com|net|org|fr|be|ch|ca|uk|co|io|info|biz|xyz|ly|gg|tv|app|dev|eu|nl|ru|cn|online|"
    "site|shop|store|club|live|link|click|top|win|bet|vip|tk|ml|ga|cf|gq|pw|cc|ws|su"
)
_URL = re.compile(
    r"\b(?i:https?://)[^\s<>\"']+"
    r"|\b(?i:www)\.[^\s<>\"']+"
    r"|(?<![\w@.-])(?i:t|wa)\.me/[^\s<>\"']+"
    rf"|(?<![\w@.-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+(?:{_TLDS})\b(?:/[^\s<>\"']*)?(?![\w@-])"
)
# What a text holds if ``_URL`` can match it: a scheme, "www." (any case), "t.me/" or "wa.me/", or a dot
# before a listed top-level domain; most texts hold none and skip the slower pattern.
_URL_HINT = re.compile(rf"://|\.me/|\.(?:{_TLDS})\b")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ \-]?[A-Z0-9]){11,30}\b", re.IGNORECASE)
_IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22,
    "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MA": 28, "MC": 27, "MT": 31,
    "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
    "TN": 24, "TR": 26,
}  # fmt: skip
_NAME_WORD = r"[A-Z][A-Za-z'’-]+"
_ADDRESS_EN = re.compile(
    rf"\b\d{{1,5}}[A-Za-z]?,?\s+(?:{_NAME_WORD}\s+){{1,3}}"
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Place|Pl|Way|Terrace"
    r"|Close|Crescent|Square|Sq|Gardens|Grove|Hill|Row|Mews|Parkway|Pkwy|Highway|Hwy)\b\.?"
)
_FR_PARTICLE = r"(?:(?:de\s+la|de\s+l'|de\s+l’|du|des|de|d'|d’|la|le|les)\s*)?"
_ADDRESS_FR = re.compile(
    r"\b\d{1,4}(?:\s?(?:bis|ter|b))?,?\s+"
    rf"(?:(?i:rue|avenue|av\.|bd|boulevard|bld|allée|allee|impasse|quai|faubourg|chaussée|chaussee)\s+{_FR_PARTICLE}"
    r"[A-Za-zÀ-ÿ][\wÀ-ÿ'’-]*"
    rf"|(?i:place|cours|route|chemin|square|passage|rond-point|voie|sentier|parvis|esplanade)\s+"
    rf"{_FR_PARTICLE}[A-ZÀ-Ý][\wÀ-ÿ'’-]*)"
)


_DIGIT = re.compile(r"\d")


def _digit_count(text: str) -> int:
    return len(_DIGIT.findall(text))


# A run of digits with what may separate them inside a phone number ("+33 (0)6 12-34.56/78").
_PHONE_RUN = re.compile(r"[\d\s().\-/+\u2010-\u2015\u2212]+")


def _may_hold_phone(text: str) -> bool:
    """Whether one run of digits and separators holds enough digits for a phone number: texts with
    digits here and there ("3 games, 2 losses, 2014") are not handed to the matcher, six times over."""
    return any(_digit_count(run) >= _MIN_PHONE_DIGITS for run in _PHONE_RUN.findall(text))


def find_phones(text: str) -> list[Reason]:
    if _digit_count(text) < _MIN_PHONE_DIGITS or not _may_hold_phone(text):
        return []
    found: dict[tuple[int, int], str] = {}
    for region in PHONE_REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            span = (match.start, match.end)
            if not any(start <= span[0] and span[1] <= end for start, end in found):
                found[span] = match.raw_string
    return [Reason("phone", raw) for _, raw in sorted(found.items())]


def find_spelled_emails(text: str) -> list[Reason]:
    lowered = text.lower()
    if not any(hint in lowered for hint in _SPELLED_HINTS):
        return []
    return [Reason("email", m.group()) for m in _SPELLED_EMAIL.finditer(text)]


def find_emails(text: str) -> list[Reason]:
    if "@" not in text:
        return find_spelled_emails(text)
    reasons = find_spelled_emails(text)
    for match in _EMAIL.finditer(text):
        candidate = match.group().rstrip(".")
        try:
            validate_email(candidate, check_deliverability=False)
        except EmailNotValidError:
            continue
        reasons.append(Reason("email", candidate))
    return reasons


def find_handles(text: str) -> list[Reason]:
    reasons = [Reason("handle", m.group()) for m in _HANDLE.finditer(text)] if "@" in text else []
    if _PLATFORM_HINT.search(folded(text)) is None:
        return reasons
    reasons.extend(Reason("handle", m.group()) for m in _PLATFORM_HANDLE.finditer(text))
    reasons.extend(
        Reason("handle", m.group())
        for m in _PLATFORM_HANDLE_SAID.finditer(text)
        if _HANDLE_LIKE.match(m.group(1)) and not m.group(1).endswith(".") and text[m.start(1) - 1] != "@"
    )
    return reasons


def find_urls(text: str) -> list[Reason]:
    if "." not in text or (_URL_HINT.search(text) is None and "www." not in text.lower()):
        return []
    emails = [m.span() for m in _EMAIL.finditer(text)] if "@" in text else []
    reasons = []
    for match in _URL.finditer(text):
        if any(start <= match.start() < end for start, end in emails):
            continue
        reasons.append(Reason("url", match.group().rstrip(".,;:!?)")))
    return reasons


def is_valid_iban(candidate: str) -> bool:
    iban = re.sub(r"[ \-]", "", candidate).upper()
    expected = _IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    if not 15 <= len(iban) <= 34 or not iban.isalnum():
        return False
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(char, 36)) for char in rearranged)
    return int(number) % 97 == 1


def find_ibans(text: str) -> list[Reason]:
    if _digit_count(text) < 10:
        return []
    reasons = []
    for match in _IBAN.finditer(text):
        candidate = match.group()
        # The pattern is greedy over separators: retry shorter prefixes ending on a character.
        while candidate and not is_valid_iban(candidate):
            candidate = candidate[:-1].rstrip(" -")
            if len(candidate.replace(" ", "").replace("-", "")) < 15:
                candidate = ""
        if candidate:
            reasons.append(Reason("iban", candidate))
    return reasons


def find_addresses(text: str) -> list[Reason]:
    if _DIGIT.search(text) is None:
        return []
    reasons = [Reason("address", m.group().strip()) for m in _ADDRESS_EN.finditer(text)]
    reasons.extend(Reason("address", m.group().strip()) for m in _ADDRESS_FR.finditer(text))
    return reasons


def find_personal_data(text: str) -> list[Reason]:
    """Every piece of personal data found in ``text``, e-mail addresses before the rest."""
    emails = find_emails(text)
    handles = [h for h in find_handles(text) if not any(h.match[1:] in e.match for e in emails)]
    return [
        *find_phones(text),
        *emails,
        *handles,
        *find_urls(text),
        *find_ibans(text),
        *find_addresses(text),
    ]
