"""Where specs come from: REV:path read from git (relative $refs from the same revision), and
the size limit checked before a spec is read whole."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.openapi.load import load_spec as load_with_limit
from gitmigrate.openapi.spec import load_spec

API = """\
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /pets:
    get:
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {$ref: 'schemas.yaml#/Pet'}
"""


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}  # fmt: skip
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "openapi.yaml").write_text(API)
    (tmp_path / "api" / "schemas.yaml").write_text("Pet: {type: object, required: [id]}\n")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "v1")
    # the work tree moves on: REV:path must not read it
    (tmp_path / "api" / "schemas.yaml").write_text("Pet: {type: string}\n")
    return tmp_path


def _schema(doc: dict[str, object]) -> object:
    return doc["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]  # type: ignore[index]


def test_rev_path_reads_the_spec_and_its_refs_from_the_revision(repo: Path) -> None:
    spec = load_spec("main:api/openapi.yaml", cwd=repo)
    assert _schema(spec.doc) == {"type": "object", "required": ["id"]}
    assert spec.name == "main:api/openapi.yaml"
    assert spec.where(_schema(spec.doc)) == "main:api/schemas.yaml:1:1"
    assert _schema(load_spec("api/openapi.yaml", cwd=repo).doc) == {"type": "string"}


def test_rev_dot_path_is_relative_to_cwd_as_in_git(repo: Path) -> None:
    spec = load_spec("HEAD:./openapi.yaml", cwd=repo / "api")
    assert _schema(spec.doc) == {"type": "object", "required": ["id"]}


def test_an_unknown_revision_is_a_usage_error(repo: Path) -> None:
    with pytest.raises(UsageError, match="nope:api/openapi.yaml cannot be read from git"):
        load_spec("nope:api/openapi.yaml", cwd=repo)


def test_a_spec_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as out:  # sparse: 101 MiB without writing them
        out.truncate(101 * 1024 * 1024)
    with pytest.raises(UsageError) as caught:
        load_spec("huge.yaml", cwd=tmp_path)
    assert "huge.yaml is 101.0 MiB, over the 100 MiB limit" in str(caught.value)


def test_the_limit_applies_to_git_blobs_and_ref_files(repo: Path) -> None:
    with pytest.raises(UsageError, match="main:api/openapi.yaml is 0.0 MiB, over the 0 MiB limit"):
        load_with_limit("main:api/openapi.yaml", cwd=repo, limit=100)
    (repo / "api" / "schemas.yaml").write_text("Pet: {type: string}\n" + "#" * len(API))
    with pytest.raises(UsageError, match="api/schemas.yaml is .* over the"):
        load_with_limit("api/openapi.yaml", cwd=repo, limit=len(API) + 10)
