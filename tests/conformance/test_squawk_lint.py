"""Squawk's documented examples through our linter, as ../shared/conformance/README.md says.

For every row of lint/squawk/observed.tsv: look up the folder's Squawk id in our
gitmigrate/lint/mapping.tsv, lint the file as PostgreSQL with the row's options, and require
that a `bad` file is flagged by one of the mapped rules and a `good` file by none of them (other
rules may fire). Rows Squawk itself does not agree with (agrees_2.63.0=no) are expected
failures (not strict: several pass). A Squawk id without a mapping would be skipped and listed
by `test_coverage`, which also prints the summary line and guards the numbers reached.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from gitmigrate.lint import LintOptions, lint_sql
from gitmigrate.lint.registry import squawk_ids

_DEFAULT = Path(__file__).resolve().parents[3] / "shared" / "conformance"
ROOT = Path(os.environ.get("GITMIGRATE_CONFORMANCE_DIR") or _DEFAULT) / "lint" / "squawk"
pytestmark = pytest.mark.skipif(
    not (ROOT / "observed.tsv").is_file(),
    reason=f"the peers' lint cases are not part of this repository and not in {ROOT} "
    "(CI has them in ../shared/conformance; or set GITMIGRATE_CONFORMANCE_DIR)",
)


def _rows(name: str) -> list[dict[str, str]]:
    if not (ROOT / name).is_file():
        return []
    with (ROOT / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


OBSERVED = _rows("observed.tsv")
OPTIONS = {row["file"]: row["options"] for row in _rows("examples.tsv")}


def options_of(file: str) -> LintOptions:
    """examples.tsv `options` (pg_version=N; assume_in_transaction=true; include=id)."""
    pg, assume, include = 15, False, set()
    for item in filter(None, (part.strip() for part in OPTIONS.get(file, "").split(";"))):
        key, _, value = item.partition("=")
        if key == "pg_version":
            pg = int(value)
        elif key == "assume_in_transaction":
            assume = value == "true"
        elif key == "include":
            include.add(value)
        else:
            raise AssertionError(f"unknown option {item!r} for {file}")
    return LintOptions(pg_version=pg, assume_in_transaction=assume, include=frozenset(include))


def verdict(row: dict[str, str]) -> tuple[bool, set[str], set[str]]:
    """(our verdict agrees with the label, mapped ids, ids we reported)."""
    file = row["file"]
    mapped = set(squawk_ids().get(file.split("/")[0], ()))
    found = lint_sql((ROOT / file).read_text(encoding="utf-8"), "postgresql",
                     options=options_of(file), file=file)  # fmt: skip
    reported = {f.rule for f in found}
    hit = bool(mapped & reported)
    return (hit if row["expect"] == "flag" else not hit), mapped, reported


def _param(row: dict[str, str]) -> object:
    marks = []
    if row["agrees_2.63.0"] != "yes":
        marks.append(pytest.mark.xfail(reason=f"Squawk disagrees: {row['why_not']}", strict=False))
    return pytest.param(row, id=row["file"], marks=marks)


@pytest.mark.parametrize("row", [_param(r) for r in OBSERVED])
def test_squawk_example(row: dict[str, str]) -> None:
    folder = row["file"].split("/")[0]
    if not squawk_ids().get(folder):
        pytest.skip(f"squawk rule {folder} is not mapped to one of ours")
    ok, mapped, reported = verdict(row)
    want = "flagged by" if row["expect"] == "flag" else "silent for"
    assert ok, f"{row['file']} should be {want} {sorted(mapped)}; we reported {sorted(reported)}"


# What this suite reached when written; raise these when more rows pass, never lower them.
MIN_MAPPED = 41
MIN_PASSING_AGREED = 111


def test_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    rules = {r["id"] for r in _rows("rules.tsv")}
    unmapped = sorted(r for r in rules if not squawk_ids().get(r))
    passed = xfailed = xpassed = skipped = 0
    for row in OBSERVED:
        if not squawk_ids().get(row["file"].split("/")[0]):
            skipped += 1
            continue
        ok = verdict(row)[0]
        if row["agrees_2.63.0"] == "yes":
            passed += ok
        else:
            xpassed, xfailed = xpassed + ok, xfailed + (not ok)
    agreed = sum(r["agrees_2.63.0"] == "yes" for r in OBSERVED)
    with capsys.disabled():
        print(
            f"\nsquawk lint conformance: {len(rules) - len(unmapped)}/{len(rules)} rules mapped; "
            f"{len(OBSERVED)} examples: {passed}/{agreed} agreed rows pass, "
            f"{xfailed} xfail + {xpassed} xpass (Squawk disagrees), {skipped} skipped (unmapped)"
            + (f"; unmapped: {', '.join(unmapped)}" if unmapped else "")
        )
    assert len(rules) - len(unmapped) >= MIN_MAPPED, unmapped
    assert passed >= MIN_PASSING_AGREED


def test_squawk_ignore_comments_silence_the_named_rule() -> None:
    """unused-ignore's good files also show that the comments silence ban-drop-column."""
    for name in ("good-1", "good-2", "good-3", "good-4"):
        path = ROOT / "unused-ignore" / f"{name}.sql"
        found = lint_sql(path.read_text(encoding="utf-8"), "postgresql", file=name)
        assert "dropping-column" not in {f.rule for f in found}, (name, found)
    bad = (ROOT / "unused-ignore" / "bad-1.sql").read_text(encoding="utf-8")
    rules = [f.rule for f in lint_sql(bad, "postgresql")]
    assert rules.count("dropping-column") == 2 and rules.count("unknown-ignore") == 1, rules
