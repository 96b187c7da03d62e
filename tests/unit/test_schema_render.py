"""The DDL diff_schemas plans render to, per dialect (no database): quoting, MySQL's full
column definitions, PostgreSQL's piecewise ALTER COLUMN, partial/expression indexes, the SQLite
rebuild, the unknown-type error and the online variants."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.schema.api import plan_steps
from gitmigrate.schema.diff import diff_schemas
from gitmigrate.schema.model import CheckConstraint, Column, Enum, Index, Table
from tests.unit.test_schema_diff import CHILD, PARENT, schema, table

# --- rendering ------------------------------------------------------------------------------------


def test_identifiers_are_always_quoted() -> None:
    nasty = Table('we"ird', (Column("select", "INTEGER"), Column("a`b", "TEXT")))
    assert diff_schemas(schema(), schema(nasty)).up_statements("postgresql") == [
        'CREATE TABLE "we""ird" (\n    "select" INTEGER,\n    "a`b" TEXT\n)'
    ]
    my = diff_schemas(schema(dialect="mysql"), schema(nasty, dialect="mysql"))
    assert my.up_statements("mysql") == [
        'CREATE TABLE `we"ird` (\n    `select` INTEGER NULL,\n    `a``b` TEXT NULL\n)'
    ]


def test_mysql_alters_column_with_its_full_definition() -> None:
    before = schema(table("t", Column("n", "INT")), dialect="mysql")
    after = schema(table("t", Column("n", "BIGINT", nullable=False, default="0")), dialect="mysql")
    assert diff_schemas(before, after).up_statements("mysql") == [
        "ALTER TABLE `t` MODIFY COLUMN `n` BIGINT NOT NULL DEFAULT 0"
    ]


def test_postgresql_alters_column_piece_by_piece() -> None:
    before = schema(table("t", Column("n", "INTEGER", default="1")))
    after = schema(table("t", Column("n", "BIGINT", nullable=False, default="2")))
    assert diff_schemas(before, after).up_statements("postgresql") == [
        'ALTER TABLE "t" ALTER COLUMN "n" DROP DEFAULT',
        'ALTER TABLE "t" ALTER COLUMN "n" TYPE BIGINT USING "n"::BIGINT',
        'ALTER TABLE "t" ALTER COLUMN "n" SET NOT NULL',
        'ALTER TABLE "t" ALTER COLUMN "n" SET DEFAULT 2',
    ]


def test_partial_and_expression_indexes() -> None:
    t = table("t", Column("email", "TEXT"), Column("active", "BOOLEAN"))
    partial = Index("ix_active", ("email",), where="active")
    expression = Index("ix_lower", ("lower(email)",), expressions=True, method="gin")
    plan = diff_schemas(schema(t), schema(replace(t, indexes=(partial, expression))))
    assert plan.up_statements("postgresql") == [
        'CREATE INDEX "ix_active" ON "t" ("email") WHERE active',
        'CREATE INDEX "ix_lower" ON "t" USING gin ((lower(email)))',
    ]


def test_sqlite_changes_it_cannot_alter_rebuild_the_table() -> None:
    before = schema(table("t", Column("n", "INTEGER")), dialect="sqlite")
    after = schema(
        table("t", Column("n", "INTEGER", nullable=False, default="0")), dialect="sqlite"
    )
    up = diff_schemas(before, after).up_statements("sqlite")
    assert up[0] == "PRAGMA defer_foreign_keys = ON"
    assert up[1:3] == ['CREATE TABLE "_gm_old_t" AS SELECT * FROM "t"', 'DROP TABLE "t"']
    assert up[3].startswith('CREATE TABLE "t" (') and '"n" INTEGER NOT NULL DEFAULT 0' in up[3]
    assert up[4:] == [
        'INSERT INTO "t" ("id", "n") SELECT "id", "n" FROM "_gm_old_t"',
        'DROP TABLE "_gm_old_t"',
        'PRAGMA foreign_key_check("t")',
    ]
    # a plain nullable column is a plain ALTER
    added = schema(table("t", Column("n", "INTEGER"), Column("m", "TEXT")), dialect="sqlite")
    assert diff_schemas(before, added).up_statements("sqlite") == [
        'ALTER TABLE "t" ADD COLUMN "m" TEXT'
    ]


def test_sqlite_wraps_expression_defaults() -> None:
    t = table("t", Column("at", "TEXT", default="datetime('now')"))
    create = diff_schemas(schema(dialect="sqlite"), schema(t, dialect="sqlite"))
    assert "DEFAULT (datetime('now'))" in create.up_statements("sqlite")[0]


def test_unknown_type_names_the_type_and_suggests_the_nearest() -> None:
    plan = diff_schemas(schema(), schema(table("t", Column("n", "INTEGR"))))
    with pytest.raises(UsageError) as caught:
        plan.up_statements("postgresql")
    assert "INTEGR" in caught.value.message and "postgresql" in caught.value.message
    assert caught.value.hint == "did you mean INTEGER?"
    with pytest.raises(UsageError, match="TIMESTAMPTZ"):
        diff_schemas(schema(), schema(table("t", Column("n", "TIMESTAMPTZ")))).up_statements(
            "mysql"
        )
    # enum names are types on PostgreSQL
    mood = schema(table("t", Column("m", "mood")), enums=(Enum("mood", ("a",)),))
    assert diff_schemas(schema(), mood).up_statements("postgresql")


# --- online --------------------------------------------------------------------------------------


def test_online_postgresql_uses_concurrently_not_valid_and_a_lock_timeout() -> None:
    before = schema(PARENT, table("child", Column("parent_id", "INTEGER")))
    check = CheckConstraint("ck_pos", "parent_id > 0")
    after = schema(
        PARENT,
        replace(CHILD, indexes=(Index("ix_pid", ("parent_id",)),), checks=(check,)),
    )
    plan = diff_schemas(before, after, online=True)
    assert plan.up_statements("postgresql") == [
        "SET lock_timeout = '5s'",
        'ALTER TABLE "child" ADD CONSTRAINT "ck_pos" CHECK (parent_id > 0) NOT VALID',
        'ALTER TABLE "child" VALIDATE CONSTRAINT "ck_pos"',
        'CREATE INDEX CONCURRENTLY "ix_pid" ON "child" ("parent_id")',
        'ALTER TABLE "child" ADD CONSTRAINT "fk_c_p" FOREIGN KEY ("parent_id") '
        'REFERENCES "parent" ("id") NOT VALID',
        'ALTER TABLE "child" VALIDATE CONSTRAINT "fk_c_p"',
    ]
    assert 'DROP INDEX CONCURRENTLY "ix_pid"' in plan.down_statements("postgresql")
    steps = plan_steps(plan, "postgresql")
    assert [(s.up[1:], s.transactional) for s in steps] == [
        (['ALTER TABLE "child" ADD CONSTRAINT "ck_pos" CHECK (parent_id > 0) NOT VALID'], True),
        (['ALTER TABLE "child" VALIDATE CONSTRAINT "ck_pos"'], True),
        (['CREATE INDEX CONCURRENTLY "ix_pid" ON "child" ("parent_id")'], False),
        (
            [
                'ALTER TABLE "child" ADD CONSTRAINT "fk_c_p" FOREIGN KEY ("parent_id") '
                'REFERENCES "parent" ("id") NOT VALID'
            ],
            True,
        ),
        (['ALTER TABLE "child" VALIDATE CONSTRAINT "fk_c_p"'], True),
    ]
    assert all(s.up[0] == "SET lock_timeout = '5s'" for s in steps)
    assert steps[0].down[1:] == ['ALTER TABLE "child" DROP CONSTRAINT "ck_pos"']
    assert steps[1].down == []  # a validation needs no undoing
    assert steps[2].down[1:] == ['DROP INDEX CONCURRENTLY "ix_pid"']
    # a plain diff on PostgreSQL writes the same safe forms (issue 20): it passes our own lint
    plain = plan_steps(diff_schemas(before, after), "postgresql")
    assert [(s.up, s.transactional) for s in plain] == [(s.up, s.transactional) for s in steps]
    # changes to a table the same plan creates stay plain, in one step: nothing reads it yet
    fresh = plan_steps(diff_schemas(schema(PARENT), after), "postgresql")
    assert len(fresh) == 1 and not any("CONCURRENTLY" in s or "NOT VALID" in s for s in fresh[0].up)


def test_online_mysql_adds_inplace_lock_none_where_allowed() -> None:
    before = schema(table("t", Column("n", "INT")), dialect="mysql")
    after = schema(
        table("t", Column("n", "BIGINT"), Column("m", "INT"), indexes=(Index("ix_m", ("m",)),)),
        dialect="mysql",
    )
    assert diff_schemas(before, after, online=True).up_statements("mysql") == [
        "ALTER TABLE `t` ADD COLUMN `m` INT NULL, ALGORITHM=INPLACE, LOCK=NONE",
        "ALTER TABLE `t` MODIFY COLUMN `n` BIGINT NULL",  # a type change copies the table
        "ALTER TABLE `t` ADD INDEX `ix_m` (`m`), ALGORITHM=INPLACE, LOCK=NONE",
    ]
