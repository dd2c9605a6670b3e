"""Configuration: a TOML file for settings, the environment or files (mode 0600) for secrets."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from adapters.section import ConfigError, Section
from bot.delays import DEFAULT_DELAY_SECONDS
from bot.digests import parse_hhmm
from bot.model import COLLECTIONS, CommunitySettings, ModerationMode, PicturePolicy

__all__ = ["Config", "ConfigError", "ConsoleConfig", "ConsoleGroup", "load_config", "number"]

DEFAULT_MEMBERS = ("alice", "bob", "carol", "dave", "erin", "mod")


@dataclass(frozen=True)
class ConsoleGroup:
    title: str
    members: tuple[str, ...]
    public: bool


@dataclass(frozen=True)
class ConsoleConfig:
    group: str = "Demo group"
    moderators_chat: str = "Demo moderators"
    members: tuple[str, ...] = DEFAULT_MEMBERS
    admins: tuple[str, ...] = ("mod",)
    locales: dict[str, str] = field(default_factory=dict)
    groups: tuple[ConsoleGroup, ...] = ()  # more simulated groups, beside the demo group


@dataclass(frozen=True)
class Config:
    path: Path | None
    base_dir: Path
    data_dir: Path
    database_url: str
    pepper_file: Path
    sealing_key_file: Path
    log_level: str
    watch_loop: bool  # a stall of the event loop is logged with where the loop stood (bot/loop_lag.py)
    community: CommunitySettings
    console: ConsoleConfig
    scheduler: dict[str, Any]
    tables: dict[str, dict[str, Any]]  # every table of the file, by name: messengers read their own
    # photos: kept in the database, or as files in ``pictures_folder`` ([pictures])
    pictures_in_folder: bool = False
    pictures_folder: Path = Path("murmure-data/pictures")
    # after a sealing-key rotation: the key that was in use, still opening what it sealed until then
    previous_sealing_key_file: Path | None = None
    previous_sealing_key_until: datetime | None = None
    # connections this process may hold at once ([database] pool_size; None: storage's default)
    database_pool_size: int | None = None

    def section(self, name: str) -> Section:
        return Section(name, self.tables.get(name, {}), self.base_dir)

    @property
    def is_embedded_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_file(self) -> Path | None:
        """The embedded database's file (None for PostgreSQL or an in-memory SQLite)."""
        if not self.is_embedded_sqlite:
            return None
        file = make_url(self.database_url).database
        return Path(file) if file and file != ":memory:" and not file.startswith("file:") else None

    def make_folders(self) -> None:
        """The folders an embedded database goes in (the data folder, the SQLite file's) and the photos'
        folder when photos are kept as files, or a clear error."""
        folders = [(self.data_dir, "murmure.data_dir")] if self.is_embedded_sqlite else []
        if self.sqlite_file is not None:
            folders.append((self.sqlite_file.parent, "database.url"))
        if self.pictures_in_folder:
            folders.append((self.pictures_folder, "pictures.folder"))
        for folder, setting in folders:
            try:
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # the database is for Murmure only
            except OSError as error:
                raise ConfigError(
                    f"cannot create the folder {folder} ({error.strerror or type(error).__name__}); "
                    f"check {setting}"
                ) from None


def _section(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"[{name}] must be a table")
    return value


def _int(section: dict[str, Any], name: str, key: str, default: int, minimum: int, maximum: int) -> int:
    value = section.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= maximum:
        raise ConfigError(
            f"{name}.{key} must be a whole number between {minimum} and {maximum} (got {value!r})"
        )
    return value


def _bool(section: dict[str, Any], name: str, key: str, default: bool) -> bool:
    value = section.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{name}.{key} must be true or false (got {value!r})")
    return value


