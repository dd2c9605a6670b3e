"""The bot's commands, declared once: the router's help, Telegram's menus, Discord's command tree and the
console's help are all made from this list.

A command is described in the catalogs as ``command.<name>`` (and its arguments as
``command.<name>.<argument>``). Some commands exist only where the platform works a certain way (a
``Feature``): each adapter says which features it has, and gets the commands that need them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from bot.i18n import SUPPORTED_LOCALES, Catalogs, current_locale, current_platform, t


class Place(StrEnum):
    """Where a command is used."""

    PRIVATE = "private"  # the member's private chat with the bot (Discord: anywhere, answered privately)
    GROUP = "group"  # a community's chat, by any member
    ADMIN = "admin"  # a community's (or its moderators') chat, by its admins


class Feature(StrEnum):
    """A way a platform works that some commands depend on."""

    START_LINKS = "start_links"  # a button opens the private chat with ``/start PAYLOAD``
    TYPED_REPLIES = "typed_replies"  # a reply is typed as the next private message (it can be cancelled)
    FORMS = "forms"  # the platform has forms: a secret can be written in one
    SETUP_COMMAND = "setup_command"  # an admin registers a community by a command naming its moderators' chat
    LINK_COMMAND = "link_command"  # the moderators' chat is linked by a command written in it
    FORUM_TOPICS = "forum_topics"  # a group may be a forum of topics: admins choose the one cards go to


class ArgumentKind(StrEnum):
    TEXT = "text"
    CHANNEL = "channel"  # a chat of the same server or group


@dataclass(frozen=True)
class Argument:
    name: str
    kind: ArgumentKind
    required: bool
    command: str

    @property
    def description_key(self) -> str:
        return f"command.{self.command}.{self.name}"


@dataclass(frozen=True)
class Command:
    name: str
    place: Place
    needs: Feature | None = None
    arguments: tuple[Argument, ...] = ()

    @property
    def description_key(self) -> str:
        return f"command.{self.name}"

    def offered_with(self, features: Iterable[Feature]) -> bool:
        return self.needs is None or self.needs in set(features)


def _argument(command: str, name: str, kind: ArgumentKind, *, required: bool) -> tuple[Argument, ...]:
    return (Argument(name, kind, required, command),)


START = Command("start", Place.PRIVATE, Feature.START_LINKS)
SECRET = Command("secret", Place.PRIVATE, Feature.FORMS)
LATEST = Command("latest", Place.PRIVATE)
TOP = Command("top", Place.PRIVATE)
TOPICS = Command("topics", Place.PRIVATE)
DIGEST = Command(
    "digest",
    Place.PRIVATE,
    arguments=(
        *_argument("digest", "time", ArgumentKind.TEXT, required=False),
        *_argument("digest", "zone", ArgumentKind.TEXT, required=False),
    ),
)
MINE = Command("mine", Place.PRIVATE)
LANGUAGE = Command("language", Place.PRIVATE)
PRIVACY = Command("privacy", Place.PRIVATE)
EXPORT = Command("export", Place.PRIVATE)
FORGET = Command("forget", Place.PRIVATE)
CANCEL = Command("cancel", Place.PRIVATE, Feature.TYPED_REPLIES)
HELP = Command("help", Place.PRIVATE)
SETUP = Command(
    "setup",
    Place.ADMIN,
    Feature.SETUP_COMMAND,
    _argument("setup", "moderators", ArgumentKind.CHANNEL, required=True),
)
LINK_MODERATORS = Command(
    "linkmods",
    Place.ADMIN,
    Feature.LINK_COMMAND,
    _argument("linkmods", "community", ArgumentKind.TEXT, required=True),
)
TOPIC = Command("topic", Place.ADMIN, Feature.FORUM_TOPICS)
SETTINGS = Command("settings", Place.ADMIN)
AUDIT = Command("audit", Place.ADMIN, arguments=_argument("audit", "page", ArgumentKind.TEXT, required=False))
REMOVE = Command(
    "remove", Place.ADMIN, arguments=_argument("remove", "number", ArgumentKind.TEXT, required=True)
)
BAN = Command(
    "ban",
    Place.ADMIN,
    arguments=(
        *_argument("ban", "number", ArgumentKind.TEXT, required=True),
        *_argument("ban", "duration", ArgumentKind.TEXT, required=False),
    ),
)
UNBAN = Command("unban", Place.ADMIN, arguments=_argument("unban", "ban", ArgumentKind.TEXT, required=True))
BANS = Command("bans", Place.ADMIN)
WORDS = Command(
    "words",
    Place.ADMIN,
    arguments=(
        *_argument("words", "action", ArgumentKind.TEXT, required=True),
        *_argument("words", "term", ArgumentKind.TEXT, required=False),
    ),
)
STATS = Command("stats", Place.ADMIN)
SANCTIONS = (
    REMOVE,
    BAN,
    UNBAN,
    BANS,
    WORDS,
    STATS,
)  # direct moderation by the admins, in a community's or its moderators' chat, answered privately

COMMANDS = (
    *(START, SECRET, LATEST, TOP, TOPICS, DIGEST, MINE, LANGUAGE, PRIVACY, EXPORT, FORGET, CANCEL, HELP),
    *(SETUP, LINK_MODERATORS, TOPIC, SETTINGS, AUDIT, *SANCTIONS),
)
ALL_FEATURES = frozenset(Feature)


def commands_for(place: Place, features: Iterable[Feature] = ALL_FEATURES) -> tuple[Command, ...]:
    """The commands used in ``place`` on a platform with ``features``, in the order of the menus."""
    offered = frozenset(features)
    return tuple(c for c in COMMANDS if c.place is place and c.offered_with(offered))


def command_named(
    name: str, features: Iterable[Feature] = ALL_FEATURES, platform: str | None = None
) -> Command | None:
    """The command typed as ``name``: its own name, or on ``platform`` its name in any of the languages the
    platform shows it in (a French member on Discord types /derniers as the menu shows it)."""
    offered = frozenset(features)
    wanted = name.lower()
    return next((c for c in COMMANDS if wanted in _names(c, platform) and c.offered_with(offered)), None)


@cache
def _names(command: Command, platform: str | None) -> frozenset[str]:
    catalogs = Catalogs.load()
    translated = (catalogs.raw(locale, f"{platform}.name.{command.name}") for locale in SUPPORTED_LOCALES)
    return frozenset({command.name, *(name for name in translated if name and platform)})


def shown_name(command: Command) -> str:
    """A command's name as the member's platform shows it in their language: a platform that translates
    command names (Discord: ``discord.name.<command>`` in the catalogs) shows its translation, the others the
    command's own name."""
    platform = current_platform.get()
    if platform is None:
        return command.name
    return Catalogs.load().raw(current_locale.get(), f"{platform}.name.{command.name}") or command.name


def help_text(features: Iterable[Feature] = ALL_FEATURES) -> str:
    """What a member can do, in the current locale: the private commands of their platform, by the names it
    shows them."""
    lines = [t("help")]
    lines += [
        f"• /{shown_name(command)} — {t(command.description_key)}"
        for command in commands_for(Place.PRIVATE, features)
        if command is not HELP
    ]
    lines.append(t("help.anonymous"))
    return "\n".join(lines)
