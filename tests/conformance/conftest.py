"""Fixtures of the conformance suite and its end-of-session summary.

The summary (pass / expected-fail / unexpected pass / fail / skip per source and dialect, and the
most common skip reasons) is printed by the terminal-summary hook, which writes to stdout, so CI
logs show it even with -q.
"""

from __future__ import annotations

import collections
import re
from collections.abc import Iterator

import pytest
from _pytest.mark.structures import ParameterSet

from tests.conformance.cases import (
    Case,
    cached_cases,
    conformance_dir,
    load_expected_failures,
    sample_mode,
)
from tests.conformance.runner import Outcome, Slots, run_case
from tests.fixtures_db import server_url

# sqldef and migra cases by dialect; SOPS cases (tests/conformance/test_sops.py) by format;
# bump-pydantic cases (tests/conformance/test_bump_pydantic.py) by rule (BP001..., none);
# oasdiff pairs (tests/conformance/test_oasdiff.py) by the lowest level they count
_ID = re.compile(
    r"\[(sqldef|migra)/(postgresql|mysql|sqlite)/([^\]]+)\]$|\[(sops)/([a-z]+)/(.+)\]$"
    r"|\[(bump-pydantic)/(BP\d{3}|none)/(.+)\]$"
    r"|\[(oasdiff)/(error|warning|info)/(.+)\]$"
)
_DIALECT_MARKS = {"postgresql": pytest.mark.postgres, "mysql": pytest.mark.mysql}


@pytest.fixture(scope="session")
def conformance_slots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Slots]:
    roles = sorted({role for case in cached_cases() for role in case.roles})
    slots = Slots(server_url, tmp_path_factory.mktemp("conformance"), roles)
    try:
        yield slots
    finally:
        slots.close()


def case_params(cases: list[Case]) -> list[ParameterSet]:
    """pytest params with ids `<source>/<dialect>/<case>`, the dialect's marker, and a non-strict
    xfail for the cases listed in expected_failures.tsv."""
    expected = load_expected_failures()
    params = []
    for case in cases:
        marks: list[pytest.MarkDecorator] = []
        if case.dialect in _DIALECT_MARKS:
            marks.append(_DIALECT_MARKS[case.dialect])
        row = expected.get(case.id)
        if row:
            marks.append(pytest.mark.xfail(reason=f"{row.reason_kind}: {row.reason}", strict=False))
        params.append(pytest.param(case, id=case.id, marks=marks))
    return params


def check_case(case: Case, slots: Slots) -> Outcome:
    with slots.exclusive(case):
        outcome = run_case(case, slots)
    if outcome.status == "skip":
        pytest.skip(outcome.message)
    if outcome.status == "fail":
        pytest.fail(f"{case.origin}: {outcome.summary}", pytrace=False)
    return outcome


def no_data_reason() -> str | None:
    folder = conformance_dir()
    if (folder / "sqldef").is_dir() and (folder / "migra").is_dir():
        return None
    return (
        f"the peers' conformance cases are not part of this repository and not in {folder} "
        "(CI has them in ../shared/conformance; or set GITMIGRATE_CONFORMANCE_DIR)"
    )


# ---------------------------------------------------------------- summary

_OUTCOMES = ("pass", "xfail", "xpass", "fail", "skip")
_results: dict[tuple[str, str], collections.Counter[str]] = collections.defaultdict(
    collections.Counter
)
_skip_reasons: collections.Counter[str] = collections.Counter()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    match = _ID.search(report.nodeid)
    if not match or "tests/conformance/" not in report.nodeid:
        return
    key = (
        match.group(1) or match.group(4) or match.group(7) or match.group(10),
        match.group(2) or match.group(5) or match.group(8) or match.group(11),
    )
    outcome = None
    if report.when == "call":
        if report.passed:
            outcome = "xpass" if hasattr(report, "wasxfail") else "pass"
        elif report.failed:
            outcome = "fail"
        elif report.skipped:
            outcome = "xfail" if hasattr(report, "wasxfail") else "skip"
    elif report.when == "setup" and not report.passed:
        outcome = "skip" if report.skipped else "fail"
    if outcome is None:
        return
    _results[key][outcome] += 1
    if outcome == "skip":
        _skip_reasons[_skip_text(report)] += 1


def _skip_text(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    text = text.removeprefix("Skipped: ")
    text = re.sub(r"\(have [^)]*\)", "", text)
    text = re.sub(r"refuses the case's SQL: .*", "refuses the case's SQL", text)
    return text.strip()[:110]


def summary_lines() -> list[str]:
    if not _results:
        return []
    lines = [
        f"conformance ({sample_mode()} mode; GITMIGRATE_CONFORMANCE=sample runs a fixed half)",
        f"{'source':8} {'dialect':11} {'runnable':>8} {'pass':>5} {'xfail':>6} {'xpass':>6} "
        f"{'fail':>5} {'skip':>5} {'pass%':>6}",
    ]

    def row(label_source: str, label_dialect: str, counts: collections.Counter[str]) -> str:
        runnable = sum(counts[o] for o in ("pass", "xfail", "xpass", "fail"))
        passed = counts["pass"] + counts["xpass"]
        rate = f"{100 * passed / runnable:5.1f}%" if runnable else "    -"
        return (
            f"{label_source:8} {label_dialect:11} {runnable:8} {counts['pass']:5} "
            f"{counts['xfail']:6} {counts['xpass']:6} {counts['fail']:5} {counts['skip']:5} {rate:>6}"
        )

    for key in sorted(_results):
        lines.append(row(key[0], key[1], _results[key]))
    for dialect in sorted({d for _, d in _results}):
        total = sum((c for (_, d), c in _results.items() if d == dialect), collections.Counter())
        lines.append(row("(all)", dialect, total))
    for source in sorted({s for s, _ in _results}):
        total = sum((c for (s, _), c in _results.items() if s == source), collections.Counter())
        lines.append(row(source, "(all)", total))
    lines.append(row("(all)", "(all)", sum(_results.values(), collections.Counter())))
    if _skip_reasons:
        lines.append("skip reasons:")
        for reason, count in _skip_reasons.most_common(12):
            lines.append(f"  {count:4}  {reason}")
    return lines


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = summary_lines()
    if not lines:
        return
    terminalreporter.section("conformance summary")
    for line in lines:
        terminalreporter.write_line(line)