def _str_list(section: dict[str, Any], name: str, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = section.get(key, list(default))
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ConfigError(f"{name}.{key} must be a list of non-empty strings")
    return tuple(item.strip() for item in value)


def _digest_time(community: dict[str, Any]) -> str:
    value = community.get("digest_time", "20:00")
    if not isinstance(value, str) or (value and parse_hhmm(value) is None):
        raise ConfigError(f'community.digest_time must be "HH:MM" (24 h) or "" for none (got {value!r})')
    return value


def _timezone(community: dict[str, Any]) -> str:
    value = community.get("timezone", "UTC")
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(
            f"community.timezone must be an IANA name such as Europe/Paris (got {value!r})"
        ) from error
    return str(value)


def _collections(community: dict[str, Any]) -> tuple[str, ...]:
    chosen = _str_list(community, "community", "collections", COLLECTIONS)
    unknown = set(chosen) - set(COLLECTIONS)
    if unknown:
        raise ConfigError(
            f"community.collections: unknown {sorted(unknown)}; known: {', '.join(COLLECTIONS)}"
        )
    return chosen


def _log_level(section: dict[str, Any]) -> str:
    level = str(section.get("level", "WARNING")).upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ConfigError(f"logging.level must be DEBUG, INFO, WARNING or ERROR (got {level!r})")
    return level


def number(section: dict[str, Any], name: str, key: str, default: float) -> float:
    """A numeric setting of a messenger section, or a clear error."""
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{name}.{key} must be a number (got {value!r})")
    return float(value)


def _console_groups(console: dict[str, Any], members: tuple[str, ...]) -> tuple[ConsoleGroup, ...]:
    groups = console.get("groups", [])
    if not isinstance(groups, list) or not all(isinstance(g, dict) for g in groups):
        raise ConfigError("console.groups must be an array of tables ([[console.groups]])")
    found = []
    for group in groups:
        title = group.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ConfigError("every [[console.groups]] needs a title")
        group_members = _str_list(group, "console.groups", "members", members)
        if not set(group_members) <= set(members):
            raise ConfigError(f"console group {title!r}: every member must be listed in console.members")
        found.append(
            ConsoleGroup(title.strip(), group_members, _bool(group, "console.groups", "public", False))
        )
    return tuple(found)


def _path(section: dict[str, Any], key: str, base: Path, default: Path) -> Path:
    value = section.get(key)
    return default if value is None else base / str(value)


def _optional_path(section: dict[str, Any], key: str, base: Path) -> Path | None:
    value = section.get(key)
    return None if value is None else base / str(value)


def _until(identity: dict[str, Any]) -> datetime | None:
    """identity.previous_sealing_key_until: a TOML date-time with its offset (or such a string)."""
    value = identity.get("previous_sealing_key_until")
    if value is None:
        if identity.get("previous_sealing_key_file") is not None:
            raise ConfigError(
                "identity.previous_sealing_key_file needs identity.previous_sealing_key_until: the end of "
                "its overlap (`murmure keys rotate` sets both)"
            )
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ConfigError(
            "identity.previous_sealing_key_until must be a date and time with its offset, "
            "e.g. 2026-12-08T09:00:00Z"
        )
    if identity.get("previous_sealing_key_file") is None and not os.environ.get(
        "MURMURE_PREVIOUS_SEALING_KEY"
    ):
        raise ConfigError(
            "identity.previous_sealing_key_until is set but no previous key: set "
            "identity.previous_sealing_key_file (or MURMURE_PREVIOUS_SEALING_KEY), or remove the date"
        )
    return value.astimezone(UTC)


def _database_url(database: dict[str, Any], base: Path, data_dir: Path) -> str:
    """The environment's URL as given; the file's with a relative SQLite path made relative to the file."""
    url = os.environ.get("MURMURE_DATABASE_URL") or str(
        database.get("url", f"sqlite+aiosqlite:///{(data_dir / 'murmure.db').resolve()}")
    )
    if not url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise ConfigError("database.url must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
    if os.environ.get("MURMURE_DATABASE_URL") or not url.startswith("sqlite"):
        return url
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise ConfigError(f"database.url is not a database URL: {error}") from error
    file = parsed.database
    if not file or file == ":memory:" or file.startswith("file:") or Path(file).is_absolute():
        return url
    return parsed.set(database=str((base / file).resolve())).render_as_string(hide_password=False)


def load_config(path: Path | None) -> Config:
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise ConfigError(f"config file not found: {path} (create one with `murmure init`)") from error
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path} is not valid TOML: {error}") from error
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"cannot read the config file {path}: {type(error).__name__}") from error
    # every relative path in the file is relative to the file, wherever murmure is run from
    base = path.parent if path is not None else Path.cwd()
    general = _section(data, "murmure")
    data_dir = base / str(general.get("data_dir", "murmure-data"))
    database = _section(data, "database")
    url = _database_url(database, base, data_dir)
    pool_size = _int(database, "database", "pool_size", 0, 0, 1000) or None
    identity = _section(data, "identity")
    community = _section(data, "community")
    mode = community.get("mode", "open")
    if mode not in {m.value for m in ModerationMode}:
        raise ConfigError(f"community.mode must be open or review (got {mode!r})")
    locale = community.get("locale", "en")
    if locale not in ("en", "fr"):
        raise ConfigError(f"community.locale must be en or fr (got {locale!r})")
    pictures = community.get("pictures", "review")
    if pictures not in {p.value for p in PicturePolicy}:
        raise ConfigError(f"community.pictures must be off, review or open (got {pictures!r})")
    settings = CommunitySettings(
        locale=locale,
        mode=ModerationMode(mode),
        report_threshold=_int(community, "community", "report_threshold", 3, 1, 1000),
        min_members=_int(community, "community", "min_members", 5, 1, 100000),
        publication_delay_seconds=_int(
            community, "community", "publication_delay_seconds", DEFAULT_DELAY_SECONDS, 0, 86400
        ),
        hold_new_authors=_bool(community, "community", "hold_new_authors", False),
        max_secrets_per_day=_int(community, "community", "max_secrets_per_day", 5, 1, 1000),
        max_replies_per_hour=_int(community, "community", "max_replies_per_hour", 20, 1, 1000),
        digest_time=_digest_time(community),
        timezone=_timezone(community),
        public=_bool(community, "community", "public", False),
        collections=_collections(community),
        pictures=PicturePolicy(pictures),
    )
    console = _section(data, "console")
    members = _str_list(console, "console", "members", DEFAULT_MEMBERS)
    admins = _str_list(console, "console", "admins", ("mod",))
    if not set(admins) <= set(members):
        raise ConfigError("console.admins must all be listed in console.members")
    locales = console.get("locales", {})
    if not isinstance(locales, dict) or not all(v in ("en", "fr") for v in locales.values()):
        raise ConfigError('console.locales maps member names to "en" or "fr"')
    logging_section = _section(data, "logging")
    photos = _section(data, "pictures")
    storage = photos.get("storage", "database")
    if storage not in ("database", "folder"):
        raise ConfigError(f'pictures.storage must be "database" or "folder" (got {storage!r})')
    return Config(
        path=path,
        base_dir=base,
        data_dir=data_dir,
        database_url=url,
        database_pool_size=pool_size,
        pepper_file=_path(identity, "pepper_file", base, data_dir / "pepper"),
        sealing_key_file=_path(identity, "sealing_key_file", base, data_dir / "sealing.key"),
        previous_sealing_key_file=_optional_path(identity, "previous_sealing_key_file", base),
        previous_sealing_key_until=_until(identity),
        log_level=_log_level(logging_section),
        watch_loop=_bool(logging_section, "logging", "watch_loop", False),
        community=settings,
        console=ConsoleConfig(
            group=str(console.get("group", "Demo group")),
            moderators_chat=str(console.get("moderators_chat", "Demo moderators")),
            members=members,
            admins=admins,
            locales={str(k): str(v) for k, v in locales.items()},
            groups=_console_groups(console, members),
        ),
        scheduler=_section(data, "scheduler"),
        tables={name: _section(data, name) for name in data},
        pictures_in_folder=storage == "folder",
        pictures_folder=_path(photos, "folder", base, data_dir / "pictures"),
    )
