"""`git migrate config history|diff|explain|validate` through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.config_surface_support import attach_config_commands, commit
from tests.fixtures_git import CliRunner


@pytest.fixture(autouse=True)
def _config_group(monkeypatch: pytest.MonkeyPatch) -> None:
    attach_config_commands(monkeypatch)


def test_history_table_and_json(git_repo: Path, run_cli: CliRunner) -> None:
    first = commit(git_repo, {"config/app.yaml": "db:\n  port: 5432\n  password: hunter2\n"}, "a")
    second = commit(git_repo, {"config/app.yaml": "db:\n  port: 6432\n  password: hunter3\n"}, "b")
    result = run_cli("config", "history", "db.port", "config/app.yaml", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(e["commit"], e["value"]) for e in data["entries"]] == [(first, 5432), (second, 6432)]
    table = run_cli("config", "history", "db.port")
    assert table.exit_code == 0 and "6432" in table.stdout and second[:12] in table.stdout
    secret = run_cli("config", "history", "db.password", "config/app.yaml")
    assert secret.exit_code == 0, secret.stderr
    assert "hunter" not in secret.stdout + secret.stderr and "not shown" in secret.stdout
    as_json = run_cli("config", "history", "db.password", "--json")
    assert "hunter" not in as_json.stdout and json.loads(as_json.stdout)["entries"][0]["hidden"]


def test_history_bad_input(git_repo: Path, run_cli: CliRunner, tmp_path: Path) -> None:
    commit(git_repo, {"a.toml": "x = 1\n"}, "a")
    missing = run_cli("config", "history", "nope")
    assert missing.exit_code == 2 and "no config file at HEAD has the key nope" in missing.stderr
    bad_key = run_cli("config", "history", "a..b", "a.toml")
    assert bad_key.exit_code == 2 and "bad key path" in bad_key.stderr
    outside = tmp_path / "elsewhere.toml"
    outside.write_text("x = 1\n")
    result = run_cli("config", "history", "x", str(outside))
    assert result.exit_code == 2 and "outside the repository" in result.stderr
