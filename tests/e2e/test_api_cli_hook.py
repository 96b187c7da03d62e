"""`[api] require_adapter = true`: review (and so the pre-push hook, which judges with the same
policy) blocks a migration branch whose api steps recorded a breaking change that no adapter
maps and no step waives; a waiver with a reason lifts it. Runs once the review asks kinds for
their push problems (engine.kinds.PushChecker; see the api kind's report for the diff)."""

from __future__ import annotations

from pathlib import Path

import pytest

import gitmigrate.engine.kinds as engine_kinds
from tests.fixtures_git import CliRunner, git
from tests.unit.test_api_kind_support import TODAY, needs_checks, v1_then_v2

pytestmark = pytest.mark.skipif(
    not hasattr(engine_kinds, "PushChecker"),
    reason="review does not ask kinds for push problems yet",
)
REMOVED = "api-removed-before-sunset at GET /pets/{petId}/photo"


@needs_checks
def test_breaking_changes_need_an_adapter_or_a_waiver(run_cli: CliRunner, git_repo: Path) -> None:
    first = v1_then_v2(git_repo)
    with (git_repo / ".gitmigrate.toml").open("a") as config:
        config.write("\n[api]\nrequire_adapter = true\n")
    git(git_repo, "commit", "-qam", "require adapters")
    assert run_cli("start", "pets-v2").exit_code == 0
    old = f"{first}:openapi.yaml"
    assert run_cli("api", "guide", old, "openapi.yaml", "--today", TODAY).exit_code == 0
    blocked = run_cli("review")
    assert "Pre-push gate:" in blocked.stdout and "blocking problem(s)" in blocked.stdout
    assert f"breaking API change {REMOVED}" in blocked.stdout
    waived = run_cli("api", "guide", old, "openapi.yaml", "--out", "docs/again.md", "--today", TODAY,
                     "--waive", REMOVED, "--waive", "new-required-request-property at POST /pets",
                     "--reason", "no client uses these yet")  # fmt: skip
    assert waived.exit_code == 0, waived.stderr
    review = run_cli("review")
    assert REMOVED not in review.stdout.split("| step |")[0]
    assert 'reason = "no client uses these yet"' in review.stdout
