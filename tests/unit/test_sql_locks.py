"""The lock and work of each statement form, per dialect (gitmigrate.sql.locks). The live
servers confirm the PostgreSQL and MariaDB tables in tests/integration/test_schema_impact.py."""

from __future__ import annotations

import pytest

from gitmigrate.sql.locks import script_locks, statement_lock

AE, SUE, SRE = "ACCESS EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE ROW EXCLUSIVE"

POSTGRES = [
    ("ALTER TABLE t ADD COLUMN c INT", AE, ("t",), "metadata"),
    ("ALTER TABLE t ADD COLUMN c INT DEFAULT 0", AE, ("t",), "metadata"),
    ("ALTER TABLE t ADD COLUMN c BIGSERIAL", AE, ("t",), "rewrite"),
    ("ALTER TABLE t ADD COLUMN c UUID DEFAULT gen_random_uuid()", AE, ("t",), "rewrite"),
    ("ALTER TABLE t DROP COLUMN c", AE, ("t",), "metadata"),
    ("ALTER TABLE t ALTER COLUMN c TYPE BIGINT", AE, ("t",), "rewrite"),
    ("ALTER TABLE t ALTER COLUMN c SET DATA TYPE BIGINT", AE, ("t",), "rewrite"),
    ("ALTER TABLE t ALTER COLUMN c SET NOT NULL", AE, ("t",), "scan"),
    ("ALTER TABLE t ALTER COLUMN c DROP NOT NULL", AE, ("t",), "metadata"),
    ("ALTER TABLE t ALTER COLUMN c SET STATISTICS 200", SUE, ("t",), "metadata"),
    ("ALTER TABLE t SET (fillfactor = 70)", SUE, ("t",), "metadata"),
    ("ALTER TABLE t VALIDATE CONSTRAINT ck", SUE, ("t",), "scan"),
    ("ALTER TABLE t ADD CONSTRAINT ck CHECK (c > 0)", AE, ("t",), "scan"),
    ("ALTER TABLE t ADD CONSTRAINT ck CHECK (c > 0) NOT VALID", AE, ("t",), "metadata"),
    ("ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (r) REFERENCES p (id)", SRE, ("t", "p"), "scan"),
    (
        'ALTER TABLE "t" ADD CONSTRAINT "fk" FOREIGN KEY ("r") REFERENCES "p" ("id") NOT VALID',
        SRE, ("t", "p"), "metadata",
    ),
    ("ALTER TABLE t ADD CONSTRAINT uq UNIQUE (c)", AE, ("t",), "index"),
    ("ALTER TABLE t ADD CONSTRAINT uq UNIQUE USING INDEX ix", AE, ("t",), "metadata"),
    ("ALTER TABLE t RENAME COLUMN a TO b", AE, ("t",), "metadata"),
    ("ALTER TABLE t DISABLE TRIGGER ALL", SRE, ("t",), "metadata"),
    ("ALTER TABLE t SET TABLESPACE fast", AE, ("t",), "rewrite"),
    ("ALTER TABLE t ALTER COLUMN c SET STATISTICS 10, ALTER COLUMN d TYPE TEXT", AE, ("t",), "rewrite"),
    ("ALTER TABLE ONLY public.t DROP CONSTRAINT ck", AE, ("public.t",), "metadata"),
    ("CREATE INDEX ix ON t (c)", "SHARE", ("t",), "index"),
    ("CREATE UNIQUE INDEX ix ON ONLY t (c)", "SHARE", ("t",), "index"),
    ('CREATE INDEX CONCURRENTLY "ix" ON "t" ("c")', SUE, ("t",), "index"),
    ("DROP INDEX ix", AE, ("ix",), "metadata"),
    ("DROP INDEX CONCURRENTLY IF EXISTS ix", SUE, ("ix",), "metadata"),
    ("ALTER INDEX ix RENAME TO ix2", SUE, ("ix",), "metadata"),
    ("CREATE TABLE t (id INT PRIMARY KEY)", "none", (), "none"),
    ("CREATE TABLE t (id INT, p INT REFERENCES p (id))", "none", ("t", "p"), "none"),
    ("CREATE VIEW v AS SELECT 1", "none", (), "none"),
    ("DROP TABLE IF EXISTS t", AE, ("t",), "metadata"),
    ("DROP MATERIALIZED VIEW mv", AE, ("mv",), "metadata"),
    ("TRUNCATE TABLE t", AE, ("t",), "metadata"),
    ("INSERT INTO t (c) VALUES (1)", "ROW EXCLUSIVE", ("t",), "insert"),
    ("UPDATE t SET c = 1", "ROW EXCLUSIVE", ("t",), "dml"),
    ("DELETE FROM t WHERE c = 1", "ROW EXCLUSIVE", ("t",), "dml"),
    ("COMMENT ON TABLE t IS 'x'", SUE, ("t",), "metadata"),
    ("CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()", SRE, ("t",), "metadata"),
    ("LOCK TABLE t IN SHARE MODE", "SHARE", ("t",), "none"),
    ("VACUUM FULL t", AE, (), "rewrite"),
    ("SET lock_timeout = '5s'", "none", (), "none"),
]  # fmt: skip


