"""A config step on an outside tree: prior bytes kept before anything is written, a repeated
apply (after a crash) computes the same files, a rollback restores every byte and refuses to
overwrite a file changed since, a schema the result breaks writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitmigrate.engine.tree_backups import BACKUP_DIR
from gitmigrate.engine.tree_steps import tree_context
from gitmigrate.engine.tree_target import outside_target
from gitmigrate.errors import StepFailedError
from gitmigrate.kinds.config.kind import ConfigKind
from gitmigrate.testing import tree_bytes
from tests.unit.test_config_kind_support import YAML, config_step, write_tree

KIND = ConfigKind()
SET = {"op": "set", "file": "app.yaml", "key": "server.port", "value": 8080, "target": "t"}


def run(work: object) -> list[object]:
    return list(work)  # type: ignore[call-overload]


def ctx(tree: Path, *, dry_run: bool = False, log: list[str] | None = None):  # type: ignore[no-untyped-def]
    lines = log if log is not None else []
    return tree_context(outside_target("t", tree), dry_run=dry_run, log=lines.append)


def test_apply_writes_only_the_changed_line_and_keeps_the_prior_bytes(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "t")
    run(KIND.apply(config_step(SET), ctx(tree)))
    after = (tree / "app.yaml").read_text()
    assert after == YAML.replace("port: 80", "port: 8080")
    kept = tree / BACKUP_DIR / "cfg" / "001"
    manifest = json.loads((kept / "manifest.json").read_text())
    assert list(manifest["files"]) == ["app.yaml"]
    assert (kept / manifest["files"]["app.yaml"]["prior"]).read_text() == YAML


def test_a_repeated_apply_changes_nothing_more(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "t")
    step = config_step({"op": "rename", "file": "app.yaml", "key": "server.port",
                        "new_key": "listen", "target": "t"})  # fmt: skip
    run(KIND.apply(step, ctx(tree)))
    once = tree_bytes(tree)
    run(KIND.apply(step, ctx(tree)))  # a crash after the write: the engine runs it again
    assert tree_bytes(tree) == once
    run(KIND.rollback(step, ctx(tree)))
    assert (tree / "app.yaml").read_text() == YAML


def test_a_dry_run_says_what_it_would_write(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "t")
    before = tree_bytes(tree)
    log: list[str] = []
    run(KIND.apply(config_step(SET), ctx(tree, dry_run=True, log=log)))
    assert tree_bytes(tree) == before and not (tree / BACKUP_DIR).exists()
    assert log == ["t: write app.yaml", "t: app.yaml: server.port changed 80 -> 8080"]


def test_rollback_refuses_to_overwrite_a_later_change(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "t")
    step = config_step(SET)
    run(KIND.apply(step, ctx(tree)))
    (tree / "app.yaml").write_text("server: {port: 9}\n")  # someone edited it since
    with pytest.raises(StepFailedError) as caught:
        run(KIND.rollback(step, ctx(tree)))
    assert "changed since" in caught.value.message
    assert (tree / "app.yaml").read_text() == "server: {port: 9}\n"


def test_rollback_of_a_step_never_applied_does_nothing(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "t")
    before = tree_bytes(tree)
    log: list[str] = []
    run(KIND.rollback(config_step(SET), ctx(tree, log=log)))
    assert tree_bytes(tree) == before and "nothing" in log[0]


SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "server": {"type": "object", "properties": {"port": {"type": "integer", "maximum": 9000}}}
    },
}


def test_a_result_the_schema_refuses_writes_nothing(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "t")
    before = tree_bytes(tree)
    step = config_step({**SET, "value": 99999}, {"schema.json": json.dumps(SCHEMA).encode()})
    with pytest.raises(StepFailedError) as caught:
        run(KIND.apply(step, ctx(tree)))
    assert "app.yaml" in caught.value.message and "server.port" in caught.value.message
    assert tree_bytes(tree) == before and not (tree / BACKUP_DIR).exists()


def test_verify_checks_the_schema_too(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "t")
    step = config_step(SET, {"schema.json": json.dumps(SCHEMA).encode()})
    run(KIND.apply(step, ctx(tree)))
    assert KIND.verify(step, ctx(tree)) == []
    (tree / "app.yaml").write_text(YAML.replace("port: 80", "port: 8080\n  extra: 1"))
    assert KIND.verify(step, ctx(tree)) == []  # still valid, still 8080
    (tree / "app.yaml").write_text(YAML.replace("port: 80", "port: 81"))
    assert "not 8080" in KIND.verify(step, ctx(tree))[0].message


LAYERED = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["server"],
    "properties": {
        "server": {
            "type": "object",
            "required": ["host", "port"],
            "properties": {"port": {"type": "integer", "maximum": 9000}},
        }
    },
}


def test_the_schema_judges_the_merge_of_the_layers(tmp_path: Path) -> None:
    """prod.yaml alone lacks server.host (the base gives it): valid as a layer of the
    environment; a port over the maximum is reported at prod.yaml's line."""
    tree = write_tree(tmp_path / "t", {"base.yaml": "server:\n  host: a\n  port: 80\n",
                                       "prod.yaml": "server:\n  port: 443\n"})  # fmt: skip
    schema = {"schema.json": json.dumps(LAYERED).encode()}
    layers = ["base.yaml", "prod.yaml"]
    good = config_step({"op": "set", "file": "prod.yaml", "key": "server.port", "value": 8443,
                        "target": "t", "layers": layers}, schema)  # fmt: skip
    run(KIND.apply(good, ctx(tree)))
    assert KIND.verify(good, ctx(tree)) == []
    run(KIND.rollback(good, ctx(tree)))
    bad = config_step({"op": "set", "file": "prod.yaml", "key": "server.port", "value": 9443,
                       "target": "t", "layers": layers}, schema)  # fmt: skip
    with pytest.raises(StepFailedError) as caught:
        run(KIND.apply(bad, ctx(tree)))
    assert "prod.yaml:2: server.port" in caught.value.message
    assert (tree / "prod.yaml").read_text() == "server:\n  port: 443\n"
