"""The `murmure` command: run, init, db upgrade, check-text."""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from adapters.runtime import StartRefused
from murmure.check_text import add_arguments as add_check_text_arguments
from murmure.config import ConfigError, load_config
from murmure.errors import DatabaseUnreachable, MessengerUnreachable
from murmure.keys import write_secret_file
from storage.migrate import SchemaTooOld

DEFAULT_CONFIG = Path("config.toml")


def _config_path(given: str | None) -> Path | None:
    if given:
        return Path(given)
    return DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None


def _run(args: argparse.Namespace) -> int:
    from murmure.bootstrap import configure_logging

    config = load_config(_config_path(args.config))
    configure_logging(config.log_level)
    from murmure.platforms import configured_platforms

    if configured_platforms(config):
        from murmure.platforms_app import main_platforms

        return main_platforms(config)
    from murmure.console_app import main_console

    return main_console(config)


def _init(args: argparse.Namespace) -> int:
    path = Path(args.config or DEFAULT_CONFIG)
    if path.exists() and not args.force:
        print(f"{path} exists: keeping it (use --force to overwrite)")
    else:
        example = Path(__file__).with_name("config.example.toml").read_text(encoding="utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(example, encoding="utf-8")
        print(f"wrote {path}")
    config = load_config(path)
    for key_path, what in ((config.pepper_file, "pepper"), (config.sealing_key_file, "sealing key")):
        if key_path.exists():
            print(f"{what}: {key_path} exists, kept")
        else:
            write_secret_file(key_path, secrets.token_bytes(32))
            print(f"{what}: generated {key_path} (mode 0600; keep it out of the database and its backups)")
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    from murmure.bootstrap import upgrade_or_explain
    from storage.database import SqlDatabase

    config = load_config(_config_path(args.config))
    config.make_folders()

    async def go() -> None:
        database = SqlDatabase.from_url(config.database_url)
        try:
            await upgrade_or_explain(database)
        finally:
            await database.dispose()

    asyncio.run(go())
    print("database is up to date")
    return 0


def _keys_rotate(args: argparse.Namespace) -> int:
    from murmure.keys import rotate_sealing_key

    config = load_config(_config_path(args.config))
    rotation = rotate_sealing_key(config, datetime.now(UTC))
    print(
        f"sealing key rotated: a new key is in {config.sealing_key_file}; the previous one, in "
        f"{rotation.previous_file}, still opens what it sealed until {rotation.until.isoformat()} "
        f"(recorded in {config.path}). Restart every murmure process now: they seal with the key they "
        "started with. After that date, delete the previous key's file."
    )
    return 0


def _check_text(args: argparse.Namespace) -> int:
    from murmure.check_text import run_from_arguments

    return run_from_arguments(args, sys.stdin, sys.stdout, sys.stderr)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # only for --version: a tenth of a start

    try:
        return version("murmure")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


class _VersionAction(argparse.Action):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        print(f"murmure {_version()}")
        parser.exit()


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="murmure", description="Anonymous secrets for Telegram and Discord.")
    root.add_argument("--version", action=_VersionAction, help="show the version and exit")
    commands = root.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the configured messengers (the console when none is)")
    run.add_argument("--config", help="path to config.toml (default: ./config.toml if present)")
    run.set_defaults(handler=_run)
    init = commands.add_parser("init", help="write a starter config and generate the pepper and sealing key")
    init.add_argument("--config", help="where to write the config (default: ./config.toml)")
    init.add_argument("--force", action="store_true", help="overwrite an existing config file")
    init.set_defaults(handler=_init)
    db = commands.add_parser("db", help="database commands")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_upgrade = db_commands.add_parser("upgrade", help="apply the database migrations")
    db_upgrade.add_argument("--config", help="path to config.toml")
    db_upgrade.set_defaults(handler=_db_upgrade)
    keys = commands.add_parser("keys", help="key commands")
    keys_commands = keys.add_subparsers(dest="keys_command", required=True)
    rotate = keys_commands.add_parser(
        "rotate", help="a new sealing key; the previous one opens what it sealed for 7 more days"
    )
    rotate.add_argument("--config", help="path to config.toml (default: ./config.toml if present)")
    rotate.set_defaults(handler=_keys_rotate)
    check = commands.add_parser("check-text", help="one JSON verdict a line for the lines on stdin")
    add_check_text_arguments(check)
    check.set_defaults(handler=_check_text)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except ConfigError as error:
        print(f"murmure: {error}", file=sys.stderr)
        return 2
    except SchemaTooOld as error:
        print(f"murmure: {error}", file=sys.stderr)
        return 2
    except StartRefused as error:
        print(f"murmure: {error}", file=sys.stderr)
        return 5
    except MessengerUnreachable as error:
        print(
            f"murmure: {error}; check its token and the [{error.platform}] section of the config "
            "(its URLs), and that the service answers",
            file=sys.stderr,
        )
        return 4
    except DatabaseUnreachable as error:
        print(
            f"murmure: {error}; check database.url (or MURMURE_DATABASE_URL) and that the server answers",
            file=sys.stderr,
        )
        return 3
    except (OSError, SQLAlchemyError) as error:
        # a file or the database later on: the kind and the file, never the driver's text (a connection
        # string may be in it)
        where = f" on {error.filename}" if isinstance(error, OSError) and error.filename else ""
        print(f"murmure: {type(error).__name__}{where}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