@pytest.mark.parametrize(("sql", "lock", "tables", "work"), POSTGRES)
def test_postgresql_lock_per_statement_form(
    sql: str, lock: str, tables: tuple[str, ...], work: str
) -> None:
    info = statement_lock(sql, "postgresql")
    assert (info.lock, info.tables, info.work) == (lock, tables, work)


def test_postgresql_foreign_key_locks_the_referenced_table_too() -> None:
    info = statement_lock("ALTER TABLE t ADD COLUMN p INT REFERENCES p (id)", "postgresql")
    assert (info.lock, info.tables, info.other_tables_lock) == (AE, ("t", "p"), SRE)
    assert statement_lock("ALTER TABLE t ADD COLUMN c INT", "postgresql").other_tables_lock is None


MDL = "metadata lock (exclusive, brief)"
MARIADB = [
    ("ALTER TABLE t ADD COLUMN c INT", "INSTANT", None),
    ("ALTER TABLE `t` ADD COLUMN `c` INT NOT NULL DEFAULT 0 AFTER `a`", "INSTANT", None),
    ("ALTER TABLE t ADD COLUMN c INT AUTO_INCREMENT UNIQUE", "INPLACE", "SHARED"),
    ("ALTER TABLE t ADD COLUMN c INT UNIQUE", "INPLACE", "NONE"),
    ("ALTER TABLE t ADD COLUMN c INT AS (a + 1) STORED", "COPY", "SHARED"),
    ("ALTER TABLE t DROP COLUMN c", "INSTANT", None),
    ("ALTER TABLE t RENAME COLUMN a TO b", "INSTANT", None),
    ("ALTER TABLE t ALTER COLUMN c SET DEFAULT 1", "INSTANT", None),
    ("ALTER TABLE t MODIFY c BIGINT", "COPY", "SHARED"),
    ("ALTER TABLE t MODIFY c VARCHAR(40), ALGORITHM=INSTANT", "INSTANT", None),
    ("ALTER TABLE t ADD INDEX ix (c)", "NOCOPY", "NONE"),
    ("ALTER TABLE t ADD UNIQUE INDEX ix (c)", "NOCOPY", "NONE"),
    ("ALTER TABLE t ADD CONSTRAINT uq UNIQUE (c)", "NOCOPY", "NONE"),
    ("ALTER TABLE t ADD FULLTEXT INDEX ft (c)", "INPLACE", "SHARED"),
    ("ALTER TABLE t DROP INDEX ix", "NOCOPY", "NONE"),
    ("ALTER TABLE t RENAME INDEX ix TO ix2", "INSTANT", None),
    ("ALTER TABLE t ADD CONSTRAINT ck CHECK (c > 0)", "COPY", "SHARED"),
    ("ALTER TABLE t DROP CONSTRAINT ck", "INSTANT", None),
    ("ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (p) REFERENCES p (id)", "COPY", "SHARED"),
    ("ALTER TABLE t DROP FOREIGN KEY fk", "INSTANT", None),
    ("ALTER TABLE t DROP PRIMARY KEY", "COPY", "SHARED"),
    ("ALTER TABLE t ADD PRIMARY KEY (id)", "INPLACE", "NONE"),
    ("ALTER TABLE t RENAME TO u", "INSTANT", None),
    ("ALTER TABLE t FORCE", "INPLACE", "NONE"),
    ("ALTER TABLE t COMMENT = 'x'", "INSTANT", None),
    ("ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4", "COPY", "SHARED"),
    ("ALTER TABLE t ADD COLUMN c INT, ADD INDEX ix (c)", "NOCOPY", "NONE"),
    ("ALTER TABLE t ADD INDEX ix (c), ALGORITHM=INPLACE, LOCK=NONE", "INPLACE", "NONE"),
    ("ALTER TABLE t ADD INDEX ix (c), LOCK=SHARED", "NOCOPY", "SHARED"),
    ("ALTER TABLE t ADD COLUMN c INT, ALGORITHM=COPY", "COPY", "SHARED"),
    ("CREATE INDEX ix ON t (c)", "NOCOPY", "NONE"),
    ("DROP INDEX ix ON t", "NOCOPY", "NONE"),
]


