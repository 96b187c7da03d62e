"""`code add`'s runner against LibCST's own `python -m libcst.tool codemod`, same passes, 2,000
modules: files/s side by side, quiet and under load.

    .venv/bin/python bench/code_speed.py [--modules 2000] [--jobs N] [--runs 1] [--load N]
                                         [--recipe modern-python|stand-in] [--python 3.10]
                                         [--only ours|libcst] [--keep DIR]

Generates a git repository of small, realistic modules (40 packages; each module imports
typing's List/Dict/Optional/Tuple, defines Pydantic v1 models with `class Config` and a
validator, dataclasses and functions with typed signatures, ~70 lines). Then, on a fresh copy
of the tree for every run, alternating the two so a burst of load hits both:

- ours: `gitmigrate.codemods.runner.run_recipe(root, RECIPE, jobs=N)` in its own process, the
  changed files written back (what `code add` does before committing);
- libcst.tool: `python -m libcst.tool codemod -x code_speed_libcst.RecipePasses -j N
  --no-format --hide-progress ROOT` (a `.libcst.codemod.yaml` written at the root), where
  RecipePasses runs the same recipe's passes as LibcstRecipe.transform does
  (bench/code_speed_libcst.py).

Both are timed from outside as whole processes (interpreter start-up and imports included).
`--recipe stand-in` uses a small PEP 585/604 pass of the bench's own, for when modern-python is
not there; `--recipe modern-python` (the default) needs it. `--load N` repeats every run with N
busy-looping processes (one core each) started beside it. After each pair the two results are
compared file by file ("same result"). Prints the best and median time per side, files/s and
ours/libcst.tool as a ratio of files/s (> 1: ours is faster), and the CPU seconds each side's
processes used (workers included: RUSAGE_CHILDREN), which moves far less with load than wall
time; the load average is printed too, as this 2-core machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

MODULE = '''"""{pkg}.{mod}: records of kind {n} and what is done with them."""

from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from pydantic import BaseModel, Field, validator

from .base import Audit


class Record{n}(BaseModel):
    id: int
    name: str = Field(..., min_length=1)
    tags: List[str] = []
    owner: Optional[str]
    scores: Dict[str, float] = {{}}

    class Config:
        orm_mode = True
        anystr_strip_whitespace = True

    @validator("name")
    def name_is_short(cls, v):
        if len(v) > {limit}:
            raise ValueError("name too long")
        return v


@dataclass
class Batch{n}:
    records: List[Record{n}]
    audit: Optional[Audit] = None

    def names(self) -> List[str]:
        return [record.name for record in self.records]


def load_{n}(rows: List[Dict[str, object]]) -> List[Record{n}]:
    """Rows as they come from the API."""
    return [Record{n}.parse_obj(row) for row in rows]


def summary_{n}(records: List[Record{n}], owner: Optional[str] = None) -> Tuple[int, float]:
    total = 0.0
    count = 0
    for record in records:
        if owner is not None and record.owner != owner:
            continue
        total += sum(record.scores.values())
        count += 1
    return count, total / max(count, 1)


def by_owner_{n}(records: List[Record{n}]) -> Dict[Optional[str], List[int]]:
    grouped: Dict[Optional[str], List[int]] = {{}}
    for record in records:
        grouped.setdefault(record.owner, []).append(record.id)
    return grouped


def export_{n}(record: Record{n}) -> Dict[str, object]:
    data = record.dict(exclude={{"scores"}})
    data["kind"] = {n}
    return data
'''

BASE = '''"""Shared audit model of the package."""

from typing import Optional

from pydantic import BaseModel


class Audit(BaseModel):
    by: str
    note: Optional[str]
'''


def generate(root: Path, modules: int) -> int:
    """The tree as a committed git repository; returns the number of .py files."""
    packages = 40
    per_package = -(-modules // packages)
    count = 0
    for p in range(packages):
        pkg = root / "app" / f"pkg{p:02d}"
        pkg.mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        (pkg / "base.py").write_text(BASE)
        count += 2
        for m in range(per_package - 2):
            n = p * per_package + m
            text = MODULE.format(pkg=f"app.pkg{p:02d}", mod=f"mod{m:03d}", n=n, limit=40 + n % 60)
            (pkg / f"mod{m:03d}.py").write_text(text)
            count += 1
    (root / "app" / "__init__.py").write_text("")
    count += 1
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.com",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.com")  # fmt: skip
    for cmd in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "tree"]):
        subprocess.run(["git", *cmd], cwd=root, env=env, check=True)
    return count


OURS = """
import json, sys
from pathlib import Path
from gitmigrate.codemods.runner import run_recipe
from code_speed_libcst import recipe_for
root, name, jobs, options = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
run = run_recipe(root, recipe_for(name), jobs=jobs, options=options)
for path, text in run.changed.items():
    (root / path).write_text(text, encoding="utf-8")
print(json.dumps({"scanned": run.scanned, "changed": len(run.changed),
                  "skipped": len(run.skipped), "rewrites": sum(run.applied().values())}))
