"""The messengers configured: each adapter package that exports a platform object (``ADAPTER``) and whose
section is in the config file, enabled. Nothing here names a messenger."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

import adapters
from adapters.runtime import Platform
from adapters.section import Section
from murmure.config import Config


@dataclass(frozen=True)
class Configured:
    platform: Platform
    section: Section


def adapter_packages() -> set[str]:
    return {module.name for module in pkgutil.iter_modules(adapters.__path__) if module.ispkg}


def configured_platforms(config: Config) -> list[Configured]:
    """In the order of the config file. Only the packages named by a section are imported."""
    found = []
    packages = adapter_packages()
    for name in config.tables:
        if name not in packages:
            continue
        platform = getattr(importlib.import_module(f"adapters.{name}"), "ADAPTER", None)
        if not isinstance(platform, Platform):
            continue  # an adapter that is not a messenger one configures (the console)
        section = config.section(name)
        if section.enabled:
            found.append(Configured(platform, section))
    return found
