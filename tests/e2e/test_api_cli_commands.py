"""The api commands through the real CLI in temp repositories: exit codes (0 / 2 usage / 3 at
--fail-on), every --format, REV:path, steps committed on the migration branch (and nothing
with --print), deprecate's one-line errors, notices as JSON, and apply/rollback of api steps."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.fixtures_git import CliRunner, git, snapshot
from tests.unit.test_api_kind_support import TODAY, V1, needs_checks, v1_then_v2


@pytest.fixture
def first(git_repo: Path) -> str:
    return v1_then_v2(git_repo)


@needs_checks
def test_diff_exits_3_on_breaking_changes_and_0_without(run_cli: CliRunner, git_repo: Path, first: str) -> None:  # fmt: skip
    result = run_cli("api", "diff", f"{first}:openapi.yaml", "openapi.yaml", "--today", TODAY)
    assert result.exit_code == 3, result.stderr
    assert "ERR  api-removed-before-sunset  GET /pets/{petId}/photo" in result.stdout
    assert "ERR  new-required-request-property  POST /pets" in result.stdout
    same = run_cli("api", "diff", "openapi.yaml", "HEAD:openapi.yaml")
    assert same.exit_code == 0 and "no changes" in same.stdout


def test_diff_after_the_sunset_is_no_longer_early(run_cli: CliRunner, git_repo: Path, first: str) -> None:  # fmt: skip
    later = run_cli("api", "diff", f"{first}:openapi.yaml", "openapi.yaml", "--today", "2031-01-01")
    assert "api-removed-before-sunset" not in later.stdout


@pytest.mark.parametrize("fmt", ["markdown", "json", "junit", "sarif"])
@needs_checks
def test_every_format(run_cli: CliRunner, git_repo: Path, first: str, fmt: str) -> None:
    result = run_cli("api", "diff", f"{first}:openapi.yaml", "openapi.yaml", "--format", fmt,
                     "--today", TODAY)  # fmt: skip
    assert result.exit_code == 3
    if fmt == "markdown":
        assert "### Breaking (ERR)" in result.stdout
    elif fmt == "json":
        assert "api-removed-before-sunset" in {
            c["id"] for c in json.loads(result.stdout)["changes"]
        }
    elif fmt == "junit":
        assert ET.fromstring(result.stdout).find("testsuite") is not None
    else:
        assert json.loads(result.stdout)["runs"][0]["results"]


def test_fail_on_warn_and_info(run_cli: CliRunner, git_repo: Path) -> None:
    (git_repo / "a.yaml").write_bytes(V1.read_bytes())
    (git_repo / "b.yaml").write_text(V1.read_text().replace("title: Pets", "title: Pets!"))
    assert run_cli("api", "diff", "a.yaml", "b.yaml", "--fail-on", "INFO").exit_code == 0
    spec = V1.read_text().replace(
        "operationId: getPet\n", "operationId: getPet\n      summary: x\n"
    )
    (git_repo / "b.yaml").write_text(spec)
    assert run_cli("api", "diff", "a.yaml", "b.yaml", "--fail-on", "WARN").exit_code == 0


def test_bad_input_is_a_one_line_usage_error(run_cli: CliRunner, git_repo: Path) -> None:
    (git_repo / "a.yaml").write_bytes(V1.read_bytes())
    (git_repo / "not.yaml").write_text("just: text\n")
    missing = run_cli("api", "diff", "a.yaml", "nope.yaml")
    assert (
        missing.exit_code == 2
        and missing.stderr.startswith("error: ")
        and "Traceback" not in missing.stderr
    )
    wrong = run_cli("api", "diff", "a.yaml", "not.yaml")
    assert wrong.exit_code == 2 and "hint:" in wrong.stderr
    fmt = run_cli("api", "diff", "a.yaml", "a.yaml", "--format", "html")
    assert fmt.exit_code == 2


@needs_checks
def test_guide_commits_a_step_and_print_commits_nothing(run_cli: CliRunner, git_repo: Path, first: str) -> None:  # fmt: skip
    assert run_cli("start", "pets-v2").exit_code == 0
    before = snapshot(git_repo)
    shown = run_cli(
        "api", "guide", f"{first}:openapi.yaml", "openapi.yaml", "--print", "--today", TODAY
    )
    assert shown.exit_code == 0 and "## `POST /pets`" in shown.stdout
    assert snapshot(git_repo) == before and not (git_repo / "docs").exists()
    made = run_cli("api", "guide", f"{first}:openapi.yaml", "openapi.yaml", "--out", "GUIDE.md",
                   "--today", TODAY, "-m", "v2 guide", "--json")  # fmt: skip
    assert made.exit_code == 0, made.stderr
    body = json.loads(made.stdout)
    assert body["committed"] and body["step"] == "pets-v2/001" and body["files"] == ["GUIDE.md"]
    assert "new-required-request-property at POST /pets" in body["breaking"]
    assert git(git_repo, "log", "-1", "--format=%s").strip() == "api: v2 guide"
    assert "GUIDE.md" in git(git_repo, "show", "--name-only", "--format=", "HEAD").split()
    assert "Request before:" in (git_repo / "GUIDE.md").read_text()


def test_a_step_outside_a_migration_branch_is_refused(run_cli: CliRunner, git_repo: Path, first: str) -> None:  # fmt: skip
    before = snapshot(git_repo)
    result = run_cli("api", "guide", f"{first}:openapi.yaml", "openapi.yaml")
    assert result.exit_code == 2 and "hint:" in result.stderr
    assert snapshot(git_repo) == before


def test_deprecate_then_apply_and_rollback(run_cli: CliRunner, git_repo: Path, first: str) -> None:
    assert run_cli("start", "deprecations").exit_code == 0
    original = (git_repo / "openapi.yaml").read_bytes()
    made = run_cli("api", "deprecate", "openapi.yaml", "--operation", "GET /pets/{id}",
                   "--sunset", "2027-06-30", "--link", "https://example.com/v2")  # fmt: skip
    assert made.exit_code == 0, made.stderr
    diff = git(git_repo, "show", "--format=", "HEAD", "--", "openapi.yaml")
    assert [ln for ln in diff.splitlines() if ln.startswith(("+ ", "- ", "+\t", "-\t")) or
            (ln[:1] in "+-" and not ln.startswith(("+++", "---")))] == [
        "+      deprecated: true", "+      x-sunset: '2027-06-30'",
        "+      x-deprecation-link: https://example.com/v2",
    ]  # fmt: skip
    bad = run_cli(
        "api", "deprecate", "openapi.yaml", "--operation", "nope", "--sunset", "2027-06-30"
    )
    assert bad.exit_code == 2 and "has no operation 'nope'" in bad.stderr
    assert run_cli("apply").exit_code == 0
    assert run_cli("verify").exit_code == 0
    assert run_cli("rollback", "--all", "--yes").exit_code == 0
    assert (git_repo / "openapi.yaml").read_bytes() == original


@needs_checks
def test_notices_json(run_cli: CliRunner, git_repo: Path, first: str) -> None:
    with (git_repo / ".gitmigrate.toml").open("a") as config:
        config.write(
            '\n[api.consumers.mobile]\ncontact = "m@example.com"\noperations = ["getPhoto"]\n'
        )
    result = run_cli("api", "notices", f"{first}:openapi.yaml", "openapi.yaml", "--json",
                     "--today", TODAY)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    mobile = json.loads(result.stdout)["consumers"][0]
    assert mobile["name"] == "mobile" and mobile["affected"] and mobile["deadline"] == "2030-01-01"
    text = run_cli("api", "notices", f"{first}:openapi.yaml", "openapi.yaml", "--today", TODAY)
    assert "mobile <m@example.com>: 1 change(s), act by 2030-01-01" in text.stdout


@needs_checks
def test_plan_shows_an_api_steps_breaking_changes(run_cli: CliRunner, git_repo: Path, first: str) -> None:  # fmt: skip
    assert run_cli("start", "pets-v2").exit_code == 0
    assert (
        run_cli("api", "guide", f"{first}:openapi.yaml", "openapi.yaml", "--today", TODAY).exit_code
        == 0
    )
    review = run_cli("review")
    assert review.exit_code == 0, review.stderr
    breaking = next(ln for ln in review.stdout.splitlines() if ln.startswith("breaking = ["))
    assert '"api-removed-before-sunset at GET /pets/{petId}/photo"' in breaking
    assert '"new-required-request-property at POST /pets"' in breaking
    plan = run_cli("plan", "--output", "plan-out")
    assert plan.exit_code == 0, plan.stderr
    text = (git_repo / "plan-out" / "migration-plan.md").read_text()
    assert "new-required-request-property at POST /pets" in text


def test_deprecating_a_shared_property_warns(run_cli: CliRunner, git_repo: Path, first: str) -> None:  # fmt: skip
    assert run_cli("start", "deprecations").exit_code == 0
    result = run_cli("api", "deprecate", "openapi.yaml", "--operation", "getPet",
                     "--property", "species", "--sunset", "2027-06-30", "--print")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "species: {type: string, enum: [dog, cat], deprecated: true" in result.stdout
    made = run_cli("api", "deprecate", "openapi.yaml", "--operation", "getPet",
                   "--property", "species", "--sunset", "2027-06-30")  # fmt: skip
    assert made.exit_code == 0, made.stderr
    assert "components.schemas.Pet.properties.species is a shared schema" in made.stderr
    again = run_cli("api", "deprecate", "openapi.yaml", "--operation", "getPet",
                    "--property", "species", "--sunset", "2027-06-30")  # fmt: skip
    assert again.exit_code == 2 and "already deprecated" in again.stderr
