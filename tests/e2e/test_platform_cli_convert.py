"""`git migrate platform convert compose-to-k8s|terraform` through the real CLI in a real
repository: each commits a platform step holding the generated files (and their copies), says
what was dropped and what needs a person; plan and review show both; apply verifies, rollback
restores every project file byte for byte; bad input is one line, exit 2, nothing changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures_git import CliRunner, git, snapshot
from tests.unit.platform_kind_support import COMPOSE, converters, write_projects

__all__ = ["converters"]


def _files(repo: Path) -> dict[str, bytes]:
    """Every project file (not ignored) outside migrations/: what a rollback must restore."""
    listed = git(repo, "ls-files", "--cached", "--others", "--exclude-standard").split("\n")
    return {p: (repo / p).read_bytes() for p in sorted(listed)
            if p and not p.startswith("migrations/") and (repo / p).is_file()}  # fmt: skip


@pytest.fixture
def project(git_repo: Path, run_cli: CliRunner, converters: str) -> Path:
    write_projects(git_repo)
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "the platform as it is")
    assert run_cli("start", "to-k8s").exit_code == 0
    return git_repo


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["compose-to-k8s", "nope.yml", "--out", "k8s"], "nope.yml does not exist"),
        (["compose-to-k8s", "docker-compose.yml", "--out", "../k8s"], "is not a project path"),
        (["compose-to-k8s", "docker-compose.yml", "--out", "k8s", "--controller", "job"],
         "'job' is not one of"),
        (["compose-to-k8s", "docker-compose.yml"], "Missing option '--out'"),
        (["terraform", "nowhere", "--to", "gcp"], "nowhere is not a directory"),
        (["terraform", "infra", "--to", "oracle"], "'oracle' is not one of"),
        (["terraform", "infra", "--from", "gcp", "--to", "azure"], "'gcp' is not 'aws'"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_changes_nothing(
    run_cli: CliRunner, project: Path, args: list[str], words: str
) -> None:
    before = snapshot(project), _files(project)
    result = run_cli("platform", "convert", *args)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr
    assert (snapshot(project), _files(project)) == before


def test_an_uncommitted_compose_file_is_refused(run_cli: CliRunner, project: Path) -> None:
    (project / "docker-compose.yml").write_text(COMPOSE.replace("8080", "9090"))
    before = snapshot(project)
    result = run_cli("platform", "convert", "compose-to-k8s", "docker-compose.yml", "--out", "k8s")
    assert result.exit_code == 2, result.stderr
    assert "docker-compose.yml is not committed as it is in the work tree" in result.stderr
    assert snapshot(project) == before and not (project / "k8s").exists()


def test_an_untracked_file_in_the_way_is_refused(run_cli: CliRunner, project: Path) -> None:
    (project / "k8s").mkdir()
    (project / "k8s" / "web-deployment.yaml").write_text("# written by hand, never committed\n")
    before = snapshot(project)
    result = run_cli("platform", "convert", "compose-to-k8s", "docker-compose.yml", "--out", "k8s")
    assert result.exit_code == 2, result.stderr
    assert "k8s/web-deployment.yaml exists but is not committed" in result.stderr
    assert snapshot(project) == before
    assert (project / "k8s" / "web-deployment.yaml").read_text().startswith("# written by hand")


def test_convert_plan_apply_rollback(run_cli: CliRunner, project: Path, tmp_path: Path) -> None:
    before = _files(project)
    made = run_cli("platform", "convert", "compose-to-k8s", "docker-compose.yml", "--out", "k8s",
                   "--namespace", "shop", "-m", "compose to k8s")  # fmt: skip
    assert made.exit_code == 0, made.stderr
    assert "generated k8s/web-deployment.yaml" in made.stdout + made.stderr
    assert "dropped services.web.logging (docker-compose.yml:" in made.stderr
    shown = git(project, "show", "--name-only", "--format=", "HEAD").split()
    assert "k8s/web-deployment.yaml" in shown
    assert any(p.endswith("/outputs/k8s/web-deployment.yaml.out") for p in shown)
    assert "platform: compose to k8s" in git(project, "log", "-1", "--format=%s")
    tf = run_cli("platform", "convert", "terraform", "infra", "--to", "gcp", "--json")
    assert tf.exit_code == 0, tf.stderr
    body = json.loads(tf.stdout)
    assert body["kind"] == "platform" and body["files"] == ["infra/main.tf"]
    assert any("aws_iam_role.app" in n for n in body["needs_person"])
    plan = run_cli("plan", "-o", str(tmp_path / "plan"))
    assert plan.exit_code == 0, plan.stderr
    text = (tmp_path / "plan" / "migration-plan.md").read_text()
    assert "DROPPED services.web.logging" in text and "the cluster's logging agent" in text
    assert "NEEDS A PERSON" in text and "aws_iam_role.app" in text
    report = (tmp_path / "plan" / "validation-report.md").read_text()
    assert "data and state do not move with this step" in report
    up = (tmp_path / "plan" / "migration-scripts").rglob("*up.sh")
    assert any("git apply --index" in p.read_text() for p in up)
    review = run_cli("review")
    assert review.exit_code == 0, review.stderr
    assert 'dropped = ["services.web.logging (docker-compose.yml:' in review.stdout
    assert 'needs_person = ["aws_iam_role.app' in review.stdout
    assert run_cli("apply").exit_code == 0
    assert run_cli("verify").exit_code == 0
    assert run_cli("rollback", "--all", "--yes").exit_code == 0
    assert _files(project) == before


def test_invalid_compose_yaml_is_one_line_with_file_line_col(
    run_cli: CliRunner, project: Path, converters: str
) -> None:
    (project / "broken.yml").write_text("services:\n  web:\n    image: [nginx\n")
    git(project, "add", "broken.yml")
    git(project, "commit", "-qm", "a broken compose file")
    before = snapshot(project)
    result = run_cli("platform", "convert", "compose-to-k8s", "broken.yml", "--out", "k8s")
    assert result.exit_code == 2, result.stdout + result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith("error: ") and "broken.yml:" in first, result.stderr
    assert "Traceback" not in result.stderr and snapshot(project) == before


def test_relative_paths_are_read_from_the_compose_files_directory(
    run_cli: CliRunner, project: Path, converters: str
) -> None:
    """As `docker compose -f deploy/compose.yaml`: env_file is relative to deploy/."""
    (project / "deploy").mkdir()
    (project / "deploy" / "app.env").write_text("GREETING=hi\n")
    (project / "deploy" / "compose.yaml").write_text(
        "services:\n  api:\n    image: python:3.12\n    env_file: app.env\n"
    )
    git(project, "add", "deploy")
    git(project, "commit", "-qm", "deploy/")
    result = run_cli("platform", "convert", "compose-to-k8s", "deploy/compose.yaml", "--out", "k8s")
    assert result.exit_code == 0, result.stderr
    assert "GREETING" in "".join(p.read_text() for p in (project / "k8s").glob("*.yaml"))


def test_profiles_choose_the_services(run_cli: CliRunner, project: Path, converters: str) -> None:
    (project / "docker-compose.yml").write_text(
        COMPOSE + "  debug:\n    image: busybox:1.36\n    profiles: [debug]\n"
    )
    git(project, "commit", "-qam", "a debug service")
    result = run_cli("platform", "convert", "compose-to-k8s", "docker-compose.yml", "--out",
                     "k8s", "--profile", "web-only", "--json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    assert "k8s/web-deployment.yaml" in body["files"]
    assert not any("debug" in f for f in body["files"])
    assert git(project, "show", "HEAD:" + body["files"][0])
    step = git(project, "show", "--name-only", "--format=", "HEAD").split()
    toml = next(p for p in step if p.endswith("step.toml"))
    assert 'profiles = ["web-only"]' in (project / toml).read_text()
