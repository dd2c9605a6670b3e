"""The `murmure` command as an operator runs it: a real process, stdin in, transcript out."""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import sys
from pathlib import Path

MURMURE = [sys.executable, "-m", "murmure.cli"]


def run(
    args: list[str], cwd: Path, stdin: str = "", timeout: float = 60, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    extra = env or {}
    env = {k: v for k, v in os.environ.items() if not k.startswith("MURMURE_")} | extra
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    return subprocess.run(
        [*MURMURE, *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def test_run_with_no_config_starts_the_console_demo_and_reads_stdin(tmp_path: Path) -> None:
    script = "\n".join(
        [
            "I still sleep with the teddy bear my grandmother gave me.",
            "/click Post",
            "/wait 4m",
            "/as bob",
            "/wait 6m",
            "/click 1",
            "/frobnicate",
            "/click 999 1",
            "\x00\x01",
        ]
    )
    result = run(["run"], tmp_path, script + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "generated a local pepper and sealing key" in out
    # the default delay: 5 to 10 minutes after Post, never before 5 (the console's /wait moves time on)
    assert "in 5 to 10 minutes" in out and out.index("\n  #1\n") > out.index("6m later")
    assert "── Demo group · message" in out and "#1" in out and "❤️ 1" in out
    assert "I don't know the command /frobnicate" in out
    assert "there is no message 999" in out
    assert "Your message is empty" in out
    assert "Traceback" not in out + result.stderr
    key_files = [tmp_path / "murmure-data" / "pepper", tmp_path / "murmure-data" / "sealing.key"]
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in key_files)
    # a second run reuses the database and the keys: the next secret is #2 in the same group
    again = run(["run"], tmp_path, "Second one, from a new process.\n/click Post\n/wait 10m\n")
    assert again.returncode == 0 and "#2" in again.stdout and "generated" not in again.stdout


def test_a_configured_run_refuses_to_start_without_a_pepper(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[community]\nmin_members = 3\n", encoding="utf-8")
    result = run(["run", "--config", "config.toml"], tmp_path)
    assert result.returncode == 2
    assert "murmure init" in result.stderr and "MURMURE_PEPPER" in result.stderr
    assert "Traceback" not in result.stderr


def test_init_writes_config_and_keys_then_db_upgrade_migrates(tmp_path: Path) -> None:
    result = run(["init", "--config", "config.toml"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "config.toml").exists()
    for name in ("pepper", "sealing.key"):
        assert stat.S_IMODE((tmp_path / "murmure-data" / name).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "murmure-data").stat().st_mode) == 0o700
    upgraded = run(["db", "upgrade", "--config", "config.toml"], tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "up to date" in upgraded.stdout
    assert stat.S_IMODE((tmp_path / "murmure-data" / "murmure.db").stat().st_mode) == 0o600
    console = run(["run", "--config", "config.toml"], tmp_path, "/help\n")
    assert console.returncode == 0 and "/as NAME" in console.stdout


def test_bad_configuration_is_explained_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text("[community\nmode = 3", encoding="utf-8")
    result = run(["run", "--config", "broken.toml"], tmp_path)
    assert result.returncode == 2 and "not valid TOML" in result.stderr
    (tmp_path / "wrong.toml").write_text('[community]\nmode = "chaos"\n', encoding="utf-8")
    result = run(["run", "--config", "wrong.toml"], tmp_path)
    assert result.returncode == 2 and "community.mode must be open or review" in result.stderr
    result = run(["run", "--config", "missing.toml"], tmp_path)
    assert result.returncode == 2 and "config file not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_text_prints_the_filter_verdict_of_every_line(tmp_path: Path) -> None:
    import json

    from bot.moderation import default_filter
    from tests.moderation.corpus import load_corpus

    lines = [line.text for lang in ("en", "fr") for line in load_corpus(lang)]
    result = run(["check-text"], tmp_path, "\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    printed = [json.loads(row) for row in result.stdout.splitlines()]
    assert len(printed) == len(lines)
    for text, verdict in zip(lines, printed, strict=True):
        expected = default_filter().check(text)
        assert verdict["verdict"] == expected.verdict.value, text
        assert [r["category"] for r in verdict["reasons"]] == [r.category for r in expected.reasons]


def test_an_unreachable_database_and_bad_values_are_explained(tmp_path: Path) -> None:
    (tmp_path / "pg.toml").write_text(
        '[database]\nurl = "postgresql+asyncpg://nobody@127.0.0.1:1/none"\n', encoding="utf-8"
    )
    result = run(["db", "upgrade", "--config", "pg.toml"], tmp_path)
    assert result.returncode == 3 and "cannot reach the database" in result.stderr
    assert "Traceback" not in result.stderr
    (tmp_path / "level.toml").write_text('[logging]\nlevel = "verbose"\n', encoding="utf-8")
    result = run(["run", "--config", "level.toml"], tmp_path)
    assert result.returncode == 2 and "logging.level must be" in result.stderr
    result = run(["run", "--config", "."], tmp_path)
    assert result.returncode == 2 and "cannot read the config file" in result.stderr


def test_a_refused_telegram_token_is_explained_without_the_token(tmp_path: Path) -> None:
    import asyncio
    import threading

    from tests.emulators.telegram import TelegramEmulator

    ready = threading.Event()
    stop: list[asyncio.AbstractEventLoop] = []
    base: list[str] = []

    def serve() -> None:
        async def main() -> None:
            async with TelegramEmulator() as tg:
                base.append(tg.base_url)
                stop.append(asyncio.get_running_loop())
                ready.set()
                await asyncio.Event().wait()

        with contextlib.suppress(RuntimeError):
            asyncio.run(main())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(10)
    (tmp_path / "tg.toml").write_text(f'[telegram]\nbase_url = "{base[0]}"\n', encoding="utf-8")
    env_token = "999:wrong-token-that-must-not-be-printed"
    keys = {
        "MURMURE_PEPPER": "cGVwcGVycGVwcGVycGVwcGVycGVwcGVycGVwcGVycGU=",
        "MURMURE_SEALING_KEY": "c3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3M=",
    }
    result = run(["run", "--config", "tg.toml"], tmp_path, env={"MURMURE_TELEGRAM_TOKEN": env_token, **keys})
    stop[0].call_soon_threadsafe(stop[0].stop)
    assert result.returncode == 4 and "check its token" in result.stderr
    assert env_token not in result.stderr + result.stdout and "Traceback" not in result.stderr


def test_an_unreachable_discord_is_named_as_such_without_noise(tmp_path: Path) -> None:
    (tmp_path / "dc.toml").write_text(
        '[discord]\napi_base_url = "http://127.0.0.1:1/api/v10"\ngateway_url = "ws://127.0.0.1:1"\n',
        encoding="utf-8",
    )
    keys = {
        "MURMURE_PEPPER": "cGVwcGVycGVwcGVycGVwcGVycGVwcGVycGVwcGVycGU=",
        "MURMURE_SEALING_KEY": "c3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3M=",
        "MURMURE_DISCORD_TOKEN": "not-a-real-token",
    }
    result = run(["run", "--config", "dc.toml"], tmp_path, env=keys)
    assert result.returncode == 4, result.stderr
    assert "murmure: discord refused or could not be reached" in result.stderr
    assert "database" not in result.stderr
    for noise in ("PyNaCl", "davey", "Unclosed", "Traceback", "not-a-real-token"):
        assert noise not in result.stderr + result.stdout, noise


def test_version_is_printed(tmp_path: Path) -> None:
    from importlib.metadata import version

    result = run(["--version"], tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == f"murmure {version('murmure')}"
