"""docs/kinds/platform.md's worked example is a script: its files are written, its commands run
in order (plain commands in a real shell, `git migrate` through the real CLI's entry point in
this process, with the real converters), and each command's documented output lines
must appear in order in what it printed (`…` matches anything). A command ending in `# exit N`
must exit N; every other must exit 0. The reading and matching are docs/kinds/code.md's test's."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

from tests.e2e.test_code_kind_docs import _BLOCK, Command, _commands, _matches
from tests.fixtures_git import CliRunner
from tests.unit.platform_kind_support import converters

__all__ = ["converters"]

DOC = Path(__file__).resolve().parents[2] / "docs" / "kinds" / "platform.md"


def worked_example() -> list[tuple[str, str] | Command]:
    text = DOC.read_text(encoding="utf-8").split("## Worked example", 1)[1].split("\n## ", 1)[0]
    actions: list[tuple[str, str] | Command] = []
    for block in _BLOCK.finditer(text):
        if block.group("path"):
            actions.append((block.group("path"), block.group("body")))
        elif block.group("info") == "console":
            actions += _commands(block.group("body"))
    return actions


def test_the_example_has_files_and_commands() -> None:
    actions = worked_example()
    assert sum(isinstance(a, Command) for a in actions) >= 10
    assert [a[0] for a in actions if isinstance(a, tuple)] == [
        "docker-compose.yml",
        "infra/main.tf",
    ]


def test_the_doc_links_the_other_platform_pages() -> None:
    text = DOC.read_text(encoding="utf-8")
    for page in ("platform-scan.md", "platform-terraform.md", "platform-split.md",
                 "platform-compose.md"):  # fmt: skip
        assert f"]({page})" in text and (DOC.parent / page).is_file()
    assert "data and state" in text.split("## What is automated, and what is not", 1)[1]


def test_the_worked_example_runs(run_cli: CliRunner, git_repo: Path, converters: str) -> None:
    for action in worked_example():
        if isinstance(action, tuple):
            (git_repo / action[0]).parent.mkdir(parents=True, exist_ok=True)
            (git_repo / action[0]).write_text(action[1], encoding="utf-8")
            continue
        if action.line.startswith("git migrate ") and "&&" not in action.line:
            result = run_cli(*shlex.split(action.line)[2:], cwd=git_repo)
            code, output = result.exit_code, result.stdout + result.stderr
        else:
            first, _, rest = action.line.partition(" && ")
            if first.startswith("git migrate "):  # `git migrate plan ... && grep ...`
                assert run_cli(*shlex.split(first)[2:], cwd=git_repo).exit_code == 0
                line = rest
            else:
                line = action.line
            proc = subprocess.run(["bash", "-c", line], cwd=git_repo, capture_output=True,
                                  text=True, check=False)  # fmt: skip
            code, output = proc.returncode, proc.stdout + proc.stderr
        assert code == action.exit_code, f"$ {action.line}\n{output}"
        assert _matches(action.expected, output), f"$ {action.line}\n{output}"
    assert not (git_repo / "k8s").exists()
