"""The case loader and its filters, without a database."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.cases import (
    Case,
    ServerInfo,
    _sqldef_case,
    cached_cases,
    load_expected_failures,
    parse_version,
    select,
    skip_reason,
)
from tests.conformance.conftest import no_data_reason

pytestmark = pytest.mark.skipif(no_data_reason() is not None, reason=no_data_reason() or "")

MARIADB = ServerInfo("mysql", (10, 11, 19), "mariadb")
PG15 = ServerInfo(
    "postgresql",
    (15, 20),
    "postgresql",
    extensions=frozenset({("citext", "1.5"), ("citext", "1.6"), ("hstore", "1.8")}),
    roles=frozenset({"app_user"}),
)


def _case(dialect: str = "mysql", **flags: object) -> Case:
    return _sqldef_case(dialect, "t.yml", "X", {"desired": "CREATE TABLE t (id int);", **flags})


def test_counts_match_the_readme() -> None:
    counts: dict[tuple[str, str], int] = {}
    for case in cached_cases():
        counts[(case.source, case.dialect)] = counts.get((case.source, case.dialect), 0) + 1
    assert counts == {
        ("sqldef", "postgresql"): 666,
        ("sqldef", "mysql"): 251,
        ("sqldef", "sqlite"): 49,
        ("migra", "postgresql"): 21,
    }
    assert len({c.id for c in cached_cases()}) == len(cached_cases())


def test_versions() -> None:
    assert parse_version("10.11.19-MariaDB-0+deb12u1") == (10, 11, 19)
    assert parse_version("15.20 (Debian 15.20-0+deb12u1)") == (15, 20)
    assert skip_reason(_case(min_version="8.0"), MARIADB) is None  # compared as sqldef does
    assert skip_reason(_case(max_version="5.7"), MARIADB)
    assert skip_reason(_case(max_version="10.11"), MARIADB) is None  # 10.11.19 is a 10.11


@pytest.mark.parametrize(
    ("flavor", "runs"),
    [("mariadb", True), ("!tidb", True), ("mysql", False), ("!mariadb", False), ("tidb", False)],
)
def test_flavor(flavor: str, runs: bool) -> None:
    assert (skip_reason(_case(flavor=flavor), MARIADB) is None) is runs


def test_offline_error_extension_role() -> None:
    assert "offline" in (skip_reason(_case(offline=True), MARIADB) or "")
    assert "error case" in (skip_reason(_case(error="boom"), MARIADB) or "")
    ext = Case("migra", "postgresql", "e", "e", "", "", extensions=(("citext", "1.5"),))
    assert skip_reason(ext, PG15) is None
    ext = Case("migra", "postgresql", "e", "e", "", "", extensions=(("pg_trgm", None),))
    assert "pg_trgm" in (skip_reason(ext, PG15) or "")
    role = Case("sqldef", "postgresql", "r", "r", "", "", roles=("readonly_user",))
    assert "readonly_user" in (skip_reason(role, PG15) or "")
    vector = Case("sqldef", "postgresql", "v", "v", "", "", flags={"flavor": "pgvector"})
    assert "pgvector" in (skip_reason(vector, PG15) or "")


def test_requirements_are_read_from_the_sql() -> None:
    by_id = {c.id: c for c in cached_cases()}
    assert by_id["migra/postgresql/rls"].roles == ("schemainspect_test_role",)
    assert ("pg_trgm", "1.3") in by_id["migra/postgresql/extversions"].extensions
    assert by_id["migra/postgresql/extversions"].compare_extension_versions
    assert by_id["migra/postgresql/singleschema"].work_search_path == "goodschema"
    assert by_id["migra/postgresql/generated_added"].static_skip
    assert by_id["migra/postgresql/everything"].additions_sql.strip()
    user_cases = [c for c in cached_cases() if c.flags.get("user")]
    assert user_cases and all(c.search_path == "foo, public" for c in user_cases)


def test_sample_is_stable_and_covers_every_file() -> None:
    cases = list(cached_cases())
    first, again = select(cases, "sample"), select(list(reversed(cases)), "sample")
    assert {c.id for c in first} == {c.id for c in again}
    files = {(c.source, c.dialect, c.file) for c in cases if c.desired_sql or c.current_sql}
    assert files <= {(c.source, c.dialect, c.file) for c in first}
    assert len(select(cases, "full")) == len(cases)


def test_expected_failures_file_parses(tmp_path: Path) -> None:
    rows = load_expected_failures()
    assert all(r.reason for r in rows.values())
    bad = tmp_path / "x.tsv"
    bad.write_text("source\tdialect\tcase\treason_kind\treason\nsqldef\tmysql\tX\tmaybe\twhy\n")
    with pytest.raises(ValueError, match="reason_kind"):
        load_expected_failures(bad)
