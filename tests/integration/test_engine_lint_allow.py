"""The lint gate of `apply`: an error-level finding blocks the run unless allowed, either with
`--allow RULE` or by the step itself (`allow = [...]` in step.toml, reviewed with the step)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.errors import BlockedError
from tests.engine_helpers import make_project

CREATE = "CREATE TABLE t (id BIGINT PRIMARY KEY);\n"
ADD = "ALTER TABLE t ADD COLUMN c INTEGER NOT NULL;\n"  # an error finding; fine on an empty t


def test_a_rule_allowed_in_step_toml_does_not_block_apply(
    postgres_url: str, git_repo: Path
) -> None:
    project = make_project(postgres_url, git_repo)
    project.start("gate")
    project.step("create t", CREATE, "DROP TABLE t;\n")
    step = project.step("add a required column", ADD, "ALTER TABLE t DROP COLUMN c;\n")
    with pytest.raises(BlockedError, match="adding-not-nullable-column"):
        project.apply()
    toml = project.step_dir(step) / "step.toml"
    toml.write_text('allow = ["adding-not-nullable-column"]\n' + toml.read_text())
    project.commit_all("accept the finding: the table is new and empty")
    assert [run.step.id for run in project.apply().runs] == ["gate/001", "gate/002"]
