"""Counts of oasdiff's pairs passed per check, as the Markdown table of docs/conformance.md.

    .venv/bin/python -m tests.conformance.oasdiff_counts [--failures]

`--failures` also lists every failing row with what differs (the start of an expected-failure
reason). Runs the same code as tests/conformance/test_oasdiff.py.
"""

from __future__ import annotations

import collections
import sys

from gitmigrate.errors import GitMigrateError
from tests.conformance.test_oasdiff import load_expected_failures, load_pairs, run_pair, verdict


def main(argv: list[str]) -> int:
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    failures: list[tuple[str, str]] = []
    expected = load_expected_failures()
    for pair in load_pairs():
        try:
            problem = verdict(pair, run_pair(pair))
        except GitMigrateError as exc:
            problem = f"error: {exc.message}"
        counts[pair.scope]["rows"] += 1
        counts[pair.scope][
            "pass" if not problem else "xfail" if pair.id in expected else "fail"
        ] += 1
        if pair.min_level in ("error", "warning") and not problem:
            counts[pair.scope]["breaking_pass"] += 1
        if pair.min_level in ("error", "warning"):
            counts[pair.scope]["breaking"] += 1
        if problem:
            failures.append((pair.id, problem))
    total = sum(counts.values(), collections.Counter())
    print("| check (oasdiff) | pairs | pass | expected failures | breaking-level pairs passed |")
    print("|---|---:|---:|---:|---:|")
    for scope in sorted(counts, key=lambda s: (s != "all", s)):
        c = counts[scope]
        print(
            f"| {scope} | {c['rows']} | {c['pass']} | {c['xfail']} | {c['breaking_pass']}/{c['breaking']} |"
        )
    rate = 100 * total["pass"] / total["rows"]
    print(f"| **all rows** | {total['rows']} | {total['pass']} ({rate:.1f}%) | {total['xfail']} "
          f"| {total['breaking_pass']}/{total['breaking']} |")  # fmt: skip
    if "--failures" in argv:
        for case, problem in failures:
            print(f"{case}\t{problem[:300]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
