"""schema_differences: one line per difference, empty when equal; column order ignored, names
folded per dialect, unnamed or generated-name constraints matched by content."""

from __future__ import annotations

from dataclasses import replace

from gitmigrate.schema.compare import schema_differences
from gitmigrate.schema.model import (
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    Index,
    PrimaryKey,
    Schema,
    Sequence,
    Table,
    UniqueConstraint,
    View,
)
from tests.integration.test_schema_reflect import build

USERS = Table(
    "users",
    columns=(
        Column("id", "INTEGER", nullable=False, identity=True),
        Column("email", "VARCHAR(100)"),
    ),
    primary_key=PrimaryKey(("id",)),
    indexes=(Index("ix_email", ("email",)),),
    unique_constraints=(UniqueConstraint(None, ("email",)),),
    checks=(CheckConstraint(None, "length(email) > 3"),),
)
ORDERS = Table(
    "orders",
    columns=(Column("id", "INTEGER"), Column("user_id", "INTEGER")),
    foreign_keys=(ForeignKey(None, ("user_id",), "users", ("id",), on_delete="CASCADE"),),
)
BASE = Schema("sqlite", tables=(ORDERS, USERS), views=(View("v", "SELECT 1"),))


def with_users(schema: Schema, users: Table) -> Schema:
    return replace(schema, tables=(schema.tables[0], users))


def test_equal_schemas_have_no_differences() -> None:
    assert schema_differences(BASE, BASE) == []


def test_column_differences_name_the_field() -> None:
    changed = with_users(
        BASE,
        replace(USERS, columns=(USERS.columns[0], Column("email", "VARCHAR(200)", nullable=False))),
    )
    assert schema_differences(BASE, changed) == [
        "table users: column email: type VARCHAR(100) != VARCHAR(200)",
        "table users: column email: nullable True != False",
    ]


def test_column_order_is_ignored_and_names_fold_on_sqlite() -> None:
    reordered = replace(USERS, columns=(Column("EMAIL", "VARCHAR(100)"), USERS.columns[0]))
    assert schema_differences(BASE, with_users(BASE, reordered)) == []
    pg = replace(BASE, dialect="postgresql")
    assert schema_differences(pg, replace(with_users(BASE, reordered), dialect="postgresql")) == [
        "table users: column EMAIL added",
        "table users: column email missing",
    ]


def test_missing_and_added_objects() -> None:
    other = Schema(
        "sqlite",
        tables=(USERS, Table("audit", columns=(Column("x", "TEXT"),))),
        views=(),
    )
    assert schema_differences(BASE, other) == [
        "table audit added",
        "table orders missing",
        "view v missing",
    ]


def test_unnamed_and_generated_name_constraints_match_by_content() -> None:
    named = replace(
        ORDERS,
        foreign_keys=(replace(ORDERS.foreign_keys[0], name="orders_ibfk_1"),),
    )
    assert schema_differences(BASE, replace(BASE, tables=(named, USERS))) == []
    user_named = replace(ORDERS, foreign_keys=(replace(ORDERS.foreign_keys[0], name="fk_a"),))
    renamed = replace(ORDERS, foreign_keys=(replace(ORDERS.foreign_keys[0], name="fk_b"),))
    a, b = replace(BASE, tables=(user_named, USERS)), replace(BASE, tables=(renamed, USERS))
    assert schema_differences(a, b) == [
        "table orders: foreign key (user_id) -> users(id) ON DELETE CASCADE: name fk_a != fk_b"
    ]
    no_cascade = replace(ORDERS, foreign_keys=(replace(ORDERS.foreign_keys[0], on_delete=None),))
    assert schema_differences(BASE, replace(BASE, tables=(no_cascade, USERS))) == [
        "table orders: foreign key (user_id) -> users(id) ON DELETE CASCADE missing",
        "table orders: foreign key (user_id) -> users(id) added",
    ]


def test_constraint_with_same_name_and_other_content() -> None:
    a = replace(USERS, checks=(CheckConstraint("c1", "x > 1"),))
    b = replace(USERS, checks=(CheckConstraint("c1", "x > 2"),))
    assert schema_differences(with_users(BASE, a), with_users(BASE, b)) == [
        "table users: check constraint c1: (x > 1) != (x > 2)"
    ]


def test_index_primary_key_and_postgres_objects() -> None:
    a = replace(BASE, dialect="postgresql", enums=(Enum("mood", ("a", "b")),),
                sequences=(Sequence("s", 1, 1),), extensions=("pg_trgm",))  # fmt: skip
    users_b = replace(
        USERS,
        primary_key=PrimaryKey(("id", "email")),
        indexes=(Index("ix_email", ("email",), unique=True, where="email IS NOT NULL"),),
    )
    b = replace(a, tables=(ORDERS, users_b), enums=(Enum("mood", ("a", "b", "c")),),
                sequences=(Sequence("s", 1, 2),), extensions=())  # fmt: skip
    assert schema_differences(a, b) == [
        "table users: primary key (id) != (id, email)",
        "table users: index ix_email: unique False != True",
        "table users: index ix_email: where none != email IS NOT NULL",
        "enum mood: values (a, b) != (a, b, c)",
        "sequence s: increment 1 != 2",
        "extension pg_trgm missing",
    ]


def test_reflected_databases_compare(sqlite_url: str, tmp_path: object) -> None:
    before = build(sqlite_url, "CREATE TABLE t (id INTEGER PRIMARY KEY, a VARCHAR(10));")
    after = build(sqlite_url, "ALTER TABLE t ADD COLUMN b INT; CREATE INDEX ix_a ON t (a);")
    assert schema_differences(before, after) == [
        "table t: column b added",
        "table t: index ix_a added",
    ]
    assert schema_differences(after, after) == []
