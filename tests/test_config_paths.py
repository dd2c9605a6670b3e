"""Every path in the config file is relative to the file, whatever folder murmure is run from."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from murmure.config import load_config
from tests.test_cli import run


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The config in ``tmp/sub``, murmure run from ``tmp/other``."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "other").mkdir()
    monkeypatch.chdir(tmp_path / "other")
    monkeypatch.delenv("MURMURE_DATABASE_URL", raising=False)
    return tmp_path


def _database_file(url: str) -> Path:
    return Path(str(make_url(url).database)).resolve()


def test_a_minimal_config_keeps_its_data_beside_it_without_doubled_paths(
    elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (elsewhere / "sub" / "c.toml").write_text("[community]\nmin_members = 3\n", encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    config = load_config(Path("sub/c.toml"))
    data = elsewhere / "sub" / "murmure-data"
    assert "sub/sub" not in str(config.pepper_file)
    assert config.pepper_file.resolve() == data / "pepper"
    assert config.sealing_key_file.resolve() == data / "sealing.key"
    assert _database_file(config.database_url) == data / "murmure.db"


def test_a_relative_sqlite_path_is_relative_to_the_config_file(elsewhere: Path) -> None:
    (elsewhere / "sub" / "c.toml").write_text(
        '[database]\nurl = "sqlite+aiosqlite:///state/murmure.db"\n[identity]\npepper_file = "keys/pepper"\n',
        encoding="utf-8",
    )
    config = load_config(Path("../sub/c.toml"))
    assert _database_file(config.database_url) == elsewhere / "sub" / "state" / "murmure.db"
    assert config.pepper_file.resolve() == elsewhere / "sub" / "keys" / "pepper"
    absolute = elsewhere / "abs.db"
    (elsewhere / "sub" / "c.toml").write_text(f'[database]\nurl = "sqlite+aiosqlite:///{absolute}"\n')
    assert _database_file(load_config(Path("../sub/c.toml")).database_url) == absolute


def test_init_and_db_upgrade_from_another_folder_use_the_configs_folder(elsewhere: Path) -> None:
    assert run(["init", "--config", "../sub/c.toml"], elsewhere / "other").returncode == 0
    upgraded = run(["db", "upgrade", "--config", "../sub/c.toml"], elsewhere / "other")
    assert upgraded.returncode == 0, upgraded.stderr
    assert (elsewhere / "sub" / "murmure-data" / "murmure.db").exists()
    assert not (elsewhere / "other" / "murmure-data").exists()


def test_a_sqlite_file_outside_the_data_folder_gets_its_folder(elsewhere: Path) -> None:
    (elsewhere / "sub" / "c.toml").write_text('[database]\nurl = "sqlite+aiosqlite:///state/murmure.db"\n')
    upgraded = run(["db", "upgrade", "--config", "../sub/c.toml"], elsewhere / "other")
    assert upgraded.returncode == 0, upgraded.stderr
    assert (elsewhere / "sub" / "state" / "murmure.db").exists()


def test_init_makes_the_folder_of_the_config_it_writes(elsewhere: Path) -> None:
    made = run(["init", "--config", "new/c.toml"], elsewhere / "other")
    assert made.returncode == 0, made.stderr
    assert (elsewhere / "other" / "new" / "c.toml").exists()
    assert (elsewhere / "other" / "new" / "murmure-data" / "pepper").exists()


def test_a_folder_that_cannot_be_made_is_not_blamed_on_the_database(elsewhere: Path) -> None:
    (elsewhere / "sub" / "taken").write_text("a file, not a folder")
    (elsewhere / "sub" / "c.toml").write_text('[murmure]\ndata_dir = "taken/data"\n')
    result = run(["db", "upgrade", "--config", "../sub/c.toml"], elsewhere / "other")
    assert result.returncode == 2, result.stderr
    assert "cannot create" in result.stderr and "taken" in result.stderr
    assert "database.url" not in result.stderr and "Traceback" not in result.stderr


def test_the_pictures_folder_is_relative_to_the_config_made_private_or_refused_clearly(
    elsewhere: Path,
) -> None:
    config = elsewhere / "sub" / "c.toml"
    config.write_text('[pictures]\nstorage = "folder"\nfolder = "photos"\n')
    loaded = load_config(config)
    assert loaded.pictures_in_folder and loaded.pictures_folder.resolve() == (elsewhere / "sub" / "photos")
    loaded.make_folders()
    assert (elsewhere / "sub" / "photos").stat().st_mode & 0o777 == 0o700
    assert load_config(None).pictures_in_folder is False  # photos in the database unless told otherwise

    (elsewhere / "sub" / "taken").write_text("a file, not a folder")
    config.write_text('[pictures]\nstorage = "folder"\nfolder = "taken/photos"\n')
    result = run(["db", "upgrade", "--config", "../sub/c.toml"], elsewhere / "other")
    assert result.returncode == 2 and "cannot create" in result.stderr and "pictures.folder" in result.stderr
    assert "Traceback" not in result.stderr

    config.write_text('[pictures]\nstorage = "disk"\n')
    result = run(["db", "upgrade", "--config", "../sub/c.toml"], elsewhere / "other")
    assert result.returncode == 2 and 'pictures.storage must be "database" or "folder"' in result.stderr
    assert "Traceback" not in result.stderr
