"""Benchmark: the pre-push hook on a 100-step migration branch.

    /work/venv/bin/python bench/hook_bench.py [--steps 100] [--keep DIR]

Builds the branch as bench/log_bench.py does (one fast-import, step notes), then times, best of
5: `git-migrate hook pre-push` fed the line git gives for a new branch (every step is checked),
cold (per-step cache removed: every step parsed and linted) and warm (cache filled); and a real
`git push` of the branch to a fresh bare remote with the hook installed against the same push
with --no-verify (the difference is what the hook costs a user, nested notes push included).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from log_bench import IDENTITY, NAME, build  # noqa: E402

from gitmigrate.hooks.install import install_pre_push  # noqa: E402

_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def best_of(runs: int, action: Callable[[], object], before: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        before()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def sh(cmd: list[str], cwd: Path, stdin: str = "") -> None:
    proc = subprocess.run(cmd, cwd=cwd, input=stdin, capture_output=True, text=True, env=_ENV)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    args = parser.parse_args()
    os.environ.update(IDENTITY)
    _ENV.update(IDENTITY)
    root = args.keep or Path(tempfile.mkdtemp(prefix="gitmigrate-hookbench-"))
    work = root / "work"
    work.mkdir(parents=True, exist_ok=True)
    try:
        repo = build(work, args.steps)
        install_pre_push(repo, sys.executable)
        head = repo.rev_parse(f"migrate/{NAME}") or ""
        line = f"refs/heads/migrate/{NAME} {head} refs/heads/migrate/{NAME} {'0' * 40}\n"
        hook = [sys.executable, "-m", "gitmigrate", "hook", "pre-push", "origin", "url"]
        cache = repo.git_dir / "gitmigrate" / "cache" / "steps"

        def clear() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        cold = best_of(args.runs, lambda: sh(hook, work, line), clear)
        warm = best_of(args.runs, lambda: sh(hook, work, line), lambda: None)
        remote = root / "remote.git"

        def fresh_remote() -> None:
            shutil.rmtree(remote, ignore_errors=True)
            sh(["git", "init", "-q", "--bare", str(remote)], root)
            sh(["git", "remote", "remove", "origin"], work) if "origin" in repo.remotes() else None
            sh(["git", "remote", "add", "origin", str(remote)], work)
            sh(["git", "push", "-q", "--no-verify", "origin", "main"], work)

        plain = best_of(args.runs, lambda: sh(["git", "push", "-q", "--no-verify", "origin",
                                               f"migrate/{NAME}"], work), fresh_remote)  # fmt: skip
        hooked = best_of(args.runs, lambda: sh(["git", "push", "-q", "origin", f"migrate/{NAME}"],
                                               work), fresh_remote)  # fmt: skip
        print(f"{args.steps} steps, best of {args.runs}")
        print(f"hook alone, cold (every step parsed + linted): {cold * 1000:.0f} ms")
        print(f"hook alone, warm (per-step cache):             {warm * 1000:.0f} ms")
        print(f"git push --no-verify (branch only):            {plain * 1000:.0f} ms")
        print(f"git push with the hook (+ notes, nested push): {hooked * 1000:.0f} ms")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
