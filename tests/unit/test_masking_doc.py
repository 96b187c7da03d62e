"""The worked example of docs/kinds/env-masking.md runs as written."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from gitmigrate.data.masking import check_mask_rules, parse_mask_rules, propagate, table_masker
from gitmigrate.data.subset.model import Edge, QName

DOC = Path(__file__).parents[2] / "docs" / "kinds" / "env-masking.md"


def _block(lang: str, index: int = 0) -> str:
    return re.findall(rf"```{lang}\n(.*?)```", DOC.read_text(), re.S)[index]


def test_the_documented_rules_and_function_mask_rows(tmp_path: Path) -> None:
    (tmp_path / "mask.toml").write_text(_block("toml"))
    (tmp_path / "masks.py").write_text(_block("python"))
    customer, orders = QName(None, "customer"), QName(None, "orders")
    columns = ["id", "email", "phone", "first_name", "city", "ssn", "born", "notes", "country",
               "code"]  # fmt: skip
    rules = parse_mask_rules((tmp_path / "mask.toml").read_text(), "mask.toml")
    check_mask_rules(rules, {customer: columns, orders: ["id", "customer_id"]})
    rules = propagate(rules, [Edge(orders, ("customer_id",), customer, ("id",), False)])
    assert "orders.customer_id: hmac (from customer.id)" in rules.names()
    types = {"id": "INTEGER", "email": "VARCHAR(60)", "phone": "VARCHAR(24)",
             "ssn": "CHAR(11)", "code": "VARCHAR(10)", "born": "DATE"}  # fmt: skip
    key = b"doc-example-key-0123456789"
    people = table_masker(rules, customer, columns, key=key, unique={"id", "email"},
                          types=types, base_dir=tmp_path)  # fmt: skip
    row = (7, "ann@shop.example", "+1 (403) 262-3443", "Ann", "Calgary", "123-45-6789",
           dt.date(1990, 3, 4), "likes cats", "CA", "A-1")  # fmt: skip
    (out,) = people.mask_rows([row])
    assert out[1].endswith("@example.invalid") and out[2].startswith("+999 ")
    assert len(out[5]) == 11 and out[6].year == 1990 and out[6] != row[6]
    assert out[7] is None and out[8] == "CA" and out[9].startswith("C-") and len(out[9]) == 10
    order_masker = table_masker(rules, orders, ["id", "customer_id"], key=key,
                                unique={"id"}, types={"customer_id": "BIGINT"})  # fmt: skip
    assert order_masker.mask_rows([(1, 7)]) == [(1, out[0])]  # the join holds
