"""Shared pieces of the api kind's tests: the two small Pets specs of fixtures/api/specs/ (v2
removes a deprecated operation before its sunset, adds a required request property, drops an
optional response property) and a repository holding v1 then v2 of openapi.yaml."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures_git import git

SPECS = Path(__file__).resolve().parents[2] / "fixtures" / "api" / "specs"
V1 = SPECS / "pets-v1.yaml"
V2 = SPECS / "pets-v2.yaml"
TODAY = "2026-12-07"


def commit_spec(repo: Path, source: Path, message: str, name: str = "openapi.yaml") -> str:
    (repo / name).write_bytes(source.read_bytes())
    git(repo, "add", name)
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def v1_then_v2(repo: Path) -> str:
    """openapi.yaml at v1 (returned: that commit), then v2 committed on top."""
    first = commit_spec(repo, V1, "pets v1")
    commit_spec(repo, V2, "pets v2")
    return first
