"""The member's DM digest carries its own off switch, and says so before it stops (issue 15), fixed clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.actions import (
    ChooseCommunity,
    CycleTopic,
    DailyDigest,
    KeepDigest,
    Post,
    React,
    StopDigest,
    ToggleSubscription,
)
from bot.messages import OutgoingMessage
from bot.model import CommunitySettings, Reaction
from tests.core.harness import PLATFORM, Harness, post_action, text_of

PLAZA = CommunitySettings(publication_delay_seconds=0, public=True)


async def _loved_secret(h: Harness, author: str, text: str) -> None:
    preview = await h.service.text(h.actor(author), text)
    draft = post_action(preview).draft
    plaza = next(c for c in h.db.state.communities.values() if c.chat_ref == "plaza")
    await h.press(author, ChooseCommunity(draft, plaza.id))
    await h.press(author, CycleTopic(draft))  # love
    await h.press(author, Post(draft))
    for fan in ("u3", "u4"):
        await h.press(fan, React(h.token(max(h.db.state.secrets)), Reaction.HEART))


async def _digest_at(h: Harness, when: datetime) -> OutgoingMessage | None:
    before = len(h.messenger.to("dm-u9"))
    h.clock.current = when
    await h.service.run_due_digests()
    await h.settle()
    sent = h.messenger.to("dm-u9")[before:]
    return sent[-1].message if sent else None


def _labels(message: OutgoingMessage) -> list[str]:
    return [button.label for row in message.buttons for button in row]


async def test_the_last_digest_offers_to_keep_sending_and_the_digest_can_switch_itself_off() -> None:
    h = await Harness().setup()
    h.directory.members["plaza"] = {f"u{i}" for i in range(1, 10)}
    await h.service.register_community(PLATFORM, "plaza", "Plaza", PLAZA)
    h.clock.current = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    await h.press("u9", ToggleSubscription("love"))
    await h.press("u9", DailyDigest(True))  # good for a week after u9's last activity: until Dec 1st 00:00

    await _loved_secret(h, "u1", "A love story for the first evening.")
    first = await _digest_at(h, datetime(2026, 11, 24, 19, 0, tzinfo=UTC))
    assert first is not None and "A love story for the first evening." in first.text.plain_text
    assert _labels(first) == ["🔕 Stop this digest"]  # the off switch, and no talk of stopping yet

    # the evening before the address expires: the digest says it is the last one and offers to renew
    h.clock.current = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    await _loved_secret(h, "u2", "A love story on the last evening.")
    last = await _digest_at(h, datetime(2026, 11, 30, 19, 0, tzinfo=UTC))
    assert last is not None and "This is the last digest" in last.text.plain_text
    assert _labels(last) == ["🔔 Keep sending", "🔕 Stop this digest"]
    renewed = await h.press("u9", KeepDigest())
    assert "keeps coming for another week" in text_of(renewed)
    h.clock.current = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    await _loved_secret(h, "u1", "A love story after the renewal.")
    kept = await _digest_at(h, datetime(2026, 12, 1, 19, 0, tzinfo=UTC))
    assert kept is not None and "A love story after the renewal." in kept.text.plain_text
    assert "last digest" not in kept.text.plain_text

    # the off switch in the digest: nothing more, in French too
    stopped = await h.press("u9", StopDigest(), locale="fr")
    assert "plus de résumé quotidien" in text_of(stopped)
    assert h.db.state.digest_readers == {}
    h.clock.current = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    await _loved_secret(h, "u2", "A love story nobody gets in DM.")
    assert await _digest_at(h, datetime(2026, 12, 2, 19, 0, tzinfo=UTC)) is None


async def _digest(h: Harness, argument: str, locale: str = "en") -> str:
    return text_of(await h.service.command(h.actor("u9", locale), "digest", argument))


async def test_the_digest_comes_at_the_members_own_time_and_zone() -> None:
    """``/digest 08:30 Europe/Paris``: the digest comes at 07:30 UTC in winter (06:30 in summer), not at
    19:00 UTC; the time and zone survive the daily refresh and the "Keep sending" renewal (issue 15, point 4)."""
    h = await Harness().setup()
    h.directory.members["plaza"] = {f"u{i}" for i in range(1, 10)}
    await h.service.register_community(PLATFORM, "plaza", "Plaza", PLAZA)
    h.clock.current = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    assert "Your daily digest is off" in await _digest(h, "")
    await h.press("u9", ToggleSubscription("love"))
    answer = await _digest(h, "08:30 Europe/Paris")  # turns it on, at that time
    assert "comes at 08:30, Europe/Paris time; the next one tomorrow" in answer
    assert "comes at 08:30, Europe/Paris time" in await _digest(h, "")
    topics = text_of(await h.service.command(h.actor("u9"), "topics"))
    assert "Your digest comes at 08:30, Europe/Paris time" in topics

    # the digest whose time had passed when the member chose is not sent at once (10:00 UTC is 11:00 Paris)
    await _loved_secret(h, "u1", "A love story for the morning.")
    assert await _digest_at(h, datetime(2026, 11, 24, 10, 1, tzinfo=UTC)) is None
    assert await _digest_at(h, datetime(2026, 11, 24, 19, 0, tzinfo=UTC)) is None  # not at 19:00 UTC
    assert await _digest_at(h, datetime(2026, 11, 25, 7, 29, tzinfo=UTC)) is None
    morning = await _digest_at(h, datetime(2026, 11, 25, 7, 30, tzinfo=UTC))  # 08:30 in Paris (UTC+1)
    assert morning is not None and "A love story for the morning." in morning.text.plain_text
    assert await _digest_at(h, datetime(2026, 11, 25, 7, 45, tzinfo=UTC)) is None  # once a day

    # the last morning before the address expires (a week after the member's last activity, at midnight
    # UTC), then the renewal, which keeps the chosen time
    h.clock.current = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
    await _loved_secret(h, "u2", "A love story for the last morning.")
    last = await _digest_at(h, datetime(2026, 11, 30, 7, 30, tzinfo=UTC))
    assert last is not None and "This is the last digest" in last.text.plain_text
    await h.press("u9", KeepDigest())
    (reader,) = h.db.state.digest_readers.values()
    assert (reader.at, reader.zone) == ("08:30", "Europe/Paris")

    # summer time: 08:30 in Paris is 06:30 UTC
    h.db.state.digest_readers = {
        key: replace(a, expires_at=datetime(2027, 7, 1, tzinfo=UTC))
        for key, a in h.db.state.digest_readers.items()
    }
    h.clock.current = datetime(2027, 6, 14, 12, 0, tzinfo=UTC)
    await _loved_secret(h, "u1", "A love story in June.")
    summer = await _digest_at(h, datetime(2027, 6, 15, 6, 30, tzinfo=UTC))
    assert summer is not None and "A love story in June." in summer.text.plain_text


async def test_digest_command_input_is_checked_and_answered_in_the_members_language() -> None:
    h = await Harness().setup()
    h.clock.current = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
    assert "“25:00” is not a time of day" in await _digest(h, "25:00 Europe/Paris")
    assert "« 7h61 » n'est pas une heure" in await _digest(h, "7h61", "fr")
    assert "I don't know the time zone “Mars/Olympus”" in await _digest(h, "08:30 Mars/Olympus")
    assert "Je ne connais pas le fuseau horaire « Atlantide »" in await _digest(h, "08:30 Atlantide", "fr")
    assert "Pour changer : /digest HH:MM Région/Ville" in await _digest(h, "08:30 Europe/Paris de plus", "fr")
    assert h.db.state.digest_readers == {}  # nothing was turned on by bad input

    # a city alone, any case, "8h30" as French write it; a time alone keeps the zone, a zone alone the time
    answer = await _digest(h, "8h30 paris", "fr")
    assert "ton résumé quotidien arrive à 08:30, heure de Europe/Paris ; le prochain aujourd'hui" in answer
    assert "Tu ne suis encore aucun thème" in answer
    assert "comes at 21:00, Europe/Paris time" in await _digest(h, "21:00")
    assert "comes at 21:00, America/New_York time" in await _digest(h, "America/New_York")
    assert "no more daily digest" in await _digest(h, "off")
    assert h.db.state.digest_readers == {}
