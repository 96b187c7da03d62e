"""What plan and review say about a config step: its operation in words, the key-level diff
as the plan's details (secret values hidden), and scripts that need only git or the tool."""

from __future__ import annotations

from dataclasses import replace

from gitmigrate.kinds.config.kind import ConfigKind
from tests.unit.test_config_kind_support import config_step

KIND = ConfigKind()


def test_an_outside_tree_step_in_words_and_scripts() -> None:
    step = config_step({"op": "set", "file": "app.yaml", "key": "server.port", "value": 8080,
                        "target": "deployed"})  # fmt: skip
    described = KIND.describe(step, "tree", {})
    assert described.what == "sets server.port in app.yaml to 8080 (in the tree deployed)"
    assert described.details == (("app.yaml: server.port", "set: 8080"),)
    assert described.runs_in == "tree" and described.has_rollback
    scripts = described.scripts.by_suffix()
    assert "git migrate apply --target deployed --migration cfg --to 001\n" in scripts["up.sh"]
    assert "git migrate rollback --target deployed --migration cfg --all\n" in scripts["down.sh"]
    assert scripts["up.sh"].startswith("#!/bin/sh\n# cfg/001 a config change (config)")
    assert KIND.note(step, "tree")["impact"]["objects"] == ["app.yaml"]


def test_a_repository_step_script_is_git_apply_of_its_commit() -> None:
    step = replace(config_step({"op": "unset", "file": "a.toml", "key": "x"}), commit="c" * 40)
    scripts = KIND.describe(step, "tree", {}).scripts.by_suffix()
    diff = f"git diff --binary {'c' * 40}^ {'c' * 40} -- . ':(exclude)migrations'"
    assert f"{diff} | git apply --index\n" in scripts["up.sh"]
    assert f"{diff} | git apply --index -R\n" in scripts["down.sh"]


def test_secret_values_are_hidden() -> None:
    step = config_step({"op": "set", "file": "app.yaml", "key": "db.password", "value": "hunter2"})
    described = KIND.describe(step, "tree", {})
    assert "hunter2" not in described.what and "(hidden)" in described.what
    assert "hunter2" not in repr(described.details)
    assert "hunter2" not in repr(KIND.note(step, "tree"))


def test_a_broken_step_is_a_problem_not_a_crash() -> None:
    step = replace(config_step({"op": "unset", "file": "a.toml", "key": "x"}), options={"op": "x"})
    problems = KIND.check(step)
    assert len(problems) == 1 and "op must be one of" in problems[0].message
