"""docs/kinds/code.md's worked example is a script: its files are written, its commands run in
order (a real shell, the real `git migrate`, a real pytest as the verify command), and each
command's documented output lines must appear in order in what it printed (`…` matches
anything). A command ending in `# exit N` must exit N; every other must exit 0."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.config_surface_support import launcher
from tests.fixtures_git import make_repo

DOC = Path(__file__).resolve().parents[2] / "docs" / "kinds" / "code.md"
_BLOCK = re.compile(
    r"(?:<!-- file: (?P<path>\S+) -->\n)?```(?P<info>\w*)\n(?P<body>.*?)```", re.DOTALL
)


@dataclass(frozen=True)
class Command:
    line: str
    expected: tuple[str, ...]
    exit_code: int


def worked_example() -> list[tuple[str, str] | Command]:
    text = DOC.read_text(encoding="utf-8").split("## Worked example", 1)[1].split("\n## ", 1)[0]
    actions: list[tuple[str, str] | Command] = []
    for block in _BLOCK.finditer(text):
        if block.group("path"):
            actions.append((block.group("path"), block.group("body")))
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
                found.append(
                    Command(line[: match.start()] if match else line, tuple(expected), code)
                )
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


def run_actions(actions: list[Command | tuple[str, str]], repo: Path, env: dict[str, str]) -> None:
    """Write each file of a worked example, run each command, compare exit code and output
    (docs/kinds/*.md are run this way)."""
    for action in actions:
        if isinstance(action, tuple):
            path, body = action
            (repo / path).parent.mkdir(parents=True, exist_ok=True)
            (repo / path).write_text(body, encoding="utf-8")
            continue
        proc = subprocess.run(
            ["bash", "-c", action.line], cwd=repo, env=env, capture_output=True, text=True,
            check=False,
        )  # fmt: skip
        output = proc.stdout + proc.stderr
        assert proc.returncode == action.exit_code, f"$ {action.line}\n{output}"
        assert _matches(action.expected, output), f"$ {action.line}\n{output}"


def test_the_example_has_files_and_commands() -> None:
    actions = worked_example()
    assert sum(isinstance(a, Command) for a in actions) >= 10
    assert any(isinstance(a, tuple) and a[0] == "tools/dict_recipe.py" for a in actions)


def test_the_worked_example_runs(tmp_path: Path, git_env: dict[str, str]) -> None:
    repo = make_repo(tmp_path / "project")
    env = {**os.environ, **launcher(tmp_path / "bin"), "COLUMNS": "200"}
    run_actions(worked_example(), repo, env)
    assert "item.dict()  # the API's response body" in (repo / "app" / "models.py").read_text()
