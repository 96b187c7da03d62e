"""`git migrate platform split` in a temp git repository holding the shop monolith: JSON that
parses (exit 0), the text report, and bad input (exit 2 with the fix)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.fixtures_git import CliRunner

MONOLITH = Path(__file__).resolve().parents[2] / "fixtures" / "platform" / "monolith"


def test_json_and_text(git_repo: Path, run_cli: CliRunner) -> None:
    shutil.copytree(MONOLITH / "shop", git_repo / "shop")
    result = run_cli("platform", "split", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["package"] == "shop" and len(data["clusters"]) == 5
    assert {"orders", "billing"} <= {c["name"] for c in data["clusters"]}
    calls = [c for b in data["boundaries"] for c in b["calls"]]
    assert {"caller", "file", "line", "callee"} <= set(calls[0])

    text = run_cli("platform", "split", "shop", "--clusters", "2", "--limit", "1")
    assert text.exit_code == 0, text.stderr
    assert "2 clusters by greedy_modularity_communities" in text.stdout
    assert "would become API calls" in text.stdout and "more (--limit 0" in text.stdout


def test_bad_input(git_repo: Path, run_cli: CliRunner) -> None:
    result = run_cli("platform", "split", "nope")
    assert result.exit_code == 2 and "no Python package 'nope'" in result.stderr
    (git_repo / "pkg").mkdir()
    (git_repo / "pkg" / "__init__.py").write_text("")
    (git_repo / "pkg" / "a.py").write_text("from . import b\n\nb.f()\n")
    (git_repo / "pkg" / "b.py").write_text("def f(:\n")
    broken = run_cli("platform", "split", "pkg")
    assert broken.exit_code == 0
    assert "pkg/b.py:1:" in broken.stderr and "does not parse" in broken.stderr
    many = run_cli("platform", "split", "pkg", "--clusters", "5")
    assert many.exit_code == 2 and "--clusters 5" in many.stderr