"""

LIBCST_CONFIG = """generated_code_marker: '@generated'
formatter: ['true']
blacklist_patterns: []
modules:
- 'libcst.codemod.commands'
repo_root: '.'
"""


def _env(recipe: str, options: dict[str, str]) -> dict[str, str]:
    path = os.pathsep.join([str(BENCH), str(ROOT), os.environ.get("PYTHONPATH", "")])
    return dict(os.environ, PYTHONPATH=path, GM_BENCH_RECIPE=recipe,
                GM_BENCH_OPTIONS=json.dumps(options))  # fmt: skip


def _cpu() -> float:
    """CPU seconds of every finished child process and its descendants (workers included)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_ours(tree: Path, recipe: str, jobs: int, options: dict[str, str]) -> tuple[float, str]:
    cmd = [sys.executable, "-c", OURS, str(tree), recipe, str(jobs), json.dumps(options)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=tree, env=_env(recipe, options), capture_output=True,
                          text=True, check=False)  # fmt: skip
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"ours failed:\n{proc.stderr[-3000:]}")
    return seconds, proc.stdout.strip()


def run_libcst(tree: Path, recipe: str, jobs: int, options: dict[str, str]) -> tuple[float, str]:
    (tree / ".libcst.codemod.yaml").write_text(LIBCST_CONFIG)
    cmd = [sys.executable, "-m", "libcst.tool", "codemod", "-x", "code_speed_libcst.RecipePasses",
           "-j", str(jobs), "--no-format", "--hide-progress", "."]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=tree, env=_env(recipe, options), capture_output=True,
                          text=True, check=False)  # fmt: skip
    seconds = time.perf_counter() - start
    (tree / ".libcst.codemod.yaml").unlink()
    if proc.returncode != 0:
        raise SystemExit(f"libcst.tool failed:\n{proc.stderr[-3000:]}")
    tail = [line for line in proc.stderr.splitlines() if line.strip()][-4:]
    return seconds, " / ".join(tail)


def differing(a: Path, b: Path) -> int:
    """Files whose bytes differ between the two result trees (.git left out)."""
    count = 0
    for path in a.rglob("*.py"):
        if ".git" in path.parts:
            continue
        if path.read_bytes() != (b / path.relative_to(a)).read_bytes():
            count += 1
    return count


def start_load(n: int) -> list[subprocess.Popen[bytes]]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def stop_load(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--load", type=int, default=os.cpu_count() or 1,
                        help="busy processes for the loaded series (0: quiet only)")  # fmt: skip
    parser.add_argument("--recipe", default="modern-python")
    parser.add_argument("--python", default="3.10", help="the recipe's target version option")
    parser.add_argument("--only", choices=("ours", "libcst"), help="time one side only")
    parser.add_argument("--keep", type=Path, help="generate the tree here and keep it")
    args = parser.parse_args()
    options = {"python": args.python}
    sides = [s for s in ("ours", "libcst") if args.only in (None, s)]
    runners = {"ours": run_ours, "libcst": run_libcst}

    with tempfile.TemporaryDirectory(prefix="gm-code-speed-") as tmp:
        source = args.keep or Path(tmp) / "source"
        files = generate(source, args.modules)
        print(f"tree: {files} .py files, {args.modules} modules asked; recipe {args.recipe}, "
              f"-j {args.jobs}, {args.runs} runs per side; load average "
              f"{os.getloadavg()[0]:.1f}")  # fmt: skip
        series = [("quiet", 0)] + ([("loaded", args.load)] if args.load else [])
        for label, busy in series:
            times: dict[str, list[float]] = {side: [] for side in sides}
            cpus: dict[str, list[float]] = {side: [] for side in sides}
            load = start_load(busy)
            try:
                for attempt in range(args.runs):
                    trees = {}
                    for side in sides:
                        tree = Path(tmp) / f"{label}-{attempt}-{side}"
                        shutil.copytree(source, tree, symlinks=True)
                        cpu = _cpu()
                        seconds, info = runners[side](tree, args.recipe, args.jobs, options)
                        cpu = _cpu() - cpu
                        times[side].append(seconds)
                        cpus[side].append(cpu)
                        trees[side] = tree
                        print(f"  {label} run {attempt + 1} {side}: {seconds:.2f} s, "
                              f"CPU {cpu:.1f} s  ({info})")  # fmt: skip
                    if len(trees) == 2:
                        diff = differing(trees["ours"], trees["libcst"])
                        print(f"  {label} run {attempt + 1} same result: "
                              f"{'yes' if diff == 0 else f'no, {diff} files differ'}")  # fmt: skip
                    for tree in trees.values():
                        shutil.rmtree(tree)
            finally:
                stop_load(load)
            print(f"{label} (+{busy} busy processes), load average {os.getloadavg()[0]:.1f}:")
            best = {}
            for side in sides:
                best[side] = min(times[side])
                print(f"  {side} -j {args.jobs} best {best[side]:.2f} s  "
                      f"median {statistics.median(times[side]):.2f} s  "
                      f"{files / best[side]:.0f} files/s; CPU (all processes) median "
                      f"{statistics.median(cpus[side]):.1f} s")  # fmt: skip
            if len(best) == 2:
                print(f"  ours / libcst.tool files/s (best): {best['libcst'] / best['ours']:.2f}")
                cpu_ratio = statistics.median(cpus["libcst"]) / statistics.median(cpus["ours"])
                print(f"  libcst.tool CPU / ours CPU (medians): {cpu_ratio:.2f}")


if __name__ == "__main__":
    main()
