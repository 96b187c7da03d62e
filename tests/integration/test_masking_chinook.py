"""Chinook's people and invoices masked and written back with foreign keys enforced, on
SQLite, PostgreSQL and MariaDB: every masked value fits its column, the foreign keys hold,
each customer keeps exactly its invoices (joins through the masked keys give the source's
rows), masked emails stay unique, and no masked email or phone equals any source value."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from sqlalchemy import Connection, MetaData, Table, create_engine, event, text

from gitmigrate.data.masking import parse_mask_rules, propagate, table_masker_for
from gitmigrate.data.subset.model import Edge, QName
from gitmigrate.schema.reflect import reflect_schema
from tests.chinook import load_chinook

KEY = b"chinook-mask-key-0123456789"
RULES = {
    "Employee.EmployeeId": "hmac", "Employee.LastName": "fake.last_name",
    "Employee.FirstName": "fake.first_name", "Employee.BirthDate": "hmac",
    "Employee.HireDate": "hash", "Employee.Address": "fake.street_address",
    "Employee.Phone": "fake.phone", "Employee.Fax": "fake.phone", "Employee.Email": "fake.email",
    "Customer.CustomerId": "hmac", "Customer.FirstName": "fake.first_name",
    "Customer.LastName": "fake.last_name", "Customer.Company": "fake.company",
    "Customer.Address": "fake.street_address", "Customer.City": "fake.city",
    "Customer.PostalCode": "hash", "Customer.Phone": "fake.phone", "Customer.Fax": "null",
    "Customer.Email": "fake.email", "Invoice.InvoiceId": "hmac", "Invoice.InvoiceDate": "hash",
    "Invoice.BillingAddress": "fake.street_address", "Invoice.Total": "keep",
}  # fmt: skip
TABLES = ["Employee", "Customer", "Invoice", "InvoiceLine"]  # parents first


def _name(name: str, dialect: str) -> str:
    if dialect != "postgresql":
        return name
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _rows(conn: Connection, table: Table, key: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in conn.execute(table.select().order_by(table.c[key]))]


def test_chinook_masked_in_place_keeps_its_joins(db_url: str) -> None:
    load_chinook(db_url)
    engine = create_engine(db_url)
    dialect = engine.dialect.name
    if dialect == "sqlite":
        event.listen(engine, "connect", lambda c, _: c.execute("PRAGMA foreign_keys=ON"))
    n = lambda name: _name(name, dialect)  # noqa: E731
    rules_text = "[columns]\n" + "".join(
        f'"{n(k.split(".")[0])}.{n(k.split(".")[1])}" = "{v}"\n' for k, v in RULES.items()
    )
    with engine.begin() as conn:
        schema = {t.name: t for t in reflect_schema(conn).tables}
        edges = [
            Edge(QName(None, t.name), fk.columns, QName(None, fk.ref_table), fk.ref_columns, True)
            for t in schema.values()
            for fk in t.foreign_keys
        ]
        rules = propagate(parse_mask_rules(rules_text, "mask.toml"), edges)
        tables = {name: Table(n(name), MetaData(), autoload_with=conn) for name in TABLES}
        source = {name: _rows(conn, t, n(f"{name}Id")) for name, t in tables.items()
                  if name != "InvoiceLine"}  # fmt: skip
        source["InvoiceLine"] = _rows(conn, tables["InvoiceLine"], n("InvoiceLineId"))
        employee = tables["Employee"]
        conn.execute(employee.update().values({n("ReportsTo"): None}))  # MariaDB: row by row
        for name in reversed(TABLES):
            conn.execute(tables[name].delete())
        maskers = {}
        for name in TABLES:
            cols = list(tables[name].c.keys())
            maskers[name] = masker = table_masker_for(
                rules, QName(None, n(name)), schema[n(name)], cols, key=KEY, dialect=dialect
            )
            masked = masker.mask_rows(source[name])
            conn.execute(tables[name].insert(), [dict(zip(cols, r, strict=True)) for r in masked])
    derived = rules.for_table(QName(None, n("InvoiceLine")))[n("InvoiceId")]
    assert derived.method == "hmac" and derived.origin == f"{n('Invoice')}.{n('InvoiceId')}"
    with engine.connect() as conn:
        cust, inv = n("Customer"), n("Invoice")
        per_customer = dict(conn.execute(text(
            f"SELECT c.{n('CustomerId')}, COUNT(*) FROM {cust} c JOIN {inv} i "
            f"ON i.{n('CustomerId')} = c.{n('CustomerId')} GROUP BY c.{n('CustomerId')}"
        )).all())  # fmt: skip
        source_counts = Counter(r[1] for r in source["Invoice"])
        mask_id = maskers["Customer"].mask_value
        assert per_customer == {mask_id(n("CustomerId"), c): k for c, k in source_counts.items()}
        lines = conn.execute(text(
            f"SELECT COUNT(*) FROM {n('InvoiceLine')} l JOIN {inv} i "
            f"ON l.{n('InvoiceId')} = i.{n('InvoiceId')}"
        )).scalar()  # fmt: skip
        assert lines == len(source["InvoiceLine"]) == 2240
        emails = conn.execute(text(f"SELECT {n('Email')}, {n('Phone')} FROM {cust}")).all()
        before = {
            r[i]
            for name in ("Customer", "Employee")
            for i, c in enumerate(tables[name].c.keys())
            if c in (n("Email"), n("Phone"), n("Fax"))
            for r in source[name]
            if r[i] is not None
        }
        assert len(before) > 100
        assert not {e for e, _ in emails} & before and not {p for _, p in emails} & before
        assert len({e for e, _ in emails}) == len(source["Customer"]) == 59
        if dialect == "sqlite":
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    engine.dispose()
