"""The built-in recipes through the real CLI (a separate process): scan finds Pydantic 1 and
React 17 APIs, `code add` commits each recipe's rewrite verified by a real command on
Pydantic 2, and rolling the steps back restores every byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures_git import CliRunner, git
from tests.unit.test_code_kind_support import commit_all

MODELS = """\
from typing import Optional

from pydantic import BaseModel, validator


class Item(BaseModel):
    name: str
    note: Optional[str]

    class Config:
        orm_mode = True

    @validator("name")
    def strip(cls, v):
        return v.strip()
"""
INDEX = 'import ReactDOM from "react-dom";\nReactDOM.render(<App />, document.getElementById("root"));\n'
CHECK = "python -c \"from app.models import Item; assert Item(name=' a ').name == 'a'\""


@pytest.fixture
def project(git_repo: Path, run_subprocess: CliRunner) -> Path:
    pytest.importorskip("ast_grep_py")
    commit_all(git_repo, {"app/__init__.py": "", "app/models.py": MODELS, "web/index.jsx": INDEX})
    assert run_subprocess("start", "upgrade").exit_code == 0
    return git_repo


def test_scan_add_and_rollback_with_the_built_in_recipes(
    project: Path, run_subprocess: CliRunner
) -> None:
    scanned = run_subprocess("code", "scan", "--json")
    assert scanned.exit_code == 0, scanned.stderr
    rules = {f["rule"] for f in json.loads(scanned.stdout)["findings"]}
    assert {"BP001", "BP002", "BP007", "RE001"} <= rules
    added = run_subprocess("code", "add", "pydantic2", "app", "--verify-cmd", CHECK, "-m", "pd2")
    assert added.exit_code == 0, added.stderr
    assert "passed in" in added.stdout
    models = (project / "app" / "models.py").read_text()
    assert "model_config = ConfigDict(from_attributes=True)" in models
    assert "@field_validator" in models and "note: Optional[str] = None" in models
    react = run_subprocess("code", "add", "react18", "-m", "react 18")
    assert react.exit_code == 0, react.stderr
    assert "createRoot(" in (project / "web" / "index.jsx").read_text()
    assert run_subprocess("apply").exit_code == 0
    rolled = run_subprocess("rollback", "--all", "-y")
    assert rolled.exit_code == 0, rolled.stderr
    assert (project / "app" / "models.py").read_text() == MODELS
    assert (project / "web" / "index.jsx").read_text() == INDEX
    assert git(project, "status", "--porcelain") == ""