@pytest.mark.parametrize(("sql", "algorithm", "lock"), MARIADB)
def test_mariadb_algorithm_and_lock_per_alter_form(
    sql: str, algorithm: str, lock: str | None
) -> None:
    info = statement_lock(sql, "mysql")
    assert info.algorithm == algorithm
    assert info.tables == ("t",)
    expected = f"{MDL}; ALGORITHM={algorithm}" + (f", LOCK={lock}" if lock else "")
    assert info.lock == expected


def test_mariadb_refuses_an_algorithm_the_change_cannot_use() -> None:
    info = statement_lock("ALTER TABLE t ADD INDEX ix (c), ALGORITHM=INSTANT", "mysql")
    assert info.lock.startswith("refused: ALGORITHM=INSTANT is not possible here")


@pytest.mark.parametrize(
    ("sql", "lock", "work"),
    [
        ("CREATE TABLE t (id INT)", "none", "none"),
        ("DROP TABLE t", "metadata lock (exclusive)", "metadata"),
        ("RENAME TABLE t TO u", "metadata lock (exclusive)", "metadata"),
        ("UPDATE t SET c = 1", "metadata lock (shared) + row locks", "dml"),
        ("INSERT INTO t VALUES (1)", "metadata lock (shared) + row locks", "insert"),
        ("SET SESSION lock_wait_timeout = 5", "none", "none"),
    ],
)
def test_mariadb_other_statements(sql: str, lock: str, work: str) -> None:
    info = statement_lock(sql, "mysql")
    assert (info.lock, info.work) == (lock, work)


@pytest.mark.parametrize(
    ("sql", "lock", "work"),
    [
        ("ALTER TABLE t ADD COLUMN c INT", "database write lock", "metadata"),
        ("ALTER TABLE t DROP COLUMN c", "database write lock", "rewrite"),
        ("CREATE INDEX ix ON t (c)", "database write lock", "index"),
        ('CREATE TABLE "_gm_old_t" AS SELECT * FROM "t"', "database write lock", "rewrite"),
        ('INSERT INTO "t" ("a") SELECT "a" FROM "_gm_old_t"', "database write lock", "rewrite"),
        ("UPDATE t SET c = 1", "database write lock", "dml"),
        ("SELECT 1", "shared read lock", "none"),
        ("PRAGMA defer_foreign_keys = ON", "none", "none"),
    ],
)
def test_sqlite_every_write_takes_the_database_write_lock(sql: str, lock: str, work: str) -> None:
    info = statement_lock(sql, "sqlite")
    assert (info.lock, info.work) == (lock, work)


def test_script_locks_follow_the_statements_in_order() -> None:
    sql = "SET lock_timeout = '5s';\nCREATE INDEX ix ON t (c);\nDROP TABLE u;\n"
    assert [i.lock for i in script_locks(sql, "postgresql")] == ["none", "SHARE", AE]
