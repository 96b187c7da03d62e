"""Masked rows written to real databases: every output fits its column (the database checks
lengths, ranges and precision), unique columns stay unique, foreign keys hold with constraints
on, and joins through masked keys give the source's row counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, MetaData, Table, create_engine, event, text

from gitmigrate.data.masking import (
    parse_mask_rules,
    propagate,
    table_masker_for,
    unique_columns,
)
from gitmigrate.data.subset.model import Edge, QName
from gitmigrate.schema.reflect import reflect_schema

KEY = b"integration-key-0123456789"
RULES = """
[columns]
"customer.id" = "hmac"
"customer.email" = "fake.email"
"customer.phone" = "fake.phone"
"customer.name" = "fake.name"
"customer.code" = "hmac"
"customer.small" = "hash"
"customer.balance" = "hmac"
"customer.born" = "hmac"
"customer.seen" = "hash"
"customer.region" = "hmac"
"""
CUSTOMER_DDL = """CREATE TABLE {t} (
    id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(40) NOT NULL UNIQUE, phone VARCHAR(24),
    name VARCHAR(12), code CHAR(7) NOT NULL, region SMALLINT NOT NULL, small SMALLINT,
    balance NUMERIC(8, 2), born DATE, seen TIMESTAMP NULL, UNIQUE (region, code))"""
ORDERS_DDL = """CREATE TABLE {t} (
    id INTEGER NOT NULL PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES {c} (id),
    region SMALLINT, code CHAR(7),
    FOREIGN KEY (region, code) REFERENCES {c} (region, code))"""
CUSTOMER, ORDERS = QName(None, "customer"), QName(None, "orders")
EDGES = [
    Edge(ORDERS, ("customer_id",), CUSTOMER, ("id",), False),
    Edge(ORDERS, ("region", "code"), CUSTOMER, ("region", "code"), True),
]


def _customers(n: int) -> list[tuple[Any, ...]]:
    rows = []
    for i in range(n):
        rows.append((
            i + 1 if i % 7 else 2**31 - 1 - i,
            f"{'x' * (i % 20)}c{i}@example.com",
            f"+1 (403) 262-{i:04d}" if i % 3 else f"262-{i:04d}",
            f"Name {i}",
            f"AB-{i:04d}",
            i % 5 - 2,
            (32767, -32768, 0, 5)[i % 4],
            Decimal("999999.99") if i % 11 == 0 else Decimal(i).scaleb(-2),
            dt.date(2000, 1, 1) + dt.timedelta(days=i),
            dt.datetime(2024, 12, 31, 23, 59, 59) if i % 5 == 0 else None,
        ))  # fmt: skip
    return rows


def _counts(conn: Connection, c: str, o: str) -> list[tuple[int, int]]:
    """How many customers have how many orders, through each foreign key."""
    by_id = conn.execute(text(
        f"SELECT n, COUNT(*) FROM (SELECT c.id, COUNT(o.id) AS n FROM {c} c JOIN {o} o "
        f"ON o.customer_id = c.id GROUP BY c.id) x GROUP BY n ORDER BY n"
    )).all()  # fmt: skip
    by_code = conn.execute(text(
        f"SELECT COUNT(*) FROM {c} c JOIN {o} o ON o.region = c.region AND o.code = c.code"
    )).all()  # fmt: skip
    return [tuple(r) for r in by_id] + [tuple(r) + (0,) for r in by_code]  # type: ignore[misc]


def test_masked_rows_load_with_constraints_on_and_joins_hold(db_url: str) -> None:
    engine = create_engine(db_url)
    dialect = engine.dialect.name
    if dialect == "sqlite":
        event.listen(engine, "connect", lambda c, _: c.execute("PRAGMA foreign_keys=ON"))
    rules = propagate(parse_mask_rules(RULES, "mask.toml"), EDGES)
    customers = _customers(1500)
    orders = [(j, customers[j % 1000][0], customers[j % 700][5], customers[j % 700][4])
              for j in range(1, 3001)]  # fmt: skip
    with engine.begin() as conn:
        for prefix in ("src_", ""):
            conn.execute(text(CUSTOMER_DDL.format(t=f"{prefix}customer")))
            conn.execute(text(ORDERS_DDL.format(t=f"{prefix}orders", c=f"{prefix}customer")))
        for name, rows in (("src_customer", customers), ("src_orders", orders)):
            tbl = Table(name, MetaData(), autoload_with=conn)
            conn.execute(tbl.insert(), [dict(zip(tbl.c.keys(), r, strict=True)) for r in rows])
    with engine.begin() as conn:
        reflected = {t.name.lower(): t for t in reflect_schema(conn).tables}
        for table, qname in (("customer", CUSTOMER), ("orders", ORDERS)):
            src = Table(f"src_{table}", MetaData(), autoload_with=conn)
            dst = Table(table, MetaData(), autoload_with=conn)
            cols = list(src.c.keys())
            masker = table_masker_for(rules, qname, reflected[f"src_{table}"], cols, key=KEY,
                                      dialect=dialect)  # fmt: skip
            source = [tuple(r) for r in conn.execute(src.select().order_by(src.c.id))]
            for start in range(0, len(source), 400):  # chunk by chunk, as the load does
                chunk = masker.mask_rows(source[start : start + 400])
                conn.execute(dst.insert(), [dict(zip(cols, r, strict=True)) for r in chunk])
    with engine.connect() as conn:
        assert _counts(conn, "customer", "orders") == _counts(conn, "src_customer", "src_orders")
        src_emails = set(conn.execute(text("SELECT email FROM src_customer")).scalars())
        src_phones = set(conn.execute(text("SELECT phone FROM src_customer")).scalars())
        masked = conn.execute(text("SELECT email, phone FROM customer")).all()
        assert not {e for e, _ in masked} & src_emails
        assert not {p for _, p in masked} & src_phones
        same = conn.execute(text(
            "SELECT COUNT(*) FROM customer c JOIN src_customer s ON c.id = s.id "
            "AND c.email = s.email"
        )).scalar()  # fmt: skip
        assert same == 0
        if dialect == "sqlite":
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        assert unique_columns(reflected["src_customer"]) >= {"id", "email", "region", "code"}
    engine.dispose()
