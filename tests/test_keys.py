"""Key material is base64 of random bytes: anything else is refused with a message that says what to do."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest

from murmure.config import ConfigError
from murmure.keys import PEPPER_ENV, load_key


def test_a_passphrase_in_the_environment_is_refused_not_used_as_a_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(PEPPER_ENV, "correct horse battery staple, long enough to pass as 32 bytes")
    with pytest.raises(ConfigError) as refused:
        load_key(tmp_path / "pepper", PEPPER_ENV, "pepper", 32, generate=False)
    assert "MURMURE_PEPPER is not valid base64" in str(refused.value)
    assert "murmure init" in str(refused.value)


def test_base64_key_material_is_accepted_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(PEPPER_ENV, base64.b64encode(b"p" * 32).decode() + "\n")
    assert load_key(tmp_path / "pepper", PEPPER_ENV, "pepper", 32, generate=False) == (b"p" * 32, False)


def test_a_key_file_that_is_not_base64_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(PEPPER_ENV, raising=False)
    path = tmp_path / "pepper"
    path.write_text("my secret passphrase that is long enough\n")
    path.chmod(0o600)
    with pytest.raises(ConfigError, match="not valid base64"):
        load_key(path, PEPPER_ENV, "pepper", 32, generate=False)


def test_generated_keys_go_in_a_folder_only_their_owner_can_open(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(PEPPER_ENV, raising=False)
    path = tmp_path / "data" / "pepper"
    key, generated = load_key(path, PEPPER_ENV, "pepper", 32, generate=True)
    assert generated and len(key) == 32
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
