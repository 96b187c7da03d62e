"""Lint rules on golden cases (MySQL/MariaDB, SQLite, PostgreSQL beyond Squawk's examples),
ignore comments, options, step linting, and the mapping/docs staying in step with the rules."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from gitmigrate.core.model import Step
from gitmigrate.errors import UsageError
from gitmigrate.lint import LintOptions, all_rules, blocking, lint_sql, lint_step
from gitmigrate.lint.registry import mapping

REPO = Path(__file__).resolve().parents[2]

# (dialect, sql, rule that must fire, or "-rule" that must not)
CASES = [
    # MySQL / MariaDB online DDL
    ("mysql", "ALTER TABLE t ADD COLUMN c INT;", "require-online-algorithm"),
    (
        "mysql",
        "ALTER TABLE t ADD COLUMN c INT, ALGORITHM=INPLACE, LOCK=NONE;",
        "-require-online-algorithm",
    ),
    ("mysql", "ALTER TABLE t ADD COLUMN c INT, ALGORITHM=COPY;", "require-online-algorithm"),
    ("mysql", "ALTER TABLE t ALGORITHM=INSTANT, ADD COLUMN c INT;", "-require-lock-none"),
    ("mysql", "ALTER TABLE t ADD COLUMN c INT, ALGORITHM=INPLACE;", "require-lock-none"),
    (
        "mysql",
        "ALTER TABLE t ADD INDEX ix (c), ALGORITHM=INPLACE, LOCK=SHARED;",
        "require-lock-none",
    ),
    ("mysql", "CREATE INDEX ix ON t (a) ALGORITHM=INPLACE LOCK=NONE;", "-require-online-algorithm"),
    ("mysql", "CREATE INDEX ix ON t (a);", "require-online-algorithm"),
    (
        "mysql",
        "CREATE TABLE t (id BIGINT PRIMARY KEY); ALTER TABLE t ADD COLUMN c INT;",
        "-require-online-algorithm",
    ),
    (
        "mysql",
        "ALTER TABLE t ADD COLUMN c INT AFTER b, ALGORITHM=INPLACE, LOCK=NONE;",
        "column-position",
    ),
    ("mysql", "ALTER TABLE t ADD COLUMN c INT FIRST;", "column-position"),
    ("mysql", "ALTER TABLE t ADD COLUMN c INT;", "-column-position"),
    ("mysql", "ALTER TABLE t MODIFY COLUMN c BIGINT NOT NULL;", "changing-column-type"),
    (
        "mysql",
        "ALTER TABLE t MODIFY COLUMN c BIGINT, ALGORITHM=INPLACE, LOCK=NONE;",
        "-changing-column-type",
    ),
    ("mysql", "ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4;", "changing-column-type"),
    ("mysql", "ALTER TABLE t CHANGE COLUMN a b INT;", "renaming-column"),
    ("mysql", "ALTER TABLE t CHANGE COLUMN a a BIGINT;", "-renaming-column"),
    ("mysql", "RENAME TABLE a TO b;", "renaming-table"),
    ("mysql", "ALTER TABLE t DROP COLUMN c;", "dropping-column"),
    ("mysql", "ALTER TABLE t ADD COLUMN c INT NOT NULL;", "adding-not-nullable-column"),
    ("mysql", "ALTER TABLE t ADD COLUMN c INT NOT NULL DEFAULT 0;", "-adding-not-nullable-column"),
    ("mysql", "CREATE TABLE t (a INT);", "missing-primary-key"),
    ("mysql", "CREATE TABLE t (a INT, PRIMARY KEY (a));", "-missing-primary-key"),
    ("mysql", "CREATE TEMPORARY TABLE t (a INT);", "-missing-primary-key"),
    ("mysql", "ALTER TABLE t DROP PRIMARY KEY;", "missing-primary-key"),
    ("mysql", "CREATE TABLE t (id BIGINT PRIMARY KEY) ENGINE=MyISAM;", "mysql-use-innodb"),
    ("mysql", "CREATE TABLE t (id BIGINT PRIMARY KEY) ENGINE=InnoDB;", "-mysql-use-innodb"),
    ("mysql", "SET default_storage_engine = MyISAM;", "mysql-use-innodb"),
    ("mysql", "CREATE TABLE t (id BIGINT PRIMARY KEY);", "table-charset-unspecified"),
    (
        "mysql",
        "CREATE TABLE t (id BIGINT PRIMARY KEY) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;",
        "-table-charset-unspecified",
    ),
    (
        "mysql",
        "CREATE TABLE t (id BIGINT PRIMARY KEY) DEFAULT CHARSET=utf8;",
        "charset-not-utf8mb4",
    ),
    (
        "mysql",
        "CREATE TABLE t (id BIGINT PRIMARY KEY) CHARACTER SET latin1;",
        "charset-not-utf8mb4",
    ),
    (
        "mysql",
        "CREATE TABLE t (id BIGINT PRIMARY KEY) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;",
        "-charset-not-utf8mb4",
    ),
    (
        "mysql",
        "CREATE TABLE t (id BIGINT PRIMARY KEY, n VARCHAR(9) COLLATE utf8mb4_bin);",
        "column-charset-override",
    ),
    ("mysql", "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY);", "prefer-bigint-key"),
    (
        "mysql",
        "CREATE TABLE t (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY);",
        "-prefer-bigint-key",
    ),
    ("mysql", "CREATE TABLE t (id BIGINT PRIMARY KEY, code CHAR(40));", "ban-char-type"),
    ("mysql", "CREATE TABLE t (id BIGINT PRIMARY KEY, code CHAR(2));", "-ban-char-type"),
    (
        "mysql",
        "ALTER TABLE t ADD COLUMN c INT; ALTER TABLE t ADD COLUMN d INT;",
        "merge-alter-table",
    ),
    ("mysql", "ALTER TABLE t ADD COLUMN c INT;", "require-lock-timeout"),
    (
        "mysql",
        "SET SESSION lock_wait_timeout = 5; ALTER TABLE t ADD COLUMN c INT;",
        "-require-lock-timeout",
    ),
    (
        "mysql",
        "SET SESSION max_statement_time = 60; ALTER TABLE t ADD COLUMN c INT;",
        "-require-statement-timeout",
    ),
    ("mysql", "UPDATE t SET a = 1 WHERE b = NULL;", "comparison-with-null"),
    ("mysql", "UPDATE t SET a = NULL WHERE b IS NULL;", "-comparison-with-null"),
    ("mysql", "DELETE FROM t;", "update-delete-without-where"),
    ("mysql", "INSERT INTO t VALUES (1);", "insert-without-columns"),
    ("mysql", "INSERT INTO t (a) VALUES (1);", "-insert-without-columns"),
    ("mysql", "BEGIN; COMMIT; COMMIT;", "transaction-nesting"),
    ("mysql", "TRUNCATE TABLE t;", "truncating-table"),
    ("mysql", "CREATE TABLE t (a INT, a INT);", "duplicate-column"),
    ("mysql", "CREATE TABLE t (id BIGINT PRIMARY KEY, KEY k (a, a));", "duplicate-column"),
    ("mysql", f"CREATE TABLE {'t' * 65} (id BIGINT PRIMARY KEY);", "identifier-too-long"),
    ("mysql", "ALTER TABLE t ADD COLUMN c INT;", "-adding-column-with-default"),  # PostgreSQL only
    # SQLite
    ("sqlite", "ALTER TABLE t ADD COLUMN c INTEGER NOT NULL;", "adding-not-nullable-column"),
    (
        "sqlite",
        "ALTER TABLE t ADD COLUMN c INTEGER NOT NULL DEFAULT 0;",
        "-adding-not-nullable-column",
    ),
    ("sqlite", "DROP TABLE t;", "dropping-table"),
    ("sqlite", "CREATE TABLE t (a INT); DROP TABLE t;", "-dropping-table"),
    ("sqlite", "ALTER TABLE t RENAME TO u;", "renaming-table"),
    ("sqlite", "ALTER TABLE t ADD COLUMN c INTEGER;", "-require-lock-timeout"),
    # PostgreSQL beyond Squawk's examples
    (
        "postgresql",
        "ALTER TABLE t ADD COLUMN c uuid DEFAULT gen_random_uuid();",
        "adding-column-with-default",
    ),
    (
        "postgresql",
        "ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now();",
        "-adding-column-with-default",
    ),
    ("postgresql", "ALTER TABLE t ADD COLUMN c bigserial;", "adding-column-with-default"),
    (
        "postgresql",
        "CREATE TABLE t (a int); ALTER TABLE t ADD COLUMN c uuid DEFAULT gen_random_uuid();",
        "-adding-column-with-default",
    ),
    (
        "postgresql",
        "ALTER TABLE t ADD COLUMN c int REFERENCES u (id);",
        "-adding-not-nullable-column",
    ),
    (
        "postgresql",
        "CREATE TABLE t (a int); CREATE INDEX i ON t (a);",
        "-require-concurrent-index-creation",
    ),
    (
        "postgresql",
        "CREATE MATERIALIZED VIEW mv AS SELECT 1 AS a; CREATE UNIQUE INDEX i ON mv (a);",
        "-require-concurrent-index-creation",
    ),
    (
        "postgresql",
        "CREATE VIEW v AS SELECT 1 AS a; CREATE INDEX i ON w (a);",
        "require-concurrent-index-creation",
    ),
    (
        "postgresql",
        "CREATE TABLE t (a int); ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);",
        "-adding-check-without-not-valid",
    ),
    (
        "postgresql",
        "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id) ON DELETE CASCADE NOT VALID;",
        "-cascade-drop-or-truncate",
    ),
    ("postgresql", "DROP TABLE t CASCADE;", "cascade-drop-or-truncate"),
    ("postgresql", "DROP SCHEMA s;", "dropping-database"),
    ("postgresql", "TRUNCATE t;", "truncating-table"),
    ("postgresql", "ALTER TABLE t ALTER COLUMN c TYPE bigint;", "changing-column-type"),
    (
        "postgresql",
        "ALTER TABLE t ADD COLUMN c int; ALTER TABLE t ADD COLUMN d int;",
        "-merge-alter-table",
    ),
    (
        "postgresql",
        "BEGIN; ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT c; COMMIT;",
        "validate-constraint-in-same-transaction",
    ),
    (
        "postgresql",
        "ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT c;",
        "-validate-constraint-in-same-transaction",
    ),
    ("postgresql", "BEGIN; VACUUM t; COMMIT;", "non-transactional-statement-in-transaction"),
    ("postgresql", "CLUSTER t USING t_pkey;", "vacuum-full-or-cluster"),
    ("postgresql", "VACUUM t;", "-vacuum-full-or-cluster"),
    ("postgresql", "CREATE TABLE t (a int, PRIMARY KEY (a, a));", "duplicate-column"),
    ("postgresql", "SELECT * FROM t WHERE a = NULL;", "comparison-with-null"),
]


@pytest.mark.parametrize(
    ("dialect", "sql", "expect"), CASES, ids=[f"{d}:{e}:{s[:40]}" for d, s, e in CASES]
)
def test_rule_case(dialect: str, sql: str, expect: str) -> None:
    rule = expect.lstrip("-")
    assert rule in all_rules(), rule
    reported = {f.rule for f in lint_sql(sql, dialect)}
    if expect.startswith("-"):
        assert rule not in reported, reported
    else:
        assert rule in reported, reported


def rules_of(sql: str, dialect: str = "postgresql", **options: object) -> list[str]:
    return [f.rule for f in lint_sql(sql, dialect, options=LintOptions(**options))]  # type: ignore[arg-type]


def test_gitmigrate_and_squawk_ignore_comments() -> None:
    drop = "ALTER TABLE t DROP COLUMN c;\n"
    assert "dropping-column" in rules_of(drop)
    assert "dropping-column" not in rules_of("-- gitmigrate-ignore dropping-column\n" + drop)
    assert "dropping-column" not in rules_of("-- squawk-ignore ban-drop-column\n" + drop)
    # a statement-level comment covers only the next statement
    both = "-- gitmigrate-ignore dropping-column\n" + drop + "ALTER TABLE u DROP COLUMN d;\n"
    assert [f.line for f in lint_sql(both, "mysql") if f.rule == "dropping-column"] == [3]
    # file-level, several ids with commas and spaces, and no id at all
    assert "dropping-column" not in rules_of(
        f"SELECT 1;\n-- gitmigrate-ignore-file prefer-identity, dropping-column\n{drop}"
    )
    assert rules_of("-- squawk-ignore-file\n" + drop + "CREATE TABLE t (id serial);\n") == []


def test_unknown_ignore_id_is_reported_where_it_is() -> None:
    found = lint_sql("SELECT 1;\n-- gitmigrate-ignore no-such-rule\nSELECT 2;\n", "sqlite")
    assert [(f.rule, f.line, f.severity) for f in found] == [("unknown-ignore", 2, "warning")]
    assert "no-such-rule" in found[0].message


def test_syntax_error_stops_other_rules() -> None:
    found = lint_sql("DROP TABLE t;\nSELECT f(1,,2);\n", "postgresql")
    assert [(f.rule, f.line) for f in found] == [("syntax-error", 2)]
    assert blocking(found) == found


def test_allow_keeps_the_finding_but_it_no_longer_blocks() -> None:
    sql = "ALTER TABLE t RENAME TO u;\n"
    (plain,) = [f for f in lint_sql(sql, "sqlite") if f.rule == "renaming-table"]
    assert plain.blocking and not plain.allowed
    found = lint_sql(sql, "sqlite", options=LintOptions(allow=frozenset({"renaming-table"})))
    (allowed,) = [f for f in found if f.rule == "renaming-table"]
    assert allowed.severity == "error" and allowed.allowed and not allowed.blocking
    assert blocking(found) == []


def test_drops_warn_because_apply_asks_for_confirmation() -> None:
    found = lint_sql("DROP TABLE t;\nALTER TABLE u DROP COLUMN c;\nTRUNCATE v;\n", "postgresql")
    drops = [
        f for f in found if f.rule in ("dropping-table", "dropping-column", "truncating-table")
    ]
    assert sorted(f.rule for f in drops) == [
        "dropping-column",
        "dropping-table",
        "truncating-table",
    ]
    assert all(f.severity == "warning" and not f.blocking for f in drops)


def test_include_exclude_and_unknown_ids() -> None:
    sql = "CREATE TABLE posts (id bigint PRIMARY KEY);\n"
    assert "require-table-schema" not in rules_of(sql)
    assert "require-table-schema" in rules_of(sql, include=frozenset({"require-table-schema"}))
    assert rules_of("CREATE TABLE p (a int);", "sqlite") == ["missing-primary-key"]
    assert (
        rules_of("CREATE TABLE p (a int);", "sqlite", exclude=frozenset({"missing-primary-key"}))
        == []
    )
    with pytest.raises(UsageError, match="no-such-rule"):
        lint_sql(sql, "postgresql", options=LintOptions(allow=frozenset({"no-such-rule"})))


def test_timeout_settings_flag_both_and_only_once() -> None:
    sql = "ALTER TABLE t ADD COLUMN a int;\nALTER TABLE t ADD COLUMN b int;\n"
    found = [f for f in lint_sql(sql, "postgresql") if f.rule.endswith("-timeout")]
    assert sorted((f.rule, f.line) for f in found) == [
        ("require-lock-timeout", 1), ("require-statement-timeout", 1)
    ]  # fmt: skip


def _step(up: str, down: str | None = None, **options: object) -> Step:
    files = {"up.sql": up.encode()} | ({"down.sql": down.encode()} if down else {})
    return Step("m", 1, "s", "sql", "s", files, options)


def test_lint_step_assumes_the_engines_transaction_unless_the_step_opts_out() -> None:
    sql = "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\n"
    inside = lint_step(_step(sql), "postgresql", LintOptions())
    assert "non-transactional-statement-in-transaction" in {f.rule for f in inside}
    outside = lint_step(_step(sql, transaction=False), "postgresql", LintOptions())
    assert "non-transactional-statement-in-transaction" not in {f.rule for f in outside}
    # MySQL does not wrap DDL in a transaction: BEGIN is not nesting there
    assert "transaction-nesting" not in {
        f.rule for f in lint_step(_step("BEGIN; COMMIT;"), "mysql")
    }


def test_lint_step_names_files_picks_directions_and_lets_down_undo() -> None:
    step = _step("ALTER TABLE t DROP COLUMN c;", "ALTER TABLE t ADD COLUMN c INTEGER NOT NULL;")
    found = {(f.file.rsplit("/", 1)[-1], f.rule) for f in lint_step(step, "sqlite")}
    assert found == {("up.sql", "dropping-column"), ("down.sql", "adding-not-nullable-column")}
    assert {f.file for f in lint_step(step, "sqlite", directions=("up",))} == {
        "migrations/m/001-s/up.sql"
    }
    # down.sql undoing an ADD COLUMN drops it: expected there, not a finding
    undo = _step("ALTER TABLE t ADD COLUMN c INTEGER;", "ALTER TABLE t DROP COLUMN c;")
    assert lint_step(undo, "sqlite") == []


def test_every_rule_is_documented_and_mapped() -> None:
    docs = (REPO / "docs" / "lint-rules.md").read_text(encoding="utf-8")
    mapped = {i for _src, _id, ours, _note in mapping() for i in ours}
    for rule in all_rules().values():
        assert f"`{rule.id}`" in docs, f"{rule.id} missing from docs/lint-rules.md"
        assert rule.id in mapped, f"{rule.id} is mapped from no Squawk/Bytebase id"
        assert rule.fix and rule.why and rule.summary
    for source, source_id, ours, note in mapping():
        assert set(ours) <= set(all_rules()), (source_id, ours)
        assert ours or note, f"{source}:{source_id} has neither a rule nor a reason"


SHARED = REPO.parent / "shared" / "conformance" / "lint"
# Mapped Bytebase rules whose engine list we deliberately do not cover, with the reason in
# mapping.tsv's note.
ENGINE_EXCEPTIONS = {
    "STATEMENT_MERGE_ALTER_TABLE",
    "SYSTEM_CHARSET_ALLOWLIST",
    "SYSTEM_COLLATION_ALLOWLIST",
}


@pytest.mark.skipif(
    not (SHARED / "mapping.tsv").is_file(),
    reason=f"the peers' lint mapping is not part of this repository and not in {SHARED} "
    "(CI has it in ../shared/conformance)",
)
def test_mapping_covers_every_source_id_and_bytebase_engine() -> None:
    with (SHARED / "mapping.tsv").open(encoding="utf-8") as handle:
        theirs = {(r["source"], r["source_id"]) for r in csv.DictReader(handle, delimiter="\t")}
    ours = {(src, sid): ids for src, sid, ids, _note in mapping()}
    assert set(ours) == theirs
    engines = {"mysql": "mysql", "mariadb": "mysql", "postgres": "postgresql"}
    with (SHARED / "bytebase" / "rules.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            ids = ours[("bytebase", row["id"])]
            if not ids or row["id"] in ENGINE_EXCEPTIONS:
                continue
            have = set().union(*(all_rules()[i].dialects for i in ids))
            need = {engines[e] for e in row["engines"].split(",")}
            assert need <= have, (row["id"], need - have)
