"""The masking rules file, the key from the environment, and FK propagation of rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.data.masking import (
    check_mask_rules,
    mask_key,
    parse_mask_rules,
    propagate,
    read_mask_rules,
)
from gitmigrate.data.subset.model import Edge, QName
from gitmigrate.errors import UsageError

RULES = """
locale = "en_US"
[columns]
"customer.email" = "fake.email"
"sales.customer.phone" = "fake.phone"
"customer.ssn" = "hash"
"customer.id" = "hmac"
"customer.notes" = "null"
"customer.country" = "keep"
"customer.code" = { method = "python", function = "masks.py:scramble" }
"customer.name" = { method = "fake.name", locale = "de_DE" }
"""

CUSTOMER = QName("sales", "customer")
ORDERS = QName("sales", "orders")


def test_parse_reads_every_method_and_names_them_for_the_note() -> None:
    rules = parse_mask_rules(RULES, "mask.toml")
    assert rules.names() == [
        "customer.email: fake.email (en_US)",
        "sales.customer.phone: fake.phone (en_US)",
        "customer.ssn: hash",
        "customer.id: hmac",
        "customer.notes: null",
        "customer.country: keep",
        "customer.code: python masks.py:scramble",
        "customer.name: fake.name (de_DE)",
    ]
    assert set(rules.for_table(CUSTOMER)) == {
        "email", "phone", "ssn", "id", "notes", "country", "code", "name",
    }  # fmt: skip
    assert rules.for_table(QName("other", "customer"))["email"].method == "fake"
    assert "phone" not in rules.for_table(QName("other", "customer"))
    assert rules.needs_key
    assert not parse_mask_rules('[columns]\n"t.c" = "null"\n', "m").needs_key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[columns]\n"t.c" = "scramble"\n',
            "mask.toml: t.c = \"scramble\": unknown masking method 'scramble'",
        ),
        ('[columns]\n"t.c" = "fake.nosuch"\n', "unknown faker provider 'nosuch'"),
        ('[columns]\n"c" = "hmac"\n', 'mask.toml: c = "hmac": a rule names TABLE.COLUMN'),
        ('[columns]\n"a.b.c.d" = "hmac"\n', "a rule names TABLE.COLUMN"),
        ('[columns]\n"t.c" = 3\n', "mask.toml: t.c = 3: a rule is a method name or a table"),
        ('[columns]\n"t.c" = { method = "python" }\n', 'needs function = "FILE.py:FUNCTION"'),
        ('[columns]\n"t.c" = { method = "python", function = "f" }\n', "FILE.py:FUNCTION"),
        ('[columns]\n"t.c" = { method = "hmac", colour = 1 }\n', "unknown key 'colour'"),
        ('[columns]\n"t.c" = { function = "a.py:f" }\n', "no method"),
        ('[columns]\n"t.c" = { method = "fake.name", locale = "xx_XX" }\n', "no locale 'xx_XX'"),
        ('[columns]\n"t.c" = "hmac"\n"T.C" = "hash"\n', "'T.C' has two rules"),
        ('[colums]\n"t.c" = "hmac"\n', "unknown key 'colums'"),
        ("[columns\n", "mask.toml: not valid TOML"),
    ],
)
def test_bad_rules_name_the_file_and_the_entry(text: str, expected: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_mask_rules(text, "mask.toml")
    assert expected in str(err.value)
    assert str(err.value).startswith("mask.toml")


def test_check_names_a_missing_column_and_the_tables_columns() -> None:
    rules = parse_mask_rules('[columns]\n"customer.emial" = "fake.email"\n', "m")
    columns = {CUSTOMER: ["id", "email"], ORDERS: ["id"]}
    with pytest.raises(UsageError) as err:
        check_mask_rules(rules, columns)
    assert "table sales.customer has no column emial" in str(err.value)
    assert "its columns: id, email" in str(err.value)


def test_check_names_a_missing_table_and_an_ambiguous_one() -> None:
    columns = {CUSTOMER: ["id"], QName("crm", "customer"): ["id"], ORDERS: ["id"]}
    with pytest.raises(UsageError, match="no table client.*its tables: crm.customer"):
        check_mask_rules(parse_mask_rules('[columns]\n"client.id" = "hmac"\n', "m"), columns)
    with pytest.raises(UsageError, match="qualify it: crm.customer.id or sales.customer.id"):
        check_mask_rules(parse_mask_rules('[columns]\n"customer.id" = "hmac"\n', "m"), columns)
    check_mask_rules(parse_mask_rules('[columns]\n"crm.CUSTOMER.ID" = "hmac"\n', "m"), columns)


def test_mask_key_comes_from_the_variable_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GM_TEST_MASK_KEY", raising=False)
    with pytest.raises(UsageError) as err:
        mask_key("GM_TEST_MASK_KEY")
    assert "GM_TEST_MASK_KEY is not set" in str(err.value)
    assert "export GM_TEST_MASK_KEY=... (at least 16 bytes of secret)" in str(err.value)
    monkeypatch.setenv("GM_TEST_MASK_KEY", "")
    with pytest.raises(UsageError, match="GM_TEST_MASK_KEY is not set"):
        mask_key("GM_TEST_MASK_KEY")
    monkeypatch.setenv("GM_TEST_MASK_KEY", "short-secret")
    with pytest.raises(UsageError) as err:
        mask_key("GM_TEST_MASK_KEY")
    assert "short-secret" not in str(err.value)
    monkeypatch.setenv("GM_TEST_MASK_KEY", "s3cret-s3cret-s3cret")
    assert mask_key("GM_TEST_MASK_KEY") == b"s3cret-s3cret-s3cret"


def _edge(child: QName, cols: tuple[str, ...], parent: QName, refs: tuple[str, ...]) -> Edge:
    return Edge(child, cols, parent, refs, nullable=True)


def test_propagate_masks_referencing_columns_the_same_way() -> None:
    rules = parse_mask_rules('[columns]\n"customer.id" = "hmac"\n', "m")
    lines = QName("sales", "order_line")
    edges = [
        _edge(ORDERS, ("customer_id",), CUSTOMER, ("id",)),
        _edge(lines, ("cust", "order_id"), ORDERS, ("customer_id", "id")),  # composite, chained
    ]
    out = propagate(rules, edges)
    assert out.names() == [
        "customer.id: hmac",
        "sales.order_line.cust: hmac (from customer.id)",
        "sales.orders.customer_id: hmac (from customer.id)",
    ]
    assert "order_id" not in out.for_table(lines)  # orders.id has no rule


def test_propagate_refuses_conflicting_rules_and_null_on_a_referenced_key() -> None:
    edge = _edge(ORDERS, ("customer_id",), CUSTOMER, ("id",))
    rules = parse_mask_rules(
        '[columns]\n"customer.id" = "hmac"\n"orders.customer_id" = "hash"\n', "m"
    )
    with pytest.raises(UsageError) as err:
        propagate(rules, [edge])
    assert "customer.id = hmac and orders.customer_id = hash" in str(err.value)
    with pytest.raises(UsageError, match="null on a column foreign keys reference"):
        propagate(parse_mask_rules('[columns]\n"customer.id" = "null"\n', "m"), [edge])
    same = parse_mask_rules(
        '[columns]\n"customer.id" = "hmac"\n"orders.customer_id" = "hmac"\n', "m"
    )
    assert propagate(same, [edge]).names() == same.names()
    cut = parse_mask_rules(
        '[columns]\n"customer.id" = "hmac"\n"orders.customer_id" = "null"\n', "m"
    )
    assert propagate(cut, [edge]).names() == cut.names()  # a nullable FK cut: stays null


def test_propagate_upwards_keeps_the_foreign_key_valid() -> None:
    rules = parse_mask_rules('[columns]\n"orders.customer_id" = "hmac"\n', "m")
    out = propagate(rules, [_edge(ORDERS, ("customer_id",), CUSTOMER, ("id",))])
    assert out.for_table(CUSTOMER)["id"].origin == "orders.customer_id"
    kept = parse_mask_rules('[columns]\n"customer.id" = "keep"\n', "m")
    assert propagate(kept, [_edge(ORDERS, ("customer_id",), CUSTOMER, ("id",))]) == kept


def test_read_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no masking rules file steps/mask.toml"):
        read_mask_rules(tmp_path / "mask.toml", "steps/mask.toml")
    (tmp_path / "mask.toml").write_text(RULES)
    assert read_mask_rules(tmp_path / "mask.toml") == parse_mask_rules(RULES, "x")
