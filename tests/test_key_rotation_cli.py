"""`murmure keys rotate`: the sealing key in use becomes the previous one, recorded in the config with the end
of its 7-day overlap, and a new key is generated; the app opens with both until then, with the new one only
after; a second rotation inside the overlap is refused."""

from __future__ import annotations

import base64
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.anonymity import Sealer
from murmure.cli import main
from murmure.config import ConfigError, load_config
from murmure.keys import PREVIOUS_SEALING_KEY_ENV, SEALING_KEY_ENV, load_previous_sealing_key


def _key(path: Path) -> bytes:
    return base64.b64decode(path.read_bytes().strip())


def test_rotating_the_sealing_key_keeps_the_previous_one_for_seven_days(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in (SEALING_KEY_ENV, PREVIOUS_SEALING_KEY_ENV):
        monkeypatch.delenv(name, raising=False)
    assert main(["init"]) == 0
    config = load_config(tmp_path / "config.toml")
    old = _key(config.sealing_key_file)
    sealed = Sealer(old).seal("telegram:5550101", "telegram:return:ab")

    assert main(["keys", "rotate"]) == 0
    assert "Restart every murmure process" in capsys.readouterr().out
    config = load_config(tmp_path / "config.toml")
    assert config.previous_sealing_key_file == tmp_path / "murmure-data" / "sealing.key.previous"
    assert _key(config.previous_sealing_key_file) == old and _key(config.sealing_key_file) != old
    for path in (config.previous_sealing_key_file, config.sealing_key_file):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    now = datetime.now(UTC)
    until = config.previous_sealing_key_until
    assert until is not None and timedelta(days=6, hours=23) < until - now <= timedelta(days=7)

    previous = load_previous_sealing_key(config, now)
    assert previous == (old, until)
    sealer = Sealer(_key(config.sealing_key_file), *previous, lambda: now)  # as the app builds it
    assert sealer.open(sealed, "telegram:return:ab") == "telegram:5550101"
    assert load_previous_sealing_key(config, until) is None  # after the overlap: ignored

    assert main(["keys", "rotate"]) == 2  # inside the overlap: what the previous key sealed would be lost
    assert "overlap lasts until" in capsys.readouterr().err
    assert _key(config.previous_sealing_key_file) == old


def test_a_missing_previous_key_during_its_overlap_is_refused_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in (SEALING_KEY_ENV, PREVIOUS_SEALING_KEY_ENV):
        monkeypatch.delenv(name, raising=False)
    assert main(["init"]) == 0 and main(["keys", "rotate"]) == 0
    config = load_config(tmp_path / "config.toml")
    assert config.previous_sealing_key_file is not None
    config.previous_sealing_key_file.unlink()
    with pytest.raises(ConfigError, match=r"previous sealing key \(.*\) is missing"):
        load_previous_sealing_key(config, datetime.now(UTC))
    path = tmp_path / "config.toml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(
        "".join(x for x in lines if not x.startswith("previous_sealing_key_until")), encoding="utf-8"
    )
    assert main(["keys", "rotate"]) == 2
    assert "previous_sealing_key_file needs identity.previous_sealing_key_until" in capsys.readouterr().err
    path.write_text("".join(x for x in lines if not x.startswith("previous_sealing_key")), encoding="utf-8")
    monkeypatch.setenv(SEALING_KEY_ENV, base64.b64encode(b"e" * 32).decode())
    assert main(["keys", "rotate"]) == 2
    assert "rotate it by hand" in capsys.readouterr().err
