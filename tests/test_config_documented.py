"""config.example.toml documents every key the configuration code reads."""

from __future__ import annotations

import re
from pathlib import Path

from murmure.config import load_config
from murmure.platforms import configured_platforms

ROOT = Path(__file__).resolve().parents[1]
READ = re.compile(
    r"""(?:\.get\(|_(?:int|bool|str_list)\(\w+, "[a-z.]+", |number\(\w+, "[a-z]+", )"([a-z_]+)\""""
)
# a messenger's adapter reads its own section
SECTION_READ = re.compile(r"""section\.(?:get|number|flag|text|secret)\(\s*"([a-z_]+)\"""")


def test_every_key_read_by_the_code_is_in_the_example() -> None:
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#?\s*([a-z_]+)\s*=", example, re.M))
    documented |= {key.removesuffix("_file") for key in documented if key.endswith("_file")}
    documented |= set(re.findall(r"^#?\s*\[\[?[a-z]+\.([a-z_]+)\]", example, re.M))  # [[console.groups]]
    read: set[str] = set()
    for path in (ROOT / "murmure").glob("*.py"):
        read |= set(READ.findall(path.read_text(encoding="utf-8")))
    from_adapters = set()
    for path in (ROOT / "adapters").rglob("*.py"):
        from_adapters |= set(SECTION_READ.findall(path.read_text(encoding="utf-8")))
    assert read and {"token", "webhook_url", "guild_ids"} <= from_adapters, "the patterns found no key"
    read |= from_adapters
    assert read - documented == set()


def test_the_example_itself_loads(tmp_path: Path) -> None:
    copy = tmp_path / "config.toml"
    copy.write_text((ROOT / "config.example.toml").read_text(encoding="utf-8"), encoding="utf-8")
    config = load_config(copy)
    assert configured_platforms(config) == [] and config.community.report_threshold == 3
