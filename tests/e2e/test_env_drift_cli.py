"""`git migrate env diff` and `env sync` through the CLI's error boundary, on SQLite, PostgreSQL
and MariaDB: the text and JSON reports, the exit codes (0 agree, 3 drift, 2 bad input), the
confirmation, and a sync after which only the secret left on purpose still differs."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.fixtures_git import CliRunner, snapshot
from tests.integration.test_env_drift_project import db_pair, drifted_project  # noqa: F401

ALLOW = ("--allow", "require-concurrent-index-creation")  # PostgreSQL's plain CREATE INDEX


def _like(pattern: str, line: str) -> bool:
    """`…` stands for either answer to "has it" (see test_env_drift_project)."""
    return re.fullmatch(".*".join(map(re.escape, pattern.split("…"))), line) is not None


def test_diff_sync_diff(git_repo: Path, db_pair: tuple[str, str], run_cli: CliRunner) -> None:  # noqa: F811
    drifted_project(git_repo, *db_pair)

    text = run_cli("env", "diff", "staging", "prod")
    assert text.exit_code == 3, text.stderr
    for line in (
        "  table orders only in staging",
        "  table users: column nickname only in prod",
        "  table users: index ix_users_email only in staging",
        "  applied on staging only: shop/002",
        "  server.port: 8080 (staging) != 9090 (prod)",
        '  hosts: ["a", "b"] (staging) != ["a", "c"] (prod)',
        "  feature.beta = true only in staging",
        "  api_token = (secret) only in staging",
        '  log.level = "warn" only in prod',
        "  API_TOKEN: staging needs it …, prod does not need it",
        "  DB_PASSWORD: …",
    ):
        if line.startswith("  DB_PASSWORD"):
            assert line[:-1] not in text.stdout  # both need it, neither has it: no drift
        else:
            assert any(_like(line, got) for got in text.stdout.splitlines()), text.stdout
    assert "ENC[" not in text.stdout

    as_json = run_cli("env", "diff", "staging", "prod", "--json")
    assert as_json.exit_code == 3
    report = json.loads(as_json.stdout)
    assert (report["drifted"], report["clean"]) == (True, False)
    assert [t["table"] for t in report["schema"]["tables"]] == ["orders", "users"]
    assert report["steps"]["only_a"] == ["shop/002"]

    refused = run_cli("env", "sync", "staging", "prod", *ALLOW)  # stdin is not a terminal
    assert refused.exit_code == 3
    assert "needs confirmation" in refused.stderr

    synced = run_cli("env", "sync", "staging", "prod", "--yes", *ALLOW, "--json")
    assert synced.exit_code == 0, synced.stderr
    done = json.loads(synced.stdout)
    # the schema drift becomes the steps `schema diff` writes: on PostgreSQL the index is built
    # CONCURRENTLY in a step of its own (issue 20), elsewhere one step
    written = ["shop/003", "shop/004"] if "postgresql" in db_pair[0] else ["shop/003"]
    assert done["applied"] == ["shop/002", *written]
    assert done["recorded_on_source"] == written

    after = run_cli("env", "diff", "staging", "prod")
    assert after.exit_code == 3  # the secret key and name are left on purpose
    left = [line for line in after.stdout.splitlines() if line.startswith("  ")]
    assert left[0] == "  api_token = (secret) only in staging"
    assert _like("  API_TOKEN: staging needs it …, prod does not need it", left[1])
    assert len(left) == 2
    assert "schema (" in after.stdout and "applied steps: no drift" in after.stdout

    again = run_cli("env", "sync", "staging", "prod", "--yes")
    assert again.exit_code == 0, again.stderr
    assert again.stdout.splitlines() == ["staging -> prod: nothing env sync can do (see above)"]
    assert "api_token: a secret, not copied (git migrate env secrets copy" in again.stderr


def test_bad_input_is_one_line_and_changes_nothing(
    git_repo: Path,
    db_pair: tuple[str, str],  # noqa: F811
    run_cli: CliRunner,
) -> None:
    drifted_project(git_repo, *db_pair)
    before = snapshot(git_repo)

    unknown = run_cli("env", "sync", "staging", "qa", "--yes")
    assert unknown.exit_code == 2
    assert unknown.stderr.splitlines()[0] == "error: unknown environment 'qa'"
    assert "configured environments: prod, staging" in unknown.stderr

    only = run_cli("env", "sync", "staging", "prod", "--only", "data")
    assert only.exit_code == 2 and "'data' is not one of" in only.stderr

    dry = run_cli("env", "sync", "staging", "prod", "--dry-run")
    assert dry.exit_code == 0
    assert "  apply shop/002 to prod" in dry.stdout.splitlines()
    assert snapshot(git_repo) == before
