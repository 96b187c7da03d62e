"""`git migrate data validate` end to end on the Chinook SQLite database: the worked example of
docs/commands/data-validate.md, exit 3 over the threshold, --json, and bad input (exit 2)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.chinook import load_chinook
from tests.fixtures_git import CliRunner

RULES = """\
threshold = 0                      # violations tolerated in total (checks without their own)

[[check]]
table = "Customer"
column = "Email"
not_null = true
unique = true
format = '^[^@\\s]+@[^@\\s]+\\.[a-z]+$'

[[check]]
table = "Invoice"
column = "Total"
range = { min = 0 }

[[check]]
table = "Track"
column = "GenreId"
references = "Genre.GenreId"

[[check]]
table = "Customer"
column = "PostalCode"
type = "integer"                   # 22 postal codes such as 'H2G 1A7' are not
threshold = 25                     # ... and this check tolerates them on its own budget
"""


def chinook_project(git_repo: Path) -> Path:
    database = git_repo / ".gitmigrate" / "dev.db"  # the default target of `git migrate init`
    database.parent.mkdir(exist_ok=True)
    load_chinook(f"sqlite:///{database}")
    (git_repo / "rules.toml").write_text(RULES)
    return database


def test_validate_chinook(git_repo: Path, run_cli: CliRunner, run_subprocess: CliRunner) -> None:
    database = chinook_project(git_repo)

    clean = run_cli("data", "validate", "--rules", "rules.toml", "--sample", "2")
    assert clean.exit_code == 0, clean.stderr
    assert clean.stdout.splitlines() == [
        "rules.toml on dev (sqlite)",
        "  ok         Customer.Email       not_null",
        "  ok         Customer.Email       unique",
        "  ok         Customer.Email       format '^[^@\\s]+@[^@\\s]+\\.[a-z]+$'",
        "  ok         Invoice.Total        range [0, +inf]",
        "  ok         Track.GenreId        references Genre.GenreId",
        "  tolerated  Customer.PostalCode  type integer"
        + " " * 22
        + "  22 violations (check threshold 25)",
        "             CustomerId=1: '12227-000'",
        "             CustomerId=3: 'H2G 1A7'",
        "             ... and 20 more",
        "passed: 22 violations in 6 rules; 0 counted against the threshold 0, "
        "0 of 1 check over its own threshold",
    ]

    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE Customer SET Email = 'not-an-email' WHERE CustomerId = 5")
    broken = run_cli("data", "validate", "--rules", "rules.toml")
    assert broken.exit_code == 3, broken.stderr
    assert "  FAILED     Customer.Email       format '^[^@\\s]+@[^@\\s]+\\.[a-z]+$'" \
        "  1 violation\n             CustomerId=5: 'not-an-email'\n" in broken.stdout  # fmt: skip
    assert broken.stdout.splitlines()[-1].startswith("FAILED: 23 violations in 6 rules; 1 counted")

    tolerated = run_cli("data", "validate", "--rules", "rules.toml", "--threshold", "1")
    assert tolerated.exit_code == 0, tolerated.stdout

    report = json.loads(run_cli("data", "validate", "--rules", "rules.toml", "--json").stdout)
    assert (report["passed"], report["violations"], report["target"]) == (False, 23, "dev")
    (failed,) = [r for r in report["results"] if r["status"] == "failed"]
    assert failed["rule"] == "format"
    assert failed["sample"] == [{"key": {"CustomerId": 5}, "value": "not-an-email"}]

    # the real process, outside any repository: a URL target needs no project
    outside = git_repo.parent / "elsewhere"
    outside.mkdir()
    url = f"sqlite:///{database}"
    proc = run_subprocess(
        "data", "validate", "--target", url, "--rules", str(git_repo / "rules.toml"), cwd=outside
    )
    assert proc.exit_code == 3, proc.stderr
    assert f"on {url} (sqlite)" in proc.stdout


def test_bad_input_is_a_usage_error(git_repo: Path, run_cli: CliRunner) -> None:
    chinook_project(git_repo)
    cases = {
        'unknown = 1\n[[check]]\ntable = "Customer"\ncolumn = "Email"\nunique = true\n': (
            "error: bad.toml:1: unknown top-level key 'unknown'"
        ),
        '[[check]]\ntable = "Customer"\ncolumn = "Email"\nuniqe = true\n': (
            "error: bad.toml:4: check #1: unknown rule 'uniqe'\n  hint: did you mean 'unique'?"
        ),
        '[[check]]\ntable = "Customer"\ncolumn = "Mail"\nunique = true\n': (
            "error: bad.toml:1: check #1 (Customer.Mail): column 'Mail' does not exist in "
            "table 'Customer'\n  hint: did you mean 'Email'? columns of Customer: CustomerId,"
        ),
        '[[check]]\ntable = "Customer"\ncolumn = "Email"\nformat = "a**"\n': (
            "error: bad.toml:4: check #1: format: invalid regular expression 'a**'"
        ),
    }
    for rules, expected in cases.items():
        (git_repo / "bad.toml").write_text(rules)
        result = run_cli("data", "validate", "--rules", "bad.toml")
        assert result.exit_code == 2, (rules, result.stdout)
        assert result.stderr.startswith(expected), result.stderr
        assert result.stdout == ""

    missing = run_cli("data", "validate", "--rules", "nope.yaml")
    assert missing.exit_code == 2 and "rules file nope.yaml does not exist" in missing.stderr
    unknown_target = run_cli("data", "validate", "--rules", "rules.toml", "--target", "prod")
    assert unknown_target.exit_code == 2 and "unknown target 'prod'" in unknown_target.stderr
    negative = run_cli("data", "validate", "--rules", "rules.toml", "--threshold", "-1")
    assert negative.exit_code == 2
