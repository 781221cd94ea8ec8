from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings, read_env_file

ROOT = Path(__file__).resolve().parents[3]


def test_defaults_with_only_a_token():
    settings = load_settings({"DISCORD_TOKEN": "abc"}, env_file=None)
    assert settings.database_path == Path("data/bot.sqlite3")
    assert settings.log_level == "INFO"
    assert settings.dev_guild_id is None
    assert settings.default_preset == "kifa"


def test_missing_token_names_the_variable():
    with pytest.raises(ConfigError, match="DISCORD_TOKEN"):
        load_settings({}, env_file=None)


def test_token_never_appears_in_repr():
    settings = load_settings({"DISCORD_TOKEN": "very-secret-token"}, env_file=None)
    assert "very-secret-token" not in repr(settings)


def test_env_file_is_read_and_real_environment_wins(tmp_path: Path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# comment\n"
        "DISCORD_TOKEN='from-file'\n"
        "export LOG_LEVEL=debug\n"
        "DATABASE_PATH=/srv/kifa/bot.sqlite3  # where the data lives\n"
        "\n"
        "DEV_GUILD_ID=123\n",
        encoding="utf-8",
    )
    settings = load_settings({"LOG_LEVEL": "warning"}, env_file=env_file)
    assert settings.token == "from-file"
    assert settings.log_level == "WARNING"
    assert settings.database_path == Path("/srv/kifa/bot.sqlite3")
    assert settings.dev_guild_id == 123


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [("LOG_LEVEL", "loud", "LOG_LEVEL"), ("DEV_GUILD_ID", "my-server", "DEV_GUILD_ID")],
)
def test_malformed_values_are_refused_clearly(variable, value, message):
    with pytest.raises(ConfigError, match=message):
        load_settings({"DISCORD_TOKEN": "x", variable: value}, env_file=None)


def test_a_malformed_env_line_names_its_line(tmp_path: Path):
    env_file = tmp_path / ".env"
    env_file.write_text("DISCORD_TOKEN=x\nthis is not a setting\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 2"):
        read_env_file(env_file)


def test_run_bot_without_a_token_exits_2_within_a_second(tmp_path: Path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(ROOT / "run_bot.py")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr and "README" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    print(f"run_bot.py without a token exited in {elapsed:.2f}s")  # reported; speed is for bench/


def test_migrate_needs_no_token_and_creates_the_database(tmp_path: Path):
    database = tmp_path / "new" / "bot.sqlite3"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DATABASE_PATH": str(database)}
    result = subprocess.run(
        [sys.executable, str(ROOT / "run_bot.py"), "migrate"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert database.exists()
    assert "schema version 0 ->" in result.stdout


def test_backup_settings_default_beside_the_database_and_refuse_nonsense():
    settings = load_settings({"DISCORD_TOKEN": "t", "DATABASE_PATH": "/srv/kifa/bot.db"}, None)
    assert settings.backup_folder == Path("/srv/kifa/backups") and settings.backup_keep == 14
    with pytest.raises(ConfigError, match="BACKUP_KEEP"):
        load_settings({"DISCORD_TOKEN": "t", "BACKUP_KEEP": "two weeks"}, env_file=None)
