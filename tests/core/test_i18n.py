from __future__ import annotations

import re
from pathlib import Path

from bot.i18n import Catalogs, resolve_locale, t_in, t_on
from bot.i18n.catalog import PLACEHOLDER
from bot.moderation.verdict import CATEGORIES

ROOT = Path(__file__).resolve().parents[2]


def test_both_catalogs_have_the_same_keys_and_placeholders() -> None:
    catalogs = Catalogs.load()
    english, french = catalogs.keys("en"), catalogs.keys("fr")
    assert english == french
    for key in english:
        en_text, fr_text = catalogs.raw("en", key), catalogs.raw("fr", key)
        assert en_text and fr_text
        assert set(PLACEHOLDER.findall(en_text)) == set(PLACEHOLDER.findall(fr_text)), key


def test_every_key_the_code_uses_is_in_the_catalogs() -> None:
    keys = Catalogs.load().keys("en")
    used: set[str] = set()
    call = re.compile(
        r"""(?:\bt|t_in\([^,]+,|_say|_alert|_message)\(\s*"([a-z_]+\.[a-z_.]+|help|pseudonym)\""""
    )
    for path in (ROOT / "bot").rglob("*.py"):
        used |= set(call.findall(path.read_text(encoding="utf-8")))
    assert used, "the pattern found no key at all"
    assert used - keys == set()
    for category in CATEGORIES:
        assert f"reason.{category}" in keys


def test_locale_comes_from_preference_then_platform_hint() -> None:
    assert resolve_locale(None, "fr-CA") == "fr"
    assert resolve_locale("en", "fr") == "en"
    assert resolve_locale(None, "de") == "en"
    assert resolve_locale(None, None) == "en"


def test_placeholders_are_filled_and_named_params_do_not_clash() -> None:
    assert (
        t_in("fr", "language.unknown", locale="de") == "Je ne parle pas encore « de ». Disponibles : en, fr."
    )


def test_every_platform_variant_has_its_base_key_and_the_same_placeholders() -> None:
    """``key@discord`` says the same in Discord's words: a base key that gains a placeholder must not leave
    its variant behind."""
    catalogs = Catalogs.load()
    for locale in ("en", "fr"):
        variants = [key for key in catalogs.keys(locale) if "@" in key]
        assert variants
        for variant in variants:
            base = variant.split("@", 1)[0]
            base_text, variant_text = catalogs.raw(locale, base), catalogs.raw(locale, variant)
            assert base_text and variant_text, variant
            assert set(PLACEHOLDER.findall(base_text)) == set(PLACEHOLDER.findall(variant_text)), variant


def test_a_variant_is_chosen_by_the_platform_of_the_event() -> None:
    assert "group" in t_in("en", "preview.choose") and "channel" in t_on("discord", "en", "preview.choose")
    assert t_on("telegram", "fr", "preview.choose") == t_in("fr", "preview.choose")
    assert "salons" in t_on("discord", "fr", "forget.confirm_erase", secrets=1, replies=2)
