"""Impact analysis in the step note: the lock tables are checked against the live servers
(PostgreSQL's pg_locks; the algorithms MariaDB accepts), and `schema diff` from a live database
records the rows of the tables it touches; without one, rows are unknown and say so. Also: the
lint findings `schema diff` prints and the lint counts `status` shows."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.notes import read_step_notes
from gitmigrate.schema.api import schema_diff
from gitmigrate.sql.locks import ALGORITHMS, PG_MODES, statement_lock
from tests.fixtures_git import CliRunner

PG_SETUP = """
CREATE TABLE r (id INT PRIMARY KEY);
CREATE TABLE p (id INT PRIMARY KEY, a INT, b VARCHAR(20), c INT, r_id INT,
                CONSTRAINT ck_old CHECK (c > 0) NOT VALID);
CREATE INDEX ix_c ON p (c);
"""
PG_FORMS = [
    "ALTER TABLE p ADD COLUMN z INT DEFAULT 0",
    "ALTER TABLE p DROP COLUMN b",
    "ALTER TABLE p ALTER COLUMN a TYPE BIGINT",
    "ALTER TABLE p ALTER COLUMN a SET NOT NULL",
    "ALTER TABLE p ALTER COLUMN a SET STATISTICS 100",
    "ALTER TABLE p RENAME TO p2",
    "ALTER TABLE p ADD CONSTRAINT fk FOREIGN KEY (r_id) REFERENCES r (id)",
    "ALTER TABLE p ADD CONSTRAINT fk FOREIGN KEY (r_id) REFERENCES r (id) NOT VALID",
    "ALTER TABLE p ADD CONSTRAINT ck CHECK (a > 0) NOT VALID",
    "ALTER TABLE p VALIDATE CONSTRAINT ck_old",
    "ALTER TABLE p SET (fillfactor = 70)",
    "ALTER TABLE p DISABLE TRIGGER ALL",
    "ALTER TABLE p ADD COLUMN z INT REFERENCES r (id)",
    "CREATE INDEX ix_a ON p (a)",
    "DROP INDEX ix_c",
    "ALTER INDEX ix_c RENAME TO ix_c2",
    "DROP TABLE p",
    "TRUNCATE p",
    "UPDATE p SET a = 1",
    "COMMENT ON TABLE p IS 'x'",
    "LOCK TABLE p IN SHARE MODE",
]


def _mode(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name.removesuffix("Lock")).upper()


@pytest.mark.postgres
def test_postgresql_lock_modes_match_pg_locks(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    wrong: list[tuple[object, ...]] = []
    try:
        for form in PG_FORMS:
            with engine.connect() as conn:
                conn.exec_driver_sql("DROP TABLE IF EXISTS p, p2, r CASCADE")
                conn.exec_driver_sql(PG_SETUP)
                conn.commit()
                oids: dict[int, str] = dict(conn.exec_driver_sql(
                    "SELECT oid, relname FROM pg_class WHERE relname IN ('p', 'r', 'ix_c')"
                ).all())  # fmt: skip
                conn.exec_driver_sql(form)
                held: dict[str, str] = {}
                for oid, mode in conn.exec_driver_sql(
                    "SELECT relation, mode FROM pg_locks WHERE pid = pg_backend_pid() "
                    "AND relation IS NOT NULL"
                ).all():
                    if oid in oids:
                        name = oids[oid]
                        held[name] = max(held.get(name, "ACCESS SHARE"), _mode(mode),
                                         key=PG_MODES.index)  # fmt: skip
                conn.rollback()
            info = statement_lock(form, "postgresql")
            first, *others = info.tables
            # a DROP/ALTER INDEX names the index; PostgreSQL locks it (and DROP, its table)
            if held.get(first) != info.lock:
                wrong.append((form, first, info.lock, held))
            for other in others:
                if held.get(other) != info.other_tables_lock:
                    wrong.append((form, other, info.other_tables_lock, held))
    finally:
        engine.dispose()
    assert wrong == []


MARIADB_SETUP = [
    "DROP TABLE IF EXISTS p9",
    "DROP TABLE IF EXISTS p",
    "DROP TABLE IF EXISTS r",
    "CREATE TABLE r (id INT PRIMARY KEY)",
    "CREATE TABLE p (id INT PRIMARY KEY, a INT, b VARCHAR(20), c INT, d INT, INDEX ix_c (c), "
    "CONSTRAINT ck_old CHECK (d > 0), CONSTRAINT fk_old FOREIGN KEY (d) REFERENCES r (id))",
    "INSERT INTO r VALUES (1)",
    "INSERT INTO p VALUES (1, 1, 'x', 1, 1)",
]
MARIADB_FORMS = [
    "ALTER TABLE p ADD COLUMN z INT",
    "ALTER TABLE p ADD COLUMN z INT AUTO_INCREMENT UNIQUE",
    "ALTER TABLE p ADD COLUMN z INT UNIQUE",
    "ALTER TABLE p ADD COLUMN z INT AS (a + 1) STORED",
    "ALTER TABLE p DROP COLUMN b",
    "ALTER TABLE p RENAME COLUMN b TO b2",
    "ALTER TABLE p MODIFY a BIGINT",
    "ALTER TABLE p ALTER COLUMN b SET DEFAULT 'x'",
    "ALTER TABLE p ADD INDEX ix_a (a)",
    "ALTER TABLE p ADD CONSTRAINT uq_a UNIQUE (a)",
    "ALTER TABLE p ADD FULLTEXT INDEX ft_b (b)",
    "ALTER TABLE p DROP INDEX ix_c",
    "ALTER TABLE p RENAME INDEX ix_c TO ix_c2",
    "ALTER TABLE p ADD CONSTRAINT ck CHECK (a > 0)",
    "ALTER TABLE p DROP CONSTRAINT ck_old",
    "ALTER TABLE p ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES r (id)",
    "ALTER TABLE p DROP FOREIGN KEY fk_old",
    "ALTER TABLE p RENAME TO p9",
    "ALTER TABLE p FORCE",
    "ALTER TABLE p CONVERT TO CHARACTER SET utf8mb3",
]


@pytest.mark.mysql
def test_mariadb_picks_the_algorithm_and_lock_we_predict(mysql_url: str) -> None:
    """The predicted ALGORITHM is accepted and the next more efficient one refused; a predicted
    LOCK=NONE is accepted, a predicted SHARED refused as NONE."""
    engine = create_engine(mysql_url)

    def accepts(form: str, clause: str) -> bool:
        with engine.connect() as conn:
            for statement in MARIADB_SETUP:
                conn.exec_driver_sql(statement)
            try:
                conn.exec_driver_sql(f"{form}, {clause}")
            except Exception:
                return False
            return True

    wrong: list[tuple[str, ...]] = []
    try:
        for form in MARIADB_FORMS:
            info = statement_lock(form, "mysql")
            assert info.algorithm is not None, form
            at = ALGORITHMS.index(info.algorithm)
            if not accepts(form, f"ALGORITHM={info.algorithm}"):
                wrong.append((form, "refused", info.algorithm))
            if at > 0 and accepts(form, f"ALGORITHM={ALGORITHMS[at - 1]}"):
                wrong.append((form, "accepts a more efficient", ALGORITHMS[at - 1]))
            if info.algorithm != "INSTANT":
                none = accepts(form, f"ALGORITHM={info.algorithm}, LOCK=NONE")
                if none != info.lock.endswith("LOCK=NONE"):
                    wrong.append((form, "LOCK=NONE accepted" if none else "LOCK=NONE refused"))
    finally:
        engine.dispose()
    assert wrong == []


BEFORE = "CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(50), qty INTEGER);\n"
AFTER = (
    "CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(50), qty INTEGER NOT NULL,\n"
    "  note VARCHAR(20));\n"
    "CREATE INDEX ix_items_name ON items (name);\n"
)
ROWS = 300


def _fill(url: str, dialect: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(BEFORE)
        values = ", ".join(f"({i}, 'n{i}', {i})" for i in range(1, ROWS + 1))
        conn.exec_driver_sql(f"INSERT INTO items (id, name, qty) VALUES {values}")
    with engine.connect() as conn:  # the servers' statistics, as a DBA's ANALYZE leaves them
        if dialect != "sqlite":
            conn.exec_driver_sql(
                "ANALYZE items" if dialect == "postgresql" else "ANALYZE TABLE items"
            )
        conn.commit()
    engine.dispose()


def _statements(repo: Path, commit: str) -> list[dict[str, Any]]:
    note = read_step_notes(GitRepo(repo), [commit])[commit]
    return list(note["impact"]["up"]["statements"])


def test_schema_diff_from_a_live_database_records_rows_locks_and_estimates(
    git_repo: Path, run_cli: CliRunner, db_url: str
) -> None:
    dialect = db_url.split(":", 1)[0].split("+", 1)[0]
    _fill(db_url, dialect)
    (git_repo / "after.sql").write_text(AFTER)
    assert run_cli("start", "impact").exit_code == 0
    result = schema_diff(GitRepo(git_repo), to="after.sql", target=db_url, summary="Items")
    assert result.step is not None and result.step.commit is not None
    # PostgreSQL: the index is built CONCURRENTLY in a step of its own (issue 20)
    statements = [s for step in result.steps for s in _statements(git_repo, str(step.commit))]
    on_items = [s for s in statements if "items" in [str(t).lower() for t in s["lock_tables"]]]
    assert on_items, statements
    for entry in on_items:
        assert entry["rows"] == ROWS
        assert entry["estimate_source"] == "static"
        assert isinstance(entry["estimate_seconds"], float)
    assert {str(s["rows_source"]) for s in on_items} == {
        "sqlite": {"count(*)"},
        "postgresql": {"pg_class.reltuples / pg_stat_user_tables.n_live_tup"},
        "mysql": {"information_schema.TABLES.TABLE_ROWS"},
    }[dialect]
    index = next(s for s in statements if s["work"] == "index")
    assert (
        index["lock"]
        == {
            "sqlite": "database write lock",
            "postgresql": "SHARE UPDATE EXCLUSIVE",
            "mysql": "metadata lock (exclusive, brief); ALGORITHM=NOCOPY, LOCK=NONE",
        }[dialect]
    )
    assert index["work"] == "index"


def test_without_a_database_rows_are_unknown_and_old_notes_still_load(
    git_repo: Path, run_cli: CliRunner
) -> None:
    (git_repo / "before.sql").write_text(BEFORE)
    (git_repo / "after.sql").write_text(AFTER)
    assert run_cli("start", "impact").exit_code == 0
    result = schema_diff(GitRepo(git_repo), to="after.sql", from_="before.sql", summary="Items")
    assert result.step is not None and result.step.commit is not None
    for entry in _statements(git_repo, result.step.commit):
        assert entry["rows"] is None
        assert entry["rows_source"] == "unknown (no database at authoring)"
        # the rebuild's row copies grow with the table: no estimate without rows
        if entry["work"] in ("scan", "index", "rewrite", "dml"):
            assert entry["estimate_seconds"] is None
        else:
            assert entry["estimate_seconds"] == 0.01
    # a note written before the impact keys existed still reads through show and status
    repo = GitRepo(git_repo)
    old = read_step_notes(repo, [result.step.commit])[result.step.commit]
    for direction in old["impact"].values():
        for entry in direction["statements"]:
            for key in ("lock", "lock_tables", "work", "rows", "rows_source",
                        "estimate_seconds", "estimate_source"):  # fmt: skip
                entry.pop(key)
    from gitmigrate.core.notes import write_step_notes

    write_step_notes(repo, {result.step.commit: old})
    shown = run_cli("show", "1", "--json")
    assert shown.exit_code == 0, shown.stderr
    assert "lock" not in json.loads(shown.stdout)["note"]["impact"]["up"]["statements"][0]


def test_schema_diff_prints_lint_findings_and_status_counts_them(
    git_repo: Path, run_cli: CliRunner, postgres_url: str
) -> None:
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(BEFORE)
    engine.dispose()
    (git_repo / "after.sql").write_text(AFTER)
    assert run_cli("start", "impact").exit_code == 0
    printed = run_cli("schema", "diff", "--to", "after.sql", "--target", postgres_url, "--print")
    assert printed.exit_code == 0, printed.stderr
    # issue 20: a plain diff on PostgreSQL writes the safe forms, so our lint has no error
    assert "lint error" not in printed.stderr, printed.stderr
    assert "warning: lint warning prefer-text-over-varchar at <up part 1>:" in printed.stderr
    assert 'CREATE INDEX CONCURRENTLY "ix_items_name"' in printed.stdout
    assert "VALIDATE CONSTRAINT" in printed.stdout  # SET NOT NULL through a validated CHECK
    committed = run_cli("schema", "diff", "--to", "after.sql", "--target", postgres_url)
    assert committed.exit_code == 0, committed.stderr
    assert "lint error" not in committed.stderr
    status = run_cli("status", "--target", postgres_url, "--json")
    assert status.exit_code == 0, status.stderr
    steps = json.loads(status.stdout)["steps"]
    assert len(steps) == 3  # changes + validation; the index alone (transaction = false)
    lint = steps[0]["lint"]
    assert lint["warnings"] >= 1 and all(s["lint"]["errors"] == 0 for s in steps)
    table = run_cli("status", "--target", postgres_url)
    applied = run_cli("apply", "--target", postgres_url)  # no --allow needed
    assert applied.exit_code == 0, applied.stderr
    assert f"{lint['warnings']}W" in table.stdout
