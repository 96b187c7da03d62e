"""Compare two commits on one benchmark, runs interleaved (old, new, old, new, ...), medians.

    python bench/interleave.py OLD NEW [--runs 5] -- bench/data_backfill_bench.py --rows 200000

Single runs vary by 20-30% on this 2-core machine, so a refactor's cost is judged on the medians
of interleaved runs: both commits see the same load drift. Each commit is checked out into a
temporary worktree and its own copy of the benchmark runs with PYTHONPATH set to that worktree,
so the benchmark and every `python -m gitmigrate` it starts import that commit's code.

Every line of the benchmark's output that holds a figure in seconds or milliseconds
(`... 12.34 s`, `... 407 ms`) becomes a series named by the text before the figure; the table
gives each series' median for both commits and the new/old ratio (> 1 = the new commit is slower).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURE = re.compile(r"^(?P<label>.*?\S)\s+(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>ms|s)\b")


def figures(output: str) -> dict[str, float]:
    """Label -> seconds for every line of `output` that carries a duration."""
    found = {}
    for line in output.splitlines():
        match = FIGURE.search(line.strip())
        if match:
            value = float(match["value"]) / (1000 if match["unit"] == "ms" else 1)
            found[match["label"].strip()] = value
    return found


def run_once(tree: Path, bench: list[str]) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    script, *args = bench
    proc = subprocess.run(
        [sys.executable, str(tree / script), *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{script} failed in {tree}:\n{proc.stdout}\n{proc.stderr}")
    return figures(proc.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--runs", type=int, default=5)
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:split])
    bench = argv[split + 1 :]
    if not bench:
        parser.error("name the benchmark after --, e.g. -- bench/log_bench.py")
    series: dict[str, dict[str, list[float]]] = {"old": defaultdict(list), "new": defaultdict(list)}
    with tempfile.TemporaryDirectory(prefix="gm-interleave-") as tmp:
        trees = {}
        for side in ("old", "new"):
            tree = Path(tmp) / side
            subprocess.run(
                ["git", "worktree", "add", "--detach", "-q", str(tree), getattr(args, side)],
                cwd=ROOT,
                check=True,
            )
            trees[side] = tree
        try:
            for attempt in range(args.runs):
                for side in ("old", "new"):
                    for label, seconds in run_once(trees[side], bench).items():
                        series[side][label].append(seconds)
                print(f"run {attempt + 1}/{args.runs} done", file=sys.stderr)
        finally:
            for tree in trees.values():
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT)
    print(f"{'series':<60} {'old':>9} {'new':>9} {'new/old':>8}   (medians of {args.runs})")
    for label in sorted(set(series["old"]) | set(series["new"])):
        old, new = series["old"].get(label), series["new"].get(label)
        if not old or not new:
            continue
        o, n = statistics.median(old), statistics.median(new)
        print(f"{label[:60]:<60} {o:9.3f} {n:9.3f} {n / o:8.2f}")


if __name__ == "__main__":
    main()
