"""`git migrate env health ENV` from the command line: a table or JSON, exit 0 when healthy,
3 when a check fails, 2 for bad input."""

from __future__ import annotations

import json
from pathlib import Path

from tests.env_health_support import SCHEMA, add_environments, http_server
from tests.fixtures_git import CliRunner


def _setup(repo: Path, urls: list[str]) -> None:
    add_environments(
        repo,
        '[environments.staging]\nconfig = ["config/base.yaml"]\nschema = "config/schema.json"\n'
        f"health = {json.dumps(urls)}\n",
        {"config/base.yaml": "port: 8080\n", "config/schema.json": SCHEMA},
    )


def test_healthy_exits_0_unhealthy_3(git_repo: Path, run_cli: CliRunner) -> None:
    with http_server() as base:
        _setup(git_repo, [f"{base}/ok"])
        result = run_cli("env", "health", "staging", "--json")
        assert result.exit_code == 0, result.stderr
        data = json.loads(result.stdout)
        assert data["ok"] is True and [c["name"] for c in data["checks"]] == [
            "config", f"http {base}/ok"]  # fmt: skip
        table = run_cli("env", "health", "staging")
        assert table.exit_code == 0 and "staging: healthy" in table.stdout + table.stderr

        (git_repo / "config/base.yaml").write_text("port: x\n")
        bad = run_cli("env", "health", "staging", "--timeout", "1")
        assert bad.exit_code == 3
        assert "1 check(s) failed" in bad.stdout + bad.stderr


def test_bad_input_exits_2(git_repo: Path, run_cli: CliRunner) -> None:
    _setup(git_repo, [])
    result = run_cli("env", "health", "prod")
    assert result.exit_code == 2 and "unknown environment 'prod'" in result.stderr
    result = run_cli("env", "health", "staging", "--timeout", "0")
    assert result.exit_code == 2 and "not positive" in result.stderr
