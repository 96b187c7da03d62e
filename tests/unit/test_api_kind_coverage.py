"""Which breaking changes of a branch have neither adapter nor waiver ([api] require_adapter),
waivers as step options (`ID at OPERATION` with a reason), the step note and description that
plan and review show, and the adapter step (helper AD's generator)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitmigrate.core.authoring import start_migration
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.errors import UsageError
from gitmigrate.kinds.api.authoring import ApiPreview, author_api_step
from gitmigrate.kinds.api.coverage import uncovered
from gitmigrate.kinds.api.kind import ApiKind
from gitmigrate.kinds.api.options import Waiver, options_of
from gitmigrate.kinds.api.record import RecordedChange, recorded
from tests.fixtures_git import git
from tests.unit.test_api_kind_support import TODAY, needs_checks, v1_then_v2

REMOVED = "api-removed-before-sunset at GET /pets/{petId}/photo"
REQUIRED = "new-required-request-property at POST /pets"


def _guide(repo: GitRepo, first: str, **extra: object) -> Step:
    raw = {"command": "guide", "base": f"{first}:openapi.yaml", "revision": "openapi.yaml",
           "today": TODAY, **extra}  # fmt: skip
    made = author_api_step(repo, raw, summary="guide")
    assert isinstance(made, Step)
    return made


@pytest.fixture
def first(git_repo: Path) -> str:
    found = v1_then_v2(git_repo)
    start_migration(GitRepo(git_repo), "pets-v2")
    return found


@needs_checks
def test_a_guide_step_records_the_breaking_changes(git_repo: Path, first: str) -> None:
    step = _guide(GitRepo(git_repo), first)
    keys = {c.key for c in recorded(step).breaking}
    assert {REMOVED, REQUIRED} <= keys
    assert {u.change.key for u in uncovered([step])} == keys
    note = ApiKind().note(step, "tree")
    assert {b["change"] for b in note["api"]["breaking"]} == keys
    assert {b["status"] for b in note["api"]["breaking"]} == {"open"}
    described = ApiKind().describe(step, "tree", {})
    assert any(REMOVED in row[0] for row in described.details)
    assert described.risks and described.risks[0].severity == "high"


@needs_checks
def test_waivers_cover_changes_by_operation_or_path(git_repo: Path, first: str) -> None:
    repo = GitRepo(git_repo)
    step = _guide(repo, first, waive=[REMOVED, "new-required-request-property at /pets"],
                  reason="no client calls these (90 days of access logs)")  # fmt: skip
    assert options_of(step.options).reason
    left = {u.change.key for u in uncovered([step])}
    assert REMOVED not in left and REQUIRED not in left
    statuses = {b["change"]: b["status"] for b in ApiKind().note(step, "tree")["api"]["breaking"]}
    assert statuses[REMOVED] == "waived"


@needs_checks
def test_a_waiver_in_a_later_step_covers_an_earlier_steps_change(git_repo: Path, first: str) -> None:  # fmt: skip
    repo = GitRepo(git_repo)
    guide = _guide(repo, first)
    second = _guide(repo, first, out="docs/again.md", waive=[REMOVED], reason="unused")
    assert {u.change.key for u in uncovered([guide, second])} >= {REQUIRED}
    assert REMOVED not in {u.change.key for u in uncovered([guide, second])}


def test_a_waiver_without_reason_or_in_a_bad_shape_is_refused(git_repo: Path, first: str) -> None:
    repo = GitRepo(git_repo)
    head = git(git_repo, "rev-parse", "HEAD")
    with pytest.raises(UsageError, match="needs a reason"):
        _guide(repo, first, waive=[REMOVED])
    with pytest.raises(UsageError, match="is not `ID at OPERATION`"):
        _guide(repo, first, waive=["api-removed-before-sunset"], reason="x")
    assert git(git_repo, "rev-parse", "HEAD") == head  # nothing committed


def test_print_only_commits_nothing(git_repo: Path, first: str) -> None:
    head = git(git_repo, "rev-parse", "HEAD")
    made = author_api_step(GitRepo(git_repo), {"command": "guide", "base": f"{first}:openapi.yaml",
                                               "revision": "openapi.yaml", "today": TODAY},
                           summary="guide", print_only=True)  # fmt: skip
    assert isinstance(made, ApiPreview)
    assert "docs/api/migration-guide.md" in made.files
    assert git(git_repo, "rev-parse", "HEAD") == head
    assert not (git_repo / "docs").exists()


@needs_checks
def test_push_problems_only_when_the_project_requires_adapters(git_repo: Path, first: str) -> None:
    step = _guide(GitRepo(git_repo), first)
    assert ApiKind().push_problems([step], git_repo) == []
    with (git_repo / ".gitmigrate.toml").open("a") as config:
        config.write("\n[api]\nrequire_adapter = true\n")
    problems = ApiKind().push_problems([step], git_repo)
    assert {p[0] for p in problems} == {step.id}
    assert any(REMOVED in p[1] for p in problems)
    assert all("api adapter" in p[2] for p in problems)


def test_waiver_matching() -> None:
    waiver = Waiver.parse("a-id at GET /x")
    assert waiver.covers("a-id", "GET /x", "/x") and not waiver.covers("b-id", "GET /x", "/x")
    assert Waiver.parse("a-id at /x").covers("a-id", "POST /x", "/x")
    assert RecordedChange("a-id", "error", "t", "GET /x", "/x").key == "a-id at GET /x"


@needs_checks
def test_an_adapter_step_commits_its_files_and_records_the_manual_changes(git_repo: Path, first: str) -> None:  # fmt: skip
    repo = GitRepo(git_repo)
    made = author_api_step(repo, {"command": "adapter", "base": f"{first}:openapi.yaml",
                                  "revision": "openapi.yaml", "out": "app/v1_adapter",
                                  "today": TODAY}, summary="v1 adapter")  # fmt: skip
    assert isinstance(made, Step)
    options = options_of(made.options)
    assert options.outputs and all(p.startswith("app/v1_adapter/") for p in options.outputs)
    shown = git(git_repo, "show", "--name-only", "--format=", made.commit or "").split()
    assert set(options.outputs) <= set(shown)
    # the step's copies never look like the project's tests or modules
    assert not [n for n in made.files if n.endswith(".py")]
    record = json.loads(made.files["findings.json"])
    left = uncovered([made])
    assert {u.change.key for u in left} == set(record["manual"]) & {
        c.key for c in recorded(made).breaking
    }
    assert left and all(u.manual and "cannot map it" in u.fix() for u in left)


def test_the_step_records_the_specs_by_commit(git_repo: Path, first: str) -> None:
    git(git_repo, "tag", "v1", first)
    step = author_api_step(GitRepo(git_repo), {"command": "guide", "base": "v1:openapi.yaml",
                                               "revision": "openapi.yaml", "today": TODAY},
                           summary="guide")  # fmt: skip
    assert isinstance(step, Step)
    assert step.options["base"] == f"{first}:openapi.yaml"  # a moved tag changes nothing
    assert step.options["revision"] == "openapi.yaml"  # a file stays a file
    assert recorded(step).base == f"{first}:openapi.yaml"
    guide = (git_repo / "docs" / "api" / "migration-guide.md").read_text()
    assert "From `v1:openapi.yaml` to `openapi.yaml`" in guide
