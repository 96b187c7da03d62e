"""Counts of kompose's cases passed, as the Markdown table of docs/conformance.md.

    .venv/bin/python -m tests.conformance.kompose_counts [--failures]

`--failures` also lists every failing case with what differs. Runs the same code as
tests/conformance/test_kompose.py.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from gitmigrate.errors import GitMigrateError
from tests.conformance.test_kompose import load_cases, load_expected_failures, verdict


def main(argv: list[str]) -> int:
    expected = load_expected_failures()
    cases = load_cases()
    passed = xfail = 0
    failures: list[tuple[str, str]] = []
    for case in cases:
        with tempfile.TemporaryDirectory() as work:
            try:
                problem = verdict(case, Path(work))
            except GitMigrateError as exc:
                problem = f"error: {exc.message}"
        if not problem:
            passed += 1
        else:
            xfail += case.case in expected
            failures.append((case.case, problem))
    total = len(cases)
    print("| peer | cases | pass | expected failures | fail |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| kompose | {total} | {passed} ({100 * passed / total:.1f}%) | {xfail} | {total - passed - xfail} |"
    )
    if "--failures" in argv:
        for case_name, problem in failures:
            print(f"{case_name}\t{problem[:400]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
