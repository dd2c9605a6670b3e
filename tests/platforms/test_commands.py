"""The commands are declared once (bot/commands.py): the router, its help and the adapters' menus follow."""

from __future__ import annotations

import pytest

from bot.actor import Actor
from bot.anonymity import Anonymizer, Sealer
from bot.commands import COMMANDS, SECRET, Feature, Place, commands_for
from bot.i18n import Catalogs
from bot.messages import Response, Say
from bot.service import Murmure
from tests.fakes import FakeDatabase, FakeDirectory, KeywordFilter
from tests.support import FixedClock

TYPED = "typed"  # a platform where replies are typed in the DM (Telegram's way)
FORMS = "forms"  # a platform with forms (Discord's way)


def _service() -> Murmure:
    return Murmure(
        FakeDatabase(),
        {TYPED: FakeDirectory(members={}, admins={}), FORMS: FakeDirectory(members={}, admins={})},
        Anonymizer(b"p" * 32),
        Sealer(b"k" * 32),
        FixedClock(),
        KeywordFilter(),
        features={
            TYPED: frozenset({Feature.START_LINKS, Feature.TYPED_REPLIES}),
            FORMS: frozenset({Feature.FORMS}),
        },
    )


def _text(responses: list[Response]) -> str:
    return "\n".join(r.message.text.plain_text for r in responses if isinstance(r, Say))


async def _run(service: Murmure, platform: str, name: str, locale: str = "en") -> str:
    return _text(await service.command(Actor(platform, "u1", "dm-u1", locale), name))


async def test_help_lists_the_private_commands_the_members_platform_offers() -> None:
    service = _service()
    typed = await _run(service, TYPED, "help")
    assert "/cancel — Stop writing a reply" in typed and "/start" in typed
    assert "/secret" not in typed
    forms = await _run(service, FORMS, "help")
    assert "/secret — Write a secret" in forms
    assert "/cancel" not in forms and "/start" not in forms
    assert "/settings" not in forms + typed  # an admin's command, used in the community's chat
    french = await _run(service, TYPED, "help", "fr")
    assert "/language — Changer de langue" in french and "Personne, pas même les modérateurs" in french


@pytest.mark.parametrize("command", [c.name for c in commands_for(Place.PRIVATE) if c is not SECRET])
async def test_the_router_answers_every_private_command_it_is_declared_for(command: str) -> None:
    answer = await _run(_service(), TYPED, command)
    assert answer and "I don't know the command" not in answer


async def test_a_command_the_platform_does_not_offer_is_unknown_there() -> None:
    service = _service()
    assert "I don't know the command /cancel" in await _run(service, FORMS, "cancel")
    assert "I don't know the command /shout" in await _run(service, TYPED, "shout")


def test_every_command_and_argument_is_described_in_both_languages() -> None:
    catalogs = Catalogs.load()
    keys = [c.description_key for c in COMMANDS] + [a.description_key for c in COMMANDS for a in c.arguments]
    for locale in ("en", "fr"):
        missing = [key for key in keys if key not in catalogs.keys(locale)]
        assert missing == [], locale


async def test_help_names_the_commands_as_the_platform_shows_them_in_the_members_language() -> None:
    service = _service()
    french_discord = await _run(service, "discord", "help", "fr")
    assert "/derniers — " in french_discord and "/mes-secrets — " in french_discord
    assert "/latest" not in french_discord and "/mine" not in french_discord
    assert "/latest — " in await _run(service, "discord", "help")
    assert "/latest — " in await _run(service, TYPED, "help", "fr")  # a platform that keeps its names


async def test_a_command_typed_by_the_name_its_platform_shows_is_understood() -> None:
    service = _service()
    assert "I don't know the command" not in await _run(service, "discord", "derniers", "fr")
    assert "Je ne connais pas la commande /derniers" in await _run(service, TYPED, "derniers", "fr")
