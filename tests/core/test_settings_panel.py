"""The admins' settings panel: every setting of ``bot.community_settings`` changed from the panel, and its
effect seen at once; a setting given back to the defaults follows the configuration again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.actions import (
    ChooseSetting,
    CycleTopic,
    OpenSetting,
    React,
    ReplyLink,
    Report,
    ResetSetting,
    SettingsHome,
)
from bot.community_settings import DIGEST_TIMES, SETTINGS, TIMEZONES
from bot.i18n import Catalogs
from bot.model import CommunitySettings, Reaction, ReportReason, SecretStatus
from tests.core.harness import GROUP, MODS, Harness, post_action, text_of
from tests.pictures.photos import jpeg_with_gps

Probe = Callable[[Harness], Awaitable[None]]


def _community(h: Harness) -> int:
    return next(iter(h.db.state.communities))


async def _liked(h: Harness, text: str) -> int:
    await h.post("u1", text)
    secret_id = max(h.db.state.secrets)
    await h.press("u2", React(h.token(secret_id), Reaction.HEART))
    return secret_id


async def _review(h: Harness) -> None:
    await h.post("u1", "Every secret waits for a moderator now.")
    assert h.card_refs() == [] and len(h.messenger.to(MODS)) == 1


async def _threshold(h: Harness) -> None:
    await h.post("u1", "One report is enough to hide this.")
    secret_id = max(h.db.state.secrets)
    await h.press("u2", Report(h.token(secret_id), ReportReason.SPAM))
    assert h.db.state.secrets[secret_id].status is SecretStatus.HIDDEN


async def _french(h: Harness) -> None:
    await h.post("u1", "The card speaks French now.")
    labels = [b.label for row in h.cards()[-1].message.buttons for b in row]
    assert any("Répondre" in label for label in labels), labels


async def _public(h: Harness) -> None:
    async with h.db.unit_of_work() as uow:
        assert [p.community_id for p in await uow.communities.public_since()] == [_community(h)]


async def _digest_at_eight(h: Harness) -> None:
    await _liked(h, "Worth a morning digest.")  # 09:00 UTC: 08:00 has passed, 20:00 (the default) not
    assert await h.service.run_due_digests() == 1


async def _sydney(h: Harness) -> None:
    await _liked(h, "Worth an evening digest in Sydney.")
    h.clock.advance(minutes=1)  # 20:00 in Sydney (UTC+11 in November) is 09:00 UTC
    assert await h.service.run_due_digests() == 1


async def _one_hour(h: Harness) -> None:
    await h.post("u1", "This waits between half an hour and an hour.")
    assert h.card_refs() == []
    h.clock.advance(hours=1)
    await h.settle()
    assert len(h.card_refs()) == 1


async def _no_love(h: Harness) -> None:
    preview = await h.service.text(h.actor("u1"), "A topic other than love first.")
    draft_id = post_action(preview).draft
    await h.press("u1", CycleTopic(draft_id))
    assert h.db.state.drafts[draft_id].collection == "work"


async def _eight_members(h: Harness) -> None:
    preview = await h.service.text(h.actor("u1"), "Six readers are not enough now.")
    assert "at least 8 members" in text_of(await h.press("u1", post_action(preview)))


async def _held_newcomer(h: Harness) -> None:
    preview = await h.service.text(h.actor("u1"), "My first secret here waits.")
    assert "Sent to the moderators" in text_of(await h.press("u1", post_action(preview)))


async def _one_a_day(h: Harness) -> None:
    await h.post("u1", "My one secret of the day.")
    preview = await h.service.text(h.actor("u1"), "And a second one, refused.")
    assert "You've posted 1 secrets" in text_of(await h.press("u1", post_action(preview)))


async def _five_replies(h: Harness) -> None:
    await h.post("u1", "Reply to me as much as you may.")
    token = h.token(max(h.db.state.secrets))
    answers = []
    for n in range(6):
        await h.service.start(h.actor("u2"), ReplyLink(token).encode())
        preview = await h.service.text(h.actor("u2"), f"Reply number {n + 1}, heard.")
        answers.append(text_of(await h.press("u2", post_action(preview))))
    assert "You've posted 5 replies this hour" in answers[-1] and "posted 5 replies" not in answers[-2]


async def _pictures_off(h: Harness) -> None:
    photo = jpeg_with_gps((64, 48))
    preview = await h.service.picture(h.actor("u1"), photo, "A photo, refused here now.", len(photo))
    assert "Photos are off in Group" in text_of(await h.press("u1", post_action(preview)))


# every declared setting: a value to choose on its page, and what shows it took effect at once
EFFECTS: dict[str, tuple[int, Probe]] = {
    "mode": (1, _review),
    "report_threshold": (1, _threshold),
    "locale": (1, _french),
    "public": (1, _public),
    "digest_time": (DIGEST_TIMES.index("08:00"), _digest_at_eight),
    "timezone": (TIMEZONES.index("Australia/Sydney"), _sydney),
    "delay": (3600, _one_hour),
    "collections": (0, _no_love),  # "love", the first topic, taken away
    "min_members": (8, _eight_members),
    "hold_new_authors": (1, _held_newcomer),
    "max_secrets": (1, _one_a_day),
    "max_replies": (5, _five_replies),
    "pictures": (0, _pictures_off),  # PicturePolicy.OFF
}


def test_every_setting_of_the_panel_has_an_effect_test_and_names_in_both_languages() -> None:
    assert {setting.key for setting in SETTINGS} == set(EFFECTS)
    for locale in ("en", "fr"):
        keys = Catalogs.load().keys(locale)
        for setting in SETTINGS:
            assert {f"settings.name.{setting.key}", f"settings.about.{setting.key}"} <= keys


@pytest.mark.parametrize("key", list(EFFECTS))
async def test_each_setting_changed_from_the_panel_takes_effect_at_once(key: str) -> None:
    h = await Harness().setup()
    community_id = _community(h)
    home = await h.service.settings(h.actor("u6"), GROUP)
    opened = await h.press("u6", OpenSetting(community_id, key))
    assert text_of(home).count(" · default") >= len(SETTINGS) - 2  # public (pinned) and the harness's delay
    assert "Now:" in text_of(opened)
    choice, probe = EFFECTS[key]
    assert "Only the admins" in text_of(await h.press("u1", ChooseSetting(community_id, key, choice)))
    changed = await h.press("u6", ChooseSetting(community_id, key, choice))
    assert "(chosen here)" in text_of(changed) and "Saved." in text_of(changed)
    await probe(h)


async def test_a_setting_given_back_to_the_defaults_follows_the_configuration_again() -> None:
    h = await Harness().setup()
    community_id = _community(h)
    await h.press("u6", ChooseSetting(community_id, "report_threshold", 5))
    assert "expired" in text_of(await h.press("u6", ChooseSetting(community_id, "report_threshold", 7)))
    h.db.defaults = CommunitySettings(report_threshold=2)  # config.toml changed, the bot restarted
    page = text_of(await h.press("u6", OpenSetting(community_id, "report_threshold")))
    assert "Now: 5 (chosen here)" in page
    reset = text_of(await h.press("u6", ResetSetting(community_id, "report_threshold")))
    assert "Now: 2 (default)" in reset and "Use the default" not in reset
    home = text_of(await h.press("u6", SettingsHome(community_id)))
    assert "Report threshold: 2 · default" in home
    h.db.defaults = CommunitySettings(report_threshold=4)  # and changed again: it follows
    assert "Report threshold: 4 · default" in text_of(await h.service.settings(h.actor("u6"), GROUP))
    # public sharing is the admins' consent: kept from registration, never given back to the defaults
    assert "expired" in text_of(await h.press("u6", ResetSetting(community_id, "public")))
    log = text_of(await h.service.audit(h.actor("u6"), GROUP))
    assert log.count("setting changed: report threshold") == 2


async def test_the_panel_speaks_french() -> None:
    h = await Harness().setup()
    home = text_of(await h.service.settings(h.actor("u6", "fr"), GROUP))
    assert "Réglages de Group" in home
    assert "Seuil de signalements : 3 · par défaut" in home and "settings." not in home
    community_id = _community(h)
    page = text_of(await h.press("u6", OpenSetting(community_id, "delay"), "fr"))
    assert "Délai de publication" in page and "Actuellement : aucun : tout de suite (choisi ici)" in page
