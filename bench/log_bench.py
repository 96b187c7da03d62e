"""Benchmark: `git migrate log --json` on a 1,000-step migration against plain `git log --notes`,
and the git time of one `add sql` step commit.

    /work/venv/bin/python bench/log_bench.py [--steps 1000] [--keep DIR]

The branch is built quickly with plumbing: one `git fast-import` writes every step commit (the
same files, subjects and trailers `git migrate add sql` writes) and one notes update attaches
every step note (computed by the library, impact analysis included).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from gitmigrate.core import tomlwrite
from gitmigrate.core.authoring import start_migration
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.initialise import init_project
from gitmigrate.core.model import Step
from gitmigrate.core.notes import write_step_notes
from gitmigrate.core.stepmeta import compute_step_note

NAME = "bench"
IDENTITY = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}


def git(cwd: Path, *args: str, input: bytes | None = None) -> bytes:
    return subprocess.run(
        ["git", *args], cwd=cwd, input=input, capture_output=True, check=True
    ).stdout


def make_step(seq: int) -> Step:
    table = f"t{seq:04d}"
    files = {
        "up.sql": f"CREATE TABLE {table} (\n  id INTEGER PRIMARY KEY,\n  v TEXT\n);\n".encode(),
        "down.sql": f"DROP TABLE {table};\n".encode(),
    }
    summary = f"create table {table}"
    files["step.toml"] = tomlwrite.dumps(
        {"kind": "sql", "summary": summary, "dialect": "sqlite"}
    ).encode()
    return Step(NAME, seq, f"create-table-{table}", "sql", summary, files)


def build(root: Path, steps: int) -> GitRepo:
    """A project with migration `bench` of `steps` SQL steps, each with its step note."""
    git(root, "init", "-q", "-b", "main")
    (root / "README.md").write_text("bench\n")
    repo = GitRepo(root)
    init_project(repo)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "init")
    start_migration(repo, NAME, description="1,000 steps")
    start = repo.head_commit()
    stream: list[bytes] = []
    made = [make_step(seq) for seq in range(1, steps + 1)]
    for n, step in enumerate(made):
        message = (
            f"sql: {step.summary}\n\nMigrate-Step: {step.id}\nMigrate-Kind: sql\n"
            f"Migrate-Checksum: {step.checksum_algo}:{step.checksum}\n"
        ).encode()
        parts = [
            f"commit refs/heads/migrate/{NAME}\nmark :{n + 1}\n".encode(),
            f"committer Bench <bench@example.com> {1700000000 + n} +0000\n".encode(),
            f"data {len(message)}\n".encode() + message,
            (f"from {start}\n" if n == 0 else f"from :{n}\n").encode(),
        ]
        for fname, body in step.files.items():
            parts.append(f"M 100644 inline {step.path}/{fname}\ndata {len(body)}\n".encode())
            parts.append(body + b"\n")
        stream.append(b"".join(parts) + b"\n")
    git(root, "fast-import", "--quiet", "--force", input=b"".join(stream))
    git(root, "reset", "-q", "--hard")
    commits = git(root, "rev-list", "--reverse", f"{start}..migrate/{NAME}").decode().split()
    write_step_notes(
        repo, {c: compute_step_note(s, "sqlite") for c, s in zip(commits, made, strict=True)}
    )
    return repo


def best_of(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


# Installed packages have byte-code caches; a session that sets PYTHONDONTWRITEBYTECODE would
# make every run recompile our modules, which is not what users pay.
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(cmd: list[str], cwd: Path) -> Callable[[], object]:
    def go() -> object:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, check=True, env=_ENV)
        return len(proc.stdout)

    return go


def bench_commit(repo: GitRepo, runs: int) -> float:
    """The git time of one `add sql` step commit (GitRepo.commit_files), on a scratch branch."""
    git(repo.root, "branch", "-f", "scratch", f"migrate/{NAME}")
    counter = iter(range(9000, 9000 + runs))

    def one() -> object:
        step = make_step(next(counter))
        return repo.commit_files(
            branch="scratch",
            message=f"sql: {step.summary}\n\nMigrate-Step: {step.id}\n",
            files={f"{step.path}/{f}": b for f, b in step.files.items()},
        )

    return best_of(runs, one)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    args = parser.parse_args()
    os.environ.update(IDENTITY)
    root = args.keep or Path(tempfile.mkdtemp(prefix="gitmigrate-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        repo = build(root, args.steps)
        print(f"built {args.steps} steps in {time.perf_counter() - started:.1f} s ({root})")
        ours = run([sys.executable, "-m", "gitmigrate", "log", "--json"], root)
        plain = run(["git", "log", "--notes=migrate", f"migrate/{NAME}"], root)
        cache = root / ".git" / "gitmigrate" / "cache"

        def cold() -> object:
            shutil.rmtree(cache, ignore_errors=True)  # the first read after any change
            return ours()

        cold()  # warm the page cache and the interpreter's bytecode cache
        t_cold = best_of(3, cold)
        ours()
        t_ours, t_plain = best_of(3, ours), best_of(3, plain)
        t_commit = bench_commit(repo, 10)
        print(f"date            {date.today().isoformat()}")
        print(f"machine         {platform.machine()}, {os.cpu_count()} cores, {platform.system()}")
        print(f"git migrate log --json     {t_ours * 1000:8.1f} ms (best of 3, cache warm)")
        print(f"  ... first read (no cache) {t_cold * 1000:8.1f} ms (best of 3)")
        print(f"git log --notes=migrate    {t_plain * 1000:8.1f} ms (best of 3)")
        print(
            f"ratio                      {t_ours / t_plain:8.2f}x warm, {t_cold / t_plain:.2f}x cold (target <= 2x)"
        )
        print(f"add sql step commit (git)  {t_commit * 1000:8.1f} ms (best of 10; target < 100)")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
