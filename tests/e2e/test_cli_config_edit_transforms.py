"""`git migrate config convert|merge` and a step's schema, end to end: each commits one step
(--print commits nothing), apply verifies it, rollback commits the inverse; a result the
schema refuses exits 3 with nothing committed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitmigrate.core.authoring import start_migration
from gitmigrate.core.gitstore import GitRepo
from tests.fixtures_git import CliRunner, git, snapshot

JSON = '{\n  "server": {\n    "host": "localhost",\n    "port": 80\n  }\n}\n'
BASE = "server:\n  host: localhost\n  port: 80\n"
PROD = "server:\n  port: 443\n"
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {"server": {"properties": {"port": {"type": "integer", "maximum": 1000}}}},
}


@pytest.fixture
def repo(git_repo: Path) -> Path:
    (git_repo / "app.json").write_text(JSON)
    (git_repo / "base.yaml").write_text(BASE)
    (git_repo / "prod.yaml").write_text(PROD)
    (git_repo / "schema.json").write_text(json.dumps(SCHEMA))
    config = git_repo / ".gitmigrate.toml"
    config.write_text(
        config.read_text()
        + '\n[environments.prod]\nconfig = ["base.yaml", "prod.yaml"]\nschema = "schema.json"\n'
    )
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "config")
    start_migration(GitRepo(git_repo), "cfg")
    return git_repo


def test_convert_and_merge_steps(repo: Path, run_cli: CliRunner) -> None:
    before = snapshot(repo)
    shown = run_cli("config", "convert", "app.json", "--to", "toml", "--print", cwd=repo)
    assert shown.exit_code == 0, shown.stderr
    assert "app.toml: (root) created from app.json" in shown.stdout
    assert snapshot(repo) == before

    converted = run_cli("config", "convert", "app.json", "--to", "toml", cwd=repo)
    assert converted.exit_code == 0, converted.stderr
    assert not (repo / "app.json").exists() and "port = 80" in (repo / "app.toml").read_text()
    merged = run_cli("config", "merge", "--env", "prod", "--out", "prod.merged.yaml", "--json",
                     cwd=repo)  # fmt: skip
    assert merged.exit_code == 0, merged.stderr
    assert json.loads(merged.stdout)["committed"] is True

    assert run_cli("apply", "--target", ".", cwd=repo).exit_code == 0
    rolled = run_cli("rollback", "--target", ".", "--all", "--yes", cwd=repo)
    assert rolled.exit_code == 0, rolled.stderr
    assert (repo / "app.json").read_text() == JSON and not (repo / "app.toml").exists()


def test_a_value_the_schema_refuses_exits_3(repo: Path, run_cli: CliRunner) -> None:
    before = snapshot(repo)
    refused = run_cli("config", "set", "prod.yaml", "server.port", "99999", "--env", "prod",
                      cwd=repo)  # fmt: skip
    assert refused.exit_code == 3, (refused.stdout, refused.stderr)
    assert "server.port" in refused.stderr and "nothing was committed" in refused.stderr
    assert snapshot(repo) == before and (repo / "prod.yaml").read_text() == PROD
    ok = run_cli("config", "set", "prod.yaml", "server.port", "444", "--schema", "schema.json",
                 cwd=repo)  # fmt: skip
    assert ok.exit_code == 0, ok.stderr
    assert run_cli("verify", "--target", ".", cwd=repo).exit_code in (0,)
