"""docs/kinds/config.md's worked example is a script: its files are written, its commands run
in order (a real shell, the real `git migrate`), and each command's documented output lines
must appear in order in what it printed (`…` matches anything). A command ending in
`# exit N` must exit N; every other must exit 0."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.config_surface_support import launcher
from tests.fixtures_git import make_repo

DOC = Path(__file__).resolve().parents[2] / "docs" / "kinds" / "config.md"
_BLOCK = re.compile(
    r"(?:<!-- (?P<how>file|append): (?P<path>\S+) -->\n)?```(?P<info>\w*)\n(?P<body>.*?)```",
    re.DOTALL,
)
_AGE = re.compile(r"age1[0-9a-z]{58}")


@dataclass(frozen=True)
class Command:
    line: str
    expected: tuple[str, ...]
    exit_code: int


def worked_example() -> list[tuple[str, str, str] | Command]:
    """The example's actions in order: (how, path, text) for files, Commands for console lines."""
    text = DOC.read_text(encoding="utf-8").split("## Worked example", 1)[1].split("\n## ", 1)[0]
    actions: list[tuple[str, str, str] | Command] = []
    for block in _BLOCK.finditer(text):
        if block.group("how"):
            actions.append((block.group("how"), block.group("path"), block.group("body")))
        elif block.group("info") == "console":
            actions += _commands(block.group("body"))
    return actions


def _commands(body: str) -> list[Command]:
    found: list[Command] = []
    line, expected = None, []
    for row in body.splitlines() + ["$ "]:
        if row.startswith("$ "):
            if line:
                match = re.search(r"\s+# exit (\d+)$", line)
                code = int(match.group(1)) if match else 0
                command = line[: match.start()] if match else line
                found.append(Command(command, tuple(expected), code))
            line, expected = row[2:], []
        elif row.strip():
            expected.append(row)
    return found


def _matches(expected: tuple[str, ...], output: str) -> bool:
    lines = iter(output.splitlines())
    for want in expected:
        pattern = re.compile(".*".join(re.escape(part) for part in want.split("…")) + "$")
        if not any(pattern.match(got) for got in lines):
            return False
    return True


def test_the_example_has_files_and_commands() -> None:
    actions = worked_example()
    assert sum(isinstance(a, Command) for a in actions) >= 15
    assert any(isinstance(a, tuple) and a[1] == ".sops.yaml" for a in actions)


def test_the_worked_example_runs(tmp_path: Path, git_env: dict[str, str]) -> None:
    pyrage = pytest.importorskip("pyrage")
    identity = pyrage.x25519.Identity.generate()
    repo = make_repo(tmp_path / "project")
    env = {**os.environ, "SOPS_AGE_KEY": str(identity), **launcher(tmp_path / "bin")}
    for action in worked_example():
        if isinstance(action, tuple):
            how, path, body = action
            target = repo / path
            target.parent.mkdir(parents=True, exist_ok=True)
            body = _AGE.sub(str(identity.to_public()), body)
            with target.open("a" if how == "append" else "w", encoding="utf-8") as handle:
                handle.write(("\n" if how == "append" else "") + body)
            continue
        proc = subprocess.run(
            ["bash", "-c", action.line], cwd=repo, env=env, capture_output=True, text=True,
            check=False,
        )  # fmt: skip
        output = proc.stdout + proc.stderr
        assert proc.returncode == action.exit_code, f"$ {action.line}\n{output}"
        assert _matches(action.expected, output), f"$ {action.line}\n{output}"
        assert "s3cr3t-base-pw" not in proc.stderr  # never on the terminal's error stream
