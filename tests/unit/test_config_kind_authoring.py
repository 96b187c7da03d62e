"""Authoring config steps through the public API: one commit holding the step and the change
(every untouched line byte-identical), `print_only` committing nothing, and every refusal
(schema broken, nothing to change, a file outside the repository) leaving no commit."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from gitmigrate import api
from gitmigrate.core.authoring import start_migration
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.errors import BlockedError, UsageError
from tests.fixtures_git import git, snapshot
from tests.unit.test_config_kind_support import TOML, YAML, write_tree


@pytest.fixture
def repo(git_repo: Path) -> Path:
    write_tree(git_repo)
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "config files")
    start_migration(GitRepo(git_repo), "cfg")
    return git_repo


def test_set_commits_the_step_and_the_change_together(repo: Path) -> None:
    added = api.config_set(repo, "app.yaml", "server.port", "8080", parse=True)
    step = added.step
    assert step is not None and step.id == "cfg/001" and step.kind == "config"
    changed = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert changed == [
        "app.yaml",
        "migrations/cfg/001-set-server-port-in-app-yaml/changes.json",
        "migrations/cfg/001-set-server-port-in-app-yaml/step.toml",
    ]
    assert (repo / "app.yaml").read_text() == YAML.replace("port: 80", "port: 8080")
    assert not git(repo, "status", "--porcelain").strip()
    meta = tomllib.loads((repo / step.path / "step.toml").read_text())
    assert meta["options"] == {"op": "set", "file": "app.yaml", "key": "server.port", "value": 8080}
    changes = json.loads((repo / step.path / "changes.json").read_text())["changes"]
    assert changes == [{"file": "app.yaml", "key": "server.port", "what": "changed",
                        "old": "80", "new": "8080"}]  # fmt: skip
    assert "Migrate-Kind: config" in git(repo, "log", "-1", "--format=%B")


def test_print_only_commits_nothing(repo: Path) -> None:
    before = snapshot(repo)
    shown = api.config_rename(repo, "app.toml", "server.port", "listen", print_only=True)
    assert shown.step is None and shown.preview is not None
    assert snapshot(repo) == before and (repo / "app.toml").read_text() == TOML
    assert "-port = 80\n+listen = 80\n" in shown.preview.diff
    lines = [c.line() for c in shown.preview.changes]
    assert lines == ["app.toml: server.port renamed to server.listen"]
    assert shown.to_json()["committed"] is False


def test_a_schema_the_result_breaks_commits_nothing(repo: Path) -> None:
    (repo / "schema.json").write_text(json.dumps({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "properties": {"server": {"properties": {"port": {"type": "integer"}}}},
    }))  # fmt: skip
    git(repo, "add", "schema.json")
    git(repo, "commit", "-qm", "schema")
    before = snapshot(repo)
    with pytest.raises(BlockedError) as caught:
        api.config_set(repo, "app.yaml", "server.port", "eighty", parse=True, schema="schema.json")
    assert "server.port" in caught.value.message
    assert snapshot(repo) == before and (repo / "app.yaml").read_text() == YAML
    ok = api.config_set(repo, "app.yaml", "server.port", 81, schema="schema.json").step
    assert ok is not None and "schema.json" in ok.files  # the schema travels with the step


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda r: api.config_set(r, "app.yaml", "server.port", 80), "nothing changes"),
        (lambda r: api.config_unset(r, "app.yaml", "server.nope"), "no key server.nope"),
        (lambda r: api.config_set(r, "/etc/hosts.yaml", "a", 1), "outside the repository"),
        (lambda r: api.config_set(r, "../x.yaml", "a", 1), "outside the repository"),
        (lambda r: api.config_set(r, "missing.yaml", "a", 1), "does not exist"),
        (lambda r: api.config_set(r, "README.md", "a", 1), "cannot tell its format"),
    ],
)
def test_refusals_commit_nothing(repo: Path, call, words: str) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(repo)
    with pytest.raises(UsageError) as caught:
        call(repo)
    assert words in caught.value.message
    assert snapshot(repo) == before


def test_a_step_for_an_outside_tree_holds_the_operation_only(repo: Path, tmp_path: Path) -> None:
    config = repo / ".gitmigrate.toml"
    config.write_text(config.read_text() + f'\n[targets.deployed]\npath = "{tmp_path}"\n')
    git(repo, "commit", "-qam", "deployed tree")
    step = api.config_set(repo, "app.yaml", "server.port", 8080, target="deployed").step
    assert step is not None
    changed = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert all(p.startswith("migrations/") for p in changed)  # no project file changes
    assert step.options["target"] == "deployed"
    with pytest.raises(UsageError) as caught:
        api.config_set(repo, "app.yaml", "a", 1, target="dev")  # a database target
    assert "is a database" in caught.value.message


def test_a_binary_or_broken_file_is_refused_with_where(repo: Path) -> None:
    (repo / "blob.yaml").write_bytes(b"a: 1\n\x00\x01\x02")
    (repo / "bad.toml").write_text('[server]\nport = 80\nhost = "x\n')
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "odd files")
    before = snapshot(repo)
    with pytest.raises(UsageError) as binary:
        api.config_set(repo, "blob.yaml", "a", 2)
    assert "binary" in binary.value.message
    with pytest.raises(UsageError) as broken:
        api.config_set(repo, "bad.toml", "server.port", 81)
    assert broken.value.message.startswith("bad.toml:3:")
    assert snapshot(repo) == before


def test_set_in_every_format_keeps_the_other_lines(repo: Path) -> None:
    from tests.unit.test_config_kind_support import FILES

    for name, key in (("app.toml", "server.port"), ("app.json", "server.port"),
                      ("app.ini", "server.port"), (".env", "PORT")):  # fmt: skip
        api.config_set(repo, name, key, "8080", parse=True)
        new = (repo / name).read_text().splitlines()
        old = FILES[name].splitlines()
        assert len(new) == len(old)
        assert [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b] == [
            next(i for i, line in enumerate(old) if "80" in line)
        ]
