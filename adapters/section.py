"""One messenger's section of the configuration, read by its adapter: settings, and secrets kept out of it."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ConfigError(Exception):
    """A configuration problem, said so that an operator knows what to change."""


@dataclass(frozen=True)
class Section:
    name: str  # the table's name in the config file: the platform's name
    values: Mapping[str, Any]
    base_dir: Path  # where the config file is: relative paths in it start there

    @property
    def enabled(self) -> bool:
        """A section present is on, unless it says ``enabled = false``."""
        return self.flag("enabled", bool(self.values))

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def number(self, key: str, default: float) -> float:
        value = self.values.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{self.name}.{key} must be a number (got {value!r})")
        return float(value)

    def flag(self, key: str, default: bool) -> bool:
        value = self.values.get(key, default)
        if not isinstance(value, bool):
            raise ConfigError(f"{self.name}.{key} must be true or false (got {value!r})")
        return value

    def text(self, key: str, default: str | None = None) -> str | None:
        value = self.values.get(key, default)
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"{self.name}.{key} must be a string (got {value!r})")
        return value

    def secret(self, key: str, env: str) -> str:
        """A token or secret from ``env``, else from the file named by ``<key>_file``; never from the file."""
        value = os.environ.get(env)
        if value:
            return value.strip()
        if key in self.values:
            raise ConfigError(
                f"put {self.name}.{key} in {env} or in a file named by {self.name}.{key}_file, "
                "not in the config file"
            )
        file_name = self.values.get(f"{key}_file")
        if not file_name:
            raise ConfigError(f"no {self.name}.{key}: set {env} or {self.name}.{key}_file")
        path = self.base_dir / str(file_name)
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError as error:
            raise ConfigError(f"{self.name}.{key}_file {path} does not exist") from error
        if mode & 0o077:
            raise ConfigError(f"{path} is readable by others (mode {mode:o}): run `chmod 600 {path}`")
        return path.read_text(encoding="utf-8").strip()
