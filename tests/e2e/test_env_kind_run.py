"""The env step from the command line on a real SQLite target: `add env` writes it, plan and
review render it, apply stops at it while the environment is unhealthy and passes it once it is
healthy, rollback passes over it; `apply --health ENV` runs ENV's checks after every step as
its verify (a failure is a failed verify: the step is rolled back, the run stops)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.env_health_support import SCHEMA, add_environments, http_server
from tests.fixtures_git import CliRunner, git


def _project(repo: Path, run_cli: CliRunner, url: str) -> None:
    add_environments(
        repo,
        '[environments.staging]\ntarget = "dev"\nconfig = ["config/base.yaml"]\n'
        f'schema = "config/schema.json"\nhealth = ["{url}"]\n',
        {"config/base.yaml": "port: 8080\n", "config/schema.json": SCHEMA},
    )
    (repo / "up1.sql").write_text("CREATE TABLE users (id INTEGER PRIMARY KEY);\n")
    (repo / "down1.sql").write_text("DROP TABLE users;\n")
    (repo / "up2.sql").write_text("CREATE TABLE orders (id INTEGER PRIMARY KEY);\n")
    (repo / "down2.sql").write_text("DROP TABLE orders;\n")
    assert run_cli("start", "users").exit_code == 0
    for n in ("1", "2"):
        added = run_cli("add", "sql", "--up", f"up{n}.sql", "--down", f"down{n}.sql", "-m", f"t{n}")
        assert added.exit_code == 0, added.stderr
        if n == "1":
            gate = run_cli("add", "env", "--environment", "staging", "--timeout", "1",
                           "--check", "database,config,http")  # fmt: skip
            assert gate.exit_code == 0, gate.stderr


def _states(run_cli: CliRunner) -> list[str]:
    result = run_cli("status", "--json")
    return [s["state"] for s in json.loads(result.stdout)["steps"]]


def test_the_env_step_gates_the_run(git_repo: Path, run_cli: CliRunner) -> None:
    with http_server() as base:
        _project(git_repo, run_cli, f"{base}/fail")
        toml = (git_repo / "migrations/users/002-health-gate-staging/step.toml").read_text()
        assert 'kind = "env"' in toml and 'environment = "staging"' in toml
        assert "Migrate-Kind: env" in git(git_repo, "log", "-1", "--format=%B", "HEAD~1")

        plan = run_cli("plan")
        assert plan.exit_code == 0, plan.stderr
        written = (git_repo / "docs/plan-outputs/users/migration-plan.md").read_text()
        assert "| environment staging | 002 ENV HEALTH |" in written
        assert "the step fails unless staging is healthy: database, config, http" in written
        scripts = git_repo / "docs/plan-outputs/users/migration-scripts"
        assert (
            "git migrate env health staging"
            in (scripts / "002-health-gate-staging.up.sh").read_text()
        )
        review = run_cli("review")
        assert "| users/002 | env | health gate: staging |" in review.stdout, review.stderr
        assert "**Rollback:** nothing to undo: a health gate changes nothing" in review.stdout

        failed = run_cli("apply")
        assert failed.exit_code == 1
        assert "environment staging is unhealthy: http" in failed.stderr
        assert _states(run_cli) == ["applied", "failed", "pending"]

        config = git_repo / ".gitmigrate.toml"
        config.write_text(config.read_text().replace(f"{base}/fail", f"{base}/ok"))
        passed = run_cli("apply")
        assert passed.exit_code == 0, passed.stderr
        assert _states(run_cli) == ["applied", "applied", "applied"]
        assert run_cli("verify").exit_code == 0
        back = run_cli("rollback", "--all", "--yes")
        assert back.exit_code == 0, back.stderr
        assert _states(run_cli) == ["rolled_back"] * 3


def test_apply_health_runs_the_checks_after_each_step(git_repo: Path, run_cli: CliRunner) -> None:
    with http_server() as base:
        _project(git_repo, run_cli, f"{base}/ok")
        passed = run_cli("apply", "--health", "staging", "--health-timeout", "1")
        assert passed.exit_code == 0, passed.stderr
        assert run_cli("rollback", "--all", "--yes").exit_code == 0

        (git_repo / "config/base.yaml").write_text("port: eighty\n")  # the config breaks
        failed = run_cli("apply", "--health", "staging")
        assert failed.exit_code == 1
        assert "verify failed for step users/001: environment staging: config" in failed.stderr
        assert "eighty" not in failed.stderr
        assert _states(run_cli)[0] != "applied"  # rolled back, like a failed verify

        (git_repo / "config/base.yaml").write_text("port: 8080\n")  # fixed: resume with checks
        resumed = run_cli("resume", "--health", "staging", "--health-timeout", "2")
        assert resumed.exit_code == 0, resumed.stderr
        assert _states(run_cli) == ["applied"] * 3

        bad = run_cli("apply", "--health", "prod")
        assert bad.exit_code == 2 and "unknown environment 'prod'" in bad.stderr
