"""Convert and merge steps: in the repository (the step commit writes the new file, and for a
convert without --out removes the source), on an outside tree (the three properties), a lossy
conversion listing every loss in the step and its note, and an environment's layers merged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitmigrate import api
from gitmigrate.core.authoring import start_migration
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.errors import UsageError
from gitmigrate.kinds.config.kind import ConfigKind
from gitmigrate.testing import check_tree_kind_properties
from tests.fixtures_git import git, snapshot
from tests.unit.test_config_kind_support import JSON, config_step, write_tree

BASE = "server:\n  host: localhost\n  port: 80\nnames: [a, b]\n"
PROD = "server:\n  port: 443\nnames: !append [c]\n"


@pytest.fixture
def repo(git_repo: Path) -> Path:
    write_tree(git_repo, {"app.json": JSON, "base.yaml": BASE, "prod.yaml": PROD,
                          "nulls.yaml": "a: 1\nb: null\n"})  # fmt: skip
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "config files")
    start_migration(GitRepo(git_repo), "cfg")
    return git_repo


def test_convert_replaces_the_source_in_one_commit(repo: Path) -> None:
    step = api.config_convert(repo, "app.json", to="yaml").step
    assert step is not None
    status = git(repo, "show", "--name-status", "--format=", "HEAD")
    assert "D\tapp.json" in status and "A\tapp.yaml" in status
    assert not (repo / "app.json").exists()
    assert "port: 80" in (repo / "app.yaml").read_text()
    assert step.options == {"op": "convert", "file": "app.json", "to": "yaml"}


def test_a_conversion_that_loses_values_needs_lossy_and_lists_them(repo: Path) -> None:
    before = snapshot(repo)
    with pytest.raises(UsageError) as caught:
        api.config_convert(repo, "nulls.yaml", to="env", out="nulls.env")
    assert "b" in caught.value.message + (caught.value.hint or "")
    assert snapshot(repo) == before
    step = api.config_convert(repo, "nulls.yaml", to="env", out="nulls.env", lossy=True).step
    assert step is not None and (repo / "nulls.yaml").exists()  # --out keeps the source
    losses = json.loads((repo / step.path / "changes.json").read_text())["losses"]
    assert [(x["file"], x["key"]) for x in losses] == [("nulls.yaml", "a"), ("nulls.yaml", "b")]
    assert "null" in losses[1]["reason"]
    note = ConfigKind().note(step, "tree")
    assert note["config"]["losses"] and note["impact"]["destructive"]


def test_merge_writes_the_layers_into_out(repo: Path) -> None:
    step = api.config_merge(repo, ["base.yaml", "prod.yaml"], out="build/prod.yaml").step
    assert step is not None
    merged = (repo / "build/prod.yaml").read_text()
    assert "port: 443" in merged and "host: localhost" in merged
    for name in ("a", "b", "c"):
        assert name in merged


def test_merge_of_an_environment(repo: Path) -> None:
    config = repo / ".gitmigrate.toml"
    config.write_text(
        config.read_text() + '\n[environments.prod]\nconfig = ["base.yaml", "prod.yaml"]\n'
    )
    git(repo, "commit", "-qam", "environments")
    shown = api.config_merge(repo, out="prod.merged.yaml", env="prod", print_only=True).preview
    assert shown is not None and shown.options["sources"] == ["base.yaml", "prod.yaml"]
    assert "+  port: 443\n" in shown.diff


@pytest.mark.parametrize(
    "options",
    [
        {"op": "convert", "file": "app.json", "to": "toml"},
        {"op": "convert", "file": "app.yaml", "to": "json", "out": "out/app.json", "lossy": True},
        {"op": "merge", "sources": ["app.yaml", "over.yaml"], "out": "merged.yaml"},
    ],
)
def test_properties_on_an_outside_tree(tmp_path: Path, options: dict[str, object]) -> None:
    tree = write_tree(tmp_path / "t")
    (tree / "over.yaml").write_text("server:\n  port: 9\n")
    step = config_step({**options, "target": "t"})
    check_tree_kind_properties(ConfigKind(), step, tree)


@pytest.mark.parametrize(
    "call",
    [
        lambda r: api.config_convert(r, "app.json", to="yaml"),
        lambda r: api.config_merge(r, ["base.yaml", "prod.yaml"], out="merged.yaml"),
    ],
)
def test_properties_on_the_repository_sort(repo: Path, tmp_path: Path, call) -> None:  # type: ignore[no-untyped-def]
    step = call(repo).step
    assert step is not None
    scratch = write_tree(tmp_path / "scratch", {"app.json": JSON, "base.yaml": BASE,
                                                "prod.yaml": PROD})  # fmt: skip
    check_tree_kind_properties(ConfigKind(), step, scratch)
