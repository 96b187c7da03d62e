"""`git migrate --help`, `git help migrate` and `git migrate help [CMD]` (issue 12, defect 11).

git answers `git migrate --help` with `man git-migrate`; it used to say "No manual entry"
(rc 16). The man pages are installed as data files into `<prefix>/share/man/man1`, which man-db
finds from PATH, so a fresh venv on PATH is enough: no MANPATH.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.fixtures_git import CliRunner

REPO = Path(__file__).resolve().parents[2]


def test_help_command_shows_the_help_of_git_migrate_and_of_a_command(run_cli: CliRunner) -> None:
    top = run_cli("help")
    assert top.exit_code == 0, top.stderr
    assert "Commands:" in top.stdout and "rollback" in top.stdout
    apply = run_cli("help", "apply")
    assert apply.exit_code == 0, apply.stderr
    assert "--dry-run" in apply.stdout and "apply [OPTIONS]" in apply.stdout
    nested = run_cli("help", "data", "add")
    assert nested.exit_code == 0, nested.stderr
    assert "data add [OPTIONS]" in nested.stdout
    unknown = run_cli("help", "aply")
    assert unknown.exit_code == 2
    assert "no command 'aply'" in unknown.stderr and "hint:" in unknown.stderr


@pytest.mark.skipif(shutil.which("man") is None, reason="man is not installed")
def test_git_migrate_help_opens_the_man_page_from_a_fresh_venv(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    # the dependencies come from this test's environment; git-migrate itself is installed as a
    # wheel (editable installs skip data files, setuptools#3399: scripts/setup.sh links them)
    site = Path(subprocess.run(
        [venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip())  # fmt: skip
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
         "--quiet", "--no-deps", str(REPO)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    assert (venv / "share" / "man" / "man1" / "git-migrate.1").is_file()
    env = {k: v for k, v in os.environ.items() if k not in ("MANPATH", "MANPAGER", "PAGER")}
    env |= {"PATH": f"{venv / 'bin'}:{env['PATH']}", "GIT_PAGER": "cat", "MANPAGER": "cat",
            "MANWIDTH": "80", "HOME": str(tmp_path)}  # fmt: skip
    for argv in (["git", "migrate", "--help"], ["git", "help", "migrate"]):
        shown = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True)
        assert shown.returncode == 0, (argv, shown.stderr)
        assert re.search(r"NAME\s+git-migrate\s+-\s+Migrations", shown.stdout), shown.stdout
        assert "rollback" in shown.stdout
    apply = subprocess.run(["man", "git-migrate-apply"], env=env, capture_output=True, text=True)
    assert apply.returncode == 0, apply.stderr
    assert "--dry-run" in apply.stdout
