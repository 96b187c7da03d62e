"""Issue 16's measured goals on Chinook (fixtures/chinook): a masked subset, from PostgreSQL into
SQLite and into MariaDB, and back (SQLite and MariaDB into PostgreSQL), through the public API in
a real git project. The plan must be the reference closure (invoices from Canada, their lines,
and every parent: customers, the support reps and their managers up the self reference, tracks,
albums, artists, genres, media types), the target must hold exactly it with its foreign keys on
and clean, and the masks (emails, phones, names, an HMAC-keyed customer id) must hide every
source value while joins through the masked key keep their row counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.data.subset.model import QName
from tests import subset_oracles as o
from tests.chinook import load_chinook
from tests.fixtures_db import fresh_database_url
from tests.subset_acceptance import (
    MASK_KEY_VAR,
    Masked,
    check_note,
    check_subset,
    connect,
    make_project,
    planned_rows,
    run_subset,
    target_names,
)

EXPECTED = (56, 5)  # Canadian invoices; support reps 3, 4, 5 and their managers 2 and 1
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


def n(dialect: str, snake: str) -> str:
    """Chinook's spelling of a table or column: snake case on PostgreSQL, else PascalCase."""
    if dialect == "postgresql":
        return snake
    return "".join(part.capitalize() for part in snake.split("_"))


MASKS = {
    "customer.email": "fake.email",
    "customer.phone": "fake.phone",
    "customer.first_name": "fake.first_name",
    "customer.last_name": "fake.last_name",
    "customer.customer_id": "hmac",
    "employee.email": "fake.email",
    "employee.phone": "fake.phone",
}


def rule_names(dialect: str) -> list[str]:
    """The rules as the note names them: `Table.Column: method` in the source's spelling."""
    out = []
    for column, method in MASKS.items():
        table, name = column.split(".")
        out.append(f"{n(dialect, table)}.{n(dialect, name)}: {method}")
    return out


def rules(dialect: str) -> str:
    """The masking rules: emails, phones and names replaced, the customer key HMAC-keyed (the
    invoices' customer_id follows it, so the join holds)."""
    lines = [f'"{rule.split(": ")[0]}" = "{rule.split(": ")[1]}"' for rule in rule_names(dialect)]
    return "[columns]\n" + "\n".join(lines) + "\n"


def masked_spec(dialect: str) -> Masked:
    def t(name: str) -> QName:
        return QName(None, n(dialect, name))

    def c(*names: str) -> list[str]:
        return [n(dialect, x) for x in names]

    customer, employee, invoice = t("customer"), t("employee"), t("invoice")
    return Masked(
        columns={
            customer: (c("email", "phone", "first_name", "last_name", "customer_id"), ()),
            employee: (c("email", "phone"), c("employee_id")),
        },
        emails=[(customer, n(dialect, "email")), (employee, n(dialect, "email"))],
        phones=[(customer, n(dialect, "phone")), (employee, n(dialect, "phone"))],
        unique=[(customer, c("customer_id"))],
        joins=[(invoice, c("customer_id"), customer, c("customer_id"), c("invoice_id"))],
    )


@pytest.mark.parametrize(("source_dialect", "target_dialect"), ROUTES)
def test_a_masked_chinook_subset_meets_the_measured_goals(
    source_dialect: str, target_dialect: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MASK_KEY_VAR, "acceptance-only-key")
    d = source_dialect
    invoice = QName(None, n(d, "invoice"))
    where = f"{n(d, 'billing_country')} = 'Canada'"
    with (
        fresh_database_url(source_dialect, tmp_path) as source_url,
        fresh_database_url(target_dialect, tmp_path) as target_url,
    ):
        load_chinook(source_url)
        repo = make_project(tmp_path / "project", source_url, target_url)
        mask = tmp_path / "mask.toml"
        mask.write_text(rules(d))
        result = run_subset(
            repo, roots=[f"{invoice.name} WHERE {where}"], follow=[invoice.name], mask=mask
        )
        with connect(source_url) as source, connect(target_url) as target:
            expected = o.reference_closure(source, [None], [(invoice, where)], {invoice})
            check_subset(
                source,
                target,
                expected=expected,
                plan=planned_rows(result),
                names=target_names(result),
                target_schemas=[None],
                masked=masked_spec(d),
            )
        assert (expected[invoice], expected[QName(None, n(d, "employee"))]) == EXPECTED
        check_note(repo, planned_rows(result), rule_names(d))
