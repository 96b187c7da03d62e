"""The runner: which files, what module each is, findings in order, files that cannot be
read or parsed skipped whole, and the same result with one worker or several."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.codemods.files import module_of
from gitmigrate.codemods.runner import run_recipe
from gitmigrate.errors import UsageError
from tests.fixtures_git import git
from tests.unit.test_code_kind_support import ECHO, recipe_file


@pytest.mark.parametrize(
    ("path", "module", "package"),
    [
        ("app/models.py", "app.models", "app"),
        ("app/__init__.py", "app", "app"),
        ("src/app/models.py", "app.models", "app"),
        ("top.py", "top", ""),
        ("stubs/x.pyi", "stubs.x", "stubs"),
        ("web/index.js", "", ""),
    ],
)
def test_module_names(path: str, module: str, package: str) -> None:
    assert module_of(path) == (module, package)


def _tree(root: Path) -> Path:
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "a.py").write_text("x = m.dict()\ny = m.json()\nz = m.dict()\n")
    (root / "app" / "b.py").write_text("# nothing here\n")
    (root / "app" / "broken.py").write_text("def oops(:\n    m.dict()\n")
    (root / "app" / "latin.py").write_bytes(b"# caf\xe9\nx = m.dict()\n")
    (root / "app" / "blob.py").write_bytes(b"\x00\x01m.dict()")
    return root


def test_a_run_rewrites_flags_and_skips(tmp_path: Path) -> None:
    root = _tree(tmp_path / "tree")
    recipe = recipe_file(tmp_path / "r" / "testkit.py")
    run = run_recipe(root, str(recipe), jobs=1)
    assert run.recipe == "testkit"
    assert run.changed == {"app/a.py": "x = m.model_dump()\ny = m.json()\nz = m.model_dump()\n"}
    assert [(f.where(), f.rule, f.fixable) for f in run.findings] == [
        ("app/a.py:1:4", "TK001", True),
        ("app/a.py:2:4", "TK002", False),
        ("app/a.py:3:4", "TK001", True),
    ]
    assert run.applied() == {"TK001": 2}
    skipped = dict(run.skipped)
    assert sorted(skipped) == ["app/blob.py", "app/broken.py", "app/latin.py"]
    assert skipped["app/broken.py"] == "does not parse: app/broken.py:1:9: invalid syntax"
    assert skipped["app/blob.py"] == "binary file"
    assert skipped["app/latin.py"].startswith("not UTF-8")
    assert run.scanned == 6


def test_paths_limit_the_run_and_outside_paths_are_refused(tmp_path: Path) -> None:
    root = _tree(tmp_path / "tree")
    (root / "other").mkdir()
    (root / "other" / "c.py").write_text("m.dict()\n")
    recipe = str(recipe_file(tmp_path / "r" / "testkit.py"))
    assert list(run_recipe(root, recipe, ["other"], jobs=1).changed) == ["other/c.py"]
    assert list(run_recipe(root, recipe, ["other/c.py"], jobs=1).changed) == ["other/c.py"]
    with pytest.raises(UsageError, match="outside the repository"):
        run_recipe(root, recipe, ["../r"], jobs=1)
    with pytest.raises(UsageError, match="does not exist"):
        run_recipe(root, recipe, ["nowhere"], jobs=1)


def test_in_git_tracked_and_untracked_files_count_ignored_ones_do_not(
    git_repo: Path, tmp_path: Path
) -> None:
    (git_repo / ".gitignore").write_text("build/\n")
    (git_repo / "tracked.py").write_text("m.dict()\n")
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "tracked")
    (git_repo / "new.py").write_text("m.dict()\n")
    (git_repo / "build").mkdir()
    (git_repo / "build" / "gen.py").write_text("m.dict()\n")
    run = run_recipe(git_repo, str(recipe_file(tmp_path / "r.py")), jobs=1)
    assert sorted(run.changed) == ["new.py", "tracked.py"]


def test_every_transform_sees_the_whole_pre_pass_and_its_module(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    for path in ("src/pkg/__init__.py", "src/pkg/mod.py", "tool.py"):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text("x = 1\n")
    run = run_recipe(root, ECHO, jobs=1)
    assert [(f.path, f.message) for f in run.findings] == [
        ("src/pkg/__init__.py", "pkg|pkg|3"),
        ("src/pkg/mod.py", "pkg.mod|pkg|3"),
        ("tool.py", "tool||3"),
    ]


def test_the_result_is_the_same_with_several_workers(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    for n in range(80):
        body = "a = m.dict()\n" if n % 3 else "def broken(:\n"
        (root / f"pkg{n % 4}").mkdir(parents=True, exist_ok=True)
        (root / f"pkg{n % 4}" / f"m{n:03d}.py").write_text(body + f"b{n} = m.json()\n")
    recipe = str(recipe_file(tmp_path / "r" / "testkit.py"))
    one = run_recipe(root, recipe, jobs=1)
    two = run_recipe(root, recipe, jobs=2)
    assert len(one.changed) == 53 and len(one.skipped) == 27
    assert (one.changed, one.findings, one.skipped, one.scanned) == (
        two.changed, two.findings, two.skipped, two.scanned,
    )  # fmt: skip


def test_a_composite_runs_its_parts_in_order_and_never_half_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gitmigrate.codemods import registry
    from gitmigrate.codemods.recipe import CompositeRecipe

    monkeypatch.setitem(registry.BUILTIN, "marker", "tests.unit.test_code_kind_support:MARKER")
    monkeypatch.setitem(registry.BUILTIN, "picky", "tests.unit.test_code_kind_support:PICKY")
    root = tmp_path / "tree"
    root.mkdir()
    (root / "good.py").write_text("x = 1\n")
    (root / "bad.py").write_text("y = 'bad'\n")
    run = run_recipe(root, CompositeRecipe("both", "marker then picky", ("marker", "picky")))
    assert run.changed == {"good.py": "x = 1\n# touched\n"}  # bad.py: not half-written
    assert run.skipped == (("bad.py", "does not parse: bad.py:1:4: bad token"),)
    assert [f.path for f in run.findings] == ["good.py"]  # its part-one rewrite is dropped too


def test_a_symbolic_link_is_never_read_or_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("m.dict()\n")
    root = tmp_path / "tree"
    root.mkdir()
    (root / "link.py").symlink_to(outside)
    (root / "real.py").write_text("m.dict()\n")
    run = run_recipe(root, str(recipe_file(tmp_path / "r" / "testkit.py")), jobs=1)
    assert list(run.changed) == ["real.py"] and run.scanned == 1
