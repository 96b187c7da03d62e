"""`git migrate env secrets check|copy` from the command line: names only on the screen and in
JSON, exit 3 while a needed name is missing, a copy that commits a step and prints no value,
exit 2 with one line when FROM's key variable is not set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.env_secrets_support import VALUES, make_keys, two_environments
from tests.fixtures_git import CliRunner


def test_check_then_copy(
    git_repo: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = make_keys()
    two_environments(git_repo, keys)
    check = run_cli("env", "secrets", "check", "prod", "staging")
    assert check.exit_code == 3
    assert "MISSING" in check.stdout and "git migrate env secrets copy prod staging" in check.stdout

    assert run_cli("start", "secrets").exit_code == 0
    monkeypatch.delenv("PROD_AGE_KEY", raising=False)
    refused = run_cli("env", "secrets", "copy", "prod", "staging")
    assert refused.exit_code == 2 and "PROD_AGE_KEY is not set" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 2  # the message and its hint

    monkeypatch.setenv("PROD_AGE_KEY", keys.prod)
    copied = run_cli("env", "secrets", "copy", "prod", "staging", "--name", "DB_PASSWORD", "--json")
    assert copied.exit_code == 0, copied.stderr
    assert json.loads(copied.stdout)["names"] == ["DB_PASSWORD"]
    again = run_cli("env", "secrets", "check", "prod", "staging", "--json")
    assert again.exit_code == 3 and json.loads(again.stdout)["copyable"] == ["API_TOKEN"]
    monkeypatch.setenv("STAGING_AGE_KEY", keys.staging)  # adding to staging's file now
    rest = run_cli("env", "secrets", "copy", "prod", "staging")
    assert (
        rest.exit_code == 0 and "copied API_TOKEN from prod to staging" in rest.stdout + rest.stderr
    )
    assert run_cli("env", "secrets", "check", "prod", "staging").exit_code == 0
    for result in (check, refused, copied, again, rest):
        assert not any(v in result.stdout + result.stderr for v in VALUES)
