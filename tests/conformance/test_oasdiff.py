"""oasdiff as a conformance peer: the 307 spec pairs of `../shared/conformance/oasdiff/pairs.tsv`
(taken from oasdiff's own checker tests, see its README) diffed by git-migrate's api kind. For
each row: load both specs, run the row's check (or every check for scope `all`), keep the
changes at the row's level or above, then the expected ids must be there, the absent ids must
not, and the number of changes must equal `count` when it is given.

Ids are `oasdiff/<min_level>/<row>-<check>`: the terminal summary counts them by level, and
docs/conformance.md gives the count per check (`python -m tests.conformance.oasdiff_counts`).
A row we cannot pass yet is a strict xfail with the reason (oasdiff_expected_failures.tsv).
Without the shared folder every row is skipped with the reason.

    pytest tests/conformance/test_oasdiff.py -q -rxs
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gitmigrate.openapi.diff import diff_specs
from gitmigrate.openapi.model import LEVEL_RANK, ApiChange, DiffOptions
from gitmigrate.openapi.spec import load_spec
from tests.conformance.cases import conformance_dir

OAS_DIR = conformance_dir() / "oasdiff"
DATA = OAS_DIR / "data"
TODAY = dt.date(2026, 12, 7)  # the deprecation fixtures' dates are far past or far future
EXPECTED_FAILURES_FILE = Path(__file__).with_name("oasdiff_expected_failures.tsv")


@dataclass(frozen=True)
class Pair:
    row: int
    base: str
    revision: str
    expected: tuple[str, ...]
    absent: tuple[str, ...]
    count: int | None
    scope: str
    min_level: str
    options: str
    test: str

    @property
    def id(self) -> str:
        return f"{self.row:03d}-{self.scope}"

    def diff_options(self) -> DiffOptions:
        values: dict[str, Any] = {"today": TODAY}
        for option in self.options.split():
            if option.startswith("stability-level="):
                values["stability_level"] = option.split("=", 1)[1]
            elif option.startswith("beta="):
                values["min_sunset_beta_days"] = int(option.split("=", 1)[1])
            elif option.startswith("stable="):
                values["min_sunset_stable_days"] = int(option.split("=", 1)[1])
        return DiffOptions(**values)


def _ids(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def load_pairs() -> list[Pair]:
    with (OAS_DIR / "pairs.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [
        Pair(
            number,
            r["base"],
            r["revision"],
            _ids(r["expected_ids"]),
            _ids(r["absent_ids"]),
            int(r["count"]) if r["count"].strip() else None,
            r["scope"],
            r["min_level"],
            r["options"],
            r["test"],
        )  # fmt: skip
        for number, r in enumerate(rows, start=1)
    ]


def load_expected_failures() -> dict[str, str]:
    if not EXPECTED_FAILURES_FILE.is_file():
        return {}
    with EXPECTED_FAILURES_FILE.open(encoding="utf-8", newline="") as handle:
        return {r["case"]: r["reason"] for r in csv.DictReader(handle, delimiter="\t")}


def _params() -> list[Any]:
    if not (OAS_DIR / "pairs.tsv").is_file():
        reason = (
            f"oasdiff's spec pairs are not part of this repository and not in {OAS_DIR} "
            "(CI has them in ../shared/conformance; or set GITMIGRATE_CONFORMANCE_DIR)"
        )
        return [pytest.param(None, id="oasdiff/info/absent", marks=pytest.mark.skip(reason=reason))]
    expected = load_expected_failures()
    params = []
    for pair in load_pairs():
        marks = []
        if pair.id in expected:
            marks.append(pytest.mark.xfail(reason=expected[pair.id], strict=True))
        params.append(pytest.param(pair, id=f"oasdiff/{pair.min_level}/{pair.id}", marks=marks))
    return params


def run_pair(pair: Pair) -> list[ApiChange]:
    base = load_spec(pair.base, cwd=DATA)
    revision = load_spec(pair.revision, cwd=DATA)
    checks = None if pair.scope == "all" else [pair.scope]
    changes = diff_specs(base, revision, pair.diff_options(), checks=checks)
    floor = LEVEL_RANK[pair.min_level]
    return [change for change in changes if LEVEL_RANK[change.level] >= floor]


def verdict(pair: Pair, changes: list[ApiChange]) -> str:
    """ "" when the row passes, else what differs."""
    ids = [change.id for change in changes]
    problems = []
    missing = [i for i in pair.expected if i not in ids]
    if missing:
        problems.append(f"missing {missing}")
    extra = [i for i in pair.absent if i in ids]
    if extra:
        problems.append(f"reported absent ids {extra}")
    if pair.count is not None and len(changes) != pair.count:
        problems.append(f"{len(changes)} changes, expected {pair.count}")
    if problems:
        shown = "; ".join(f"{c.level} {c.id} {c.operation} {c.text}" for c in changes[:8])
        problems.append(f"got: {shown or 'nothing'}")
    return "; ".join(problems)


@pytest.mark.parametrize("pair", _params())
def test_oasdiff_pair(pair: Pair) -> None:
    problem = verdict(pair, run_pair(pair))
    assert not problem, f"{pair.base} -> {pair.revision} ({pair.test}): {problem}"


def test_expected_failures_name_real_rows() -> None:
    if not (OAS_DIR / "pairs.tsv").is_file():
        pytest.skip(f"oasdiff's spec pairs are not in {OAS_DIR}")
    known = {pair.id for pair in load_pairs()}
    stale = sorted(set(load_expected_failures()) - known)
    assert not stale, f"oasdiff_expected_failures.tsv names rows that do not exist: {stale}"
