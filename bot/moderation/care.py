"""Care for a member writing about their own distress: a kind answer with a helpline, not a "rethink".

The helpline is chosen by the community's country when known, else by the member's language; an
operator or community may replace any of them (``overrides``: a country code or a language → text).
"""

from __future__ import annotations

from collections.abc import Mapping

HELPLINES_BY_COUNTRY = {
    "FR": "3114 — numéro national de prévention du suicide, gratuit, 24 h/24",
    "BE": "Centre de Prévention du Suicide 0800 32 123 (gratuit, 24 h/24)",
    "CH": "La Main Tendue 143 (24 h/24)",
    "CA": "988 — Ligne d'aide en cas de crise de suicide / Suicide Crisis Helpline (24/7)",
    "GB": "Samaritans 116 123 (free, 24/7)",
    "IE": "Samaritans 116 123 (free, 24/7)",
    "US": "988 Suicide & Crisis Lifeline — call or text 988 (24/7)",
}
HELPLINES_BY_LANGUAGE = {
    "fr": "3114 en France, 0800 32 123 en Belgique, 143 en Suisse, 988 au Canada",
    "en": "Samaritans 116 123 in the UK and Ireland, 988 in the US and Canada",
}
_ANSWERS = {
    "en": (
        "It sounds like you're going through something really hard. You don't have to carry it alone: "
        "you can talk to someone right now, for free — {helpline}. If you're in immediate danger, call "
        "your local emergency number."
    ),
    "fr": (
        "On dirait que tu traverses quelque chose de très dur. Tu n'as pas à le porter seul·e : tu peux "
        "parler à quelqu'un tout de suite, gratuitement — {helpline}. En cas de danger immédiat, appelle "
        "le 112."
    ),
}
DEFAULT_LANGUAGE = "en"


def helpline(lang: str | None, country: str | None = None, overrides: Mapping[str, str] | None = None) -> str:
    """The helpline text for a community's country (``"FR"``) or, failing that, a language (``"fr"``)."""
    overrides = overrides or {}
    language = lang if lang in HELPLINES_BY_LANGUAGE else DEFAULT_LANGUAGE
    if country:
        code = country.upper()
        found = overrides.get(code) or HELPLINES_BY_COUNTRY.get(code)
        if found:
            return found
    return overrides.get(language) or HELPLINES_BY_LANGUAGE[language]


def care_answer(
    lang: str | None, country: str | None = None, overrides: Mapping[str, str] | None = None
) -> str:
    """The kind answer to a member writing about their own distress, in their language."""
    language = lang if lang in _ANSWERS else DEFAULT_LANGUAGE
    return _ANSWERS[language].format(helpline=helpline(language, country, overrides))
