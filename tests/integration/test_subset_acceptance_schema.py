"""Issue 16's measured goals on the mandatory schema (fixtures/subset: three schemas, composite
foreign keys, two cycles in one strongly connected component, self references), masked, from
PostgreSQL into SQLite and into MariaDB, and back (SQLite and MariaDB into PostgreSQL): the plan
is the reference closure, foreign keys are enforced on the target and its own check is clean,
counts equal the plan, masks hide every source value, keep unique columns unique, and joins
through the masked composite customer key and the masked order code keep their row counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests import subset_oracles as o
from tests.fixtures_db import fresh_database_url
from tests.subset_acceptance import (
    MASK_KEY_VAR,
    Masked,
    check_note,
    check_subset,
    connect,
    drop_mysql_databases,
    make_project,
    planned_rows,
    run_subset,
    target_names,
)
from tests.subset_schema import SubsetSchemaInfo, prefix_for, subset_schema

ROUTES = [
    pytest.param("postgresql", "sqlite", id="pg-to-sqlite", marks=pytest.mark.postgres),
    pytest.param(
        "postgresql", "mysql", id="pg-to-mariadb", marks=[pytest.mark.postgres, pytest.mark.mysql]
    ),
    pytest.param("sqlite", "postgresql", id="sqlite-to-pg", marks=pytest.mark.postgres),
    pytest.param(
        "mysql", "postgresql", id="mariadb-to-pg", marks=[pytest.mark.postgres, pytest.mark.mysql]
    ),
]
MASKS = {
    "sales.customer.email": "fake.email",
    "sales.customer.phone": "fake.phone",
    "sales.customer.name": "fake.name",
    "sales.customer.cust_no": "hmac",  # in the composite key: orders, referrers, employees follow
    "sales.orders.order_code": "hmac",  # a unique text key that shipments reference
    "hr.employee.email": "fake.email",
    "hr.employee.full_name": "fake.name",
}


def rule_names(info: SubsetSchemaInfo) -> list[str]:
    """The rules as the note names them, the schemas as this database spells them."""
    out = []
    for column, method in MASKS.items():
        schema, table, name = column.split(".")
        out.append(f"{info.label(f'{schema}.{table}')}.{name}: {method}")
    return out


def rules(info: SubsetSchemaInfo) -> str:
    lines = [f'"{rule.split(": ")[0]}" = "{rule.split(": ")[1]}"' for rule in rule_names(info)]
    return "[columns]\n" + "\n".join(lines) + "\n"


def masked_spec(info: SubsetSchemaInfo) -> Masked:
    customer, employee = info.qname("sales.customer"), info.qname("hr.employee")
    orders, shipment = info.qname("sales.orders"), info.qname("sales.shipment")
    return Masked(
        columns={
            customer: (["email", "phone", "name", "cust_no"], ()),
            employee: (["email", "full_name"], ["id"]),
            orders: (["order_code"], ["id"]),
        },
        emails=[(customer, "email"), (employee, "email")],
        phones=[(customer, "phone")],
        unique=[
            (customer, ["email"]),
            (customer, ["region", "cust_no"]),
            (employee, ["email"]),
            (orders, ["order_code"]),
        ],
        joins=[
            (orders, ["region", "cust_no"], customer, ["region", "cust_no"], ["id"]),
            (shipment, ["order_code"], orders, ["order_code"], ["id"]),
            (employee, ["key_region", "key_cust_no"], customer, ["region", "cust_no"], ["id"]),
        ],
    )


@pytest.mark.parametrize(("source_dialect", "target_dialect"), ROUTES)
def test_a_masked_subset_of_the_mandatory_schema_meets_the_measured_goals(
    source_dialect: str, target_dialect: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MASK_KEY_VAR, "acceptance-only-key")
    with (
        fresh_database_url(source_dialect, tmp_path) as source_url,
        fresh_database_url(target_dialect, tmp_path) as target_url,
        subset_schema(source_url, prefix_for(source_url)) as info,
    ):
        repo = make_project(tmp_path / "project", source_url, target_url)
        mask = tmp_path / "mask.toml"
        mask.write_text(rules(info))
        orders = info.qname("sales.orders")
        try:
            result = run_subset(
                repo, roots=[f"{orders.label} WHERE id <= 40"], follow=[orders.label], mask=mask
            )
            names = target_names(result)
            schemas = sorted({t.schema for t in names.values()}, key=lambda s: s or "")
            with connect(source_url) as source, connect(target_url) as target:
                expected = o.reference_closure(
                    source, info.schema_names or [None], [(orders, "id <= 40")], {orders}
                )
                check_subset(
                    source,
                    target,
                    expected=expected,
                    plan=planned_rows(result),
                    names=names,
                    target_schemas=schemas,
                    masked=masked_spec(info),
                )
            check_note(repo, planned_rows(result), rule_names(info))
            # the closure crossed all three schemas and both cycles
            assert all(expected[info.qname(t)] for t in ("hr.department", "catalog.supplier"))
        finally:
            for url in (source_url, target_url):  # a MariaDB target's per-schema databases
                drop_mysql_databases(target_url, str(make_url(url).database))
