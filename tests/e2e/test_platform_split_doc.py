"""docs/kinds/platform-split.md's worked example is what the command prints: every line of its
excerpt appears in the output of the command the page shows."""

from __future__ import annotations

import re
from pathlib import Path

from tests.fixtures_git import CliRunner

ROOT = Path(__file__).resolve().parents[2]


def test_the_worked_example_matches(run_cli: CliRunner) -> None:
    page = (ROOT / "docs" / "kinds" / "platform-split.md").read_text()
    command = re.search(r"^\$ git migrate -C (\S+) (platform split .*)$\n(.*)$", page, re.M)
    assert command is not None
    excerpt = re.search(r"```text\n(.*?)```", page, re.S)
    assert excerpt is not None
    result = run_cli(*command.group(2).split(), cwd=ROOT / command.group(1))
    assert result.exit_code == 0, result.stderr
    printed = result.stdout.splitlines()
    for line in [command.group(3), *excerpt.group(1).splitlines()]:
        assert line in printed, line
