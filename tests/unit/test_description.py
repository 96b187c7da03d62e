"""What the built-in kinds say about a step (engine/description.py): the words, operations and
scripts plan, review and the pre-push hook read instead of comparing kind names."""

from __future__ import annotations

from gitmigrate.core.model import Step
from gitmigrate.engine.description import TREE, Description, tree_description
from gitmigrate.engine.registry import get_kind


def sql_step(**files: str) -> Step:
    data = {
        "step.toml": b'kind = "sql"\n',
        **{k.replace("_", "."): v.encode() for k, v in files.items()},
    }
    return Step("shop", 1, "add-vip", "sql", "Add vip", data)


def data_step(**options: object) -> Step:
    return Step("shop", 2, "trim", "data", "Trim emails", {"step.toml": b'kind = "data"\n'},
                {"mode": "set", "table": "customer", "key": ["id"], "set": ["email = trim(email)"],
                 **options})  # fmt: skip


def test_a_sql_step_is_described_from_its_statements() -> None:
    step = sql_step(up_sql="DROP TABLE old;\nALTER TABLE customer ADD COLUMN vip INT;\n",
                    down_sql="ALTER TABLE customer DROP COLUMN vip;\n")  # fmt: skip
    described = get_kind("sql").describe(step, "sqlite", {})
    assert [o.operation for o in described.forward] == ["DROP TABLE", "ALTER TABLE"]
    assert described.destructive and described.reasons
    assert described.rollback == "down.sql" and described.transactional
    assert described.verify is None and described.verify_expected
    assert any("no verify.sql" in r.risk for r in described.risks)
    assert [d["direction"] for d in described.destructive_items] == ["up", "down"]
    scripts = described.scripts.by_suffix()
    assert set(scripts) == {"up.sql", "down.sql", "pre-check.sql", "backup.sql"}
    assert described.scripts.runnable and described.scripts.statements == 2
    assert not get_kind("sql").describe(step, "mysql", {}).transactional


def test_a_stored_impact_is_used_and_a_lenient_one_survives_bad_sql() -> None:
    step = sql_step(up_sql="ALTER TABLE t ADD COLUMN c INT;\n")
    note = {"dialect": "sqlite", "impact": None}
    assert get_kind("sql").describe(step, "sqlite", note).forward == ()
    broken = sql_step(up_sql="SELECT 'unterminated\n")
    lenient = get_kind("sql").describe(broken, "sqlite", {"lenient": True})
    assert lenient.forward == () and lenient.rollback is None
    assert lenient.rollback_missing == "has no down.sql"


def test_a_data_step_with_before_images() -> None:
    described = get_kind("data").describe(data_step(), "postgresql", {})
    assert described.rollback is not None and "gitmigrate_bk" in described.rollback
    assert described.chunked and described.show_options and described.cleanup
    assert [o.operation for o in described.forward] == ["DATA SET"]
    assert set(described.scripts.by_suffix()) == {"pre-check.sql", "up.sql", "backup.sql",
                                                   "post-check.sql", "down.sql"}  # fmt: skip
    assert [label for label, _ in described.expressions] == [
        "[options] set item 1 ('email = trim(email)')"
    ]


def test_a_data_step_without_before_images_has_no_rollback() -> None:
    described = get_kind("data").describe(data_step(backup=False), "sqlite", {})
    assert described.rollback is None and described.cleanup is None
    assert described.rollback_missing == "keeps no before-images (backup = false)"
    assert described.destructive_items[0]["reason"].startswith("rows changed without")


def test_what_a_probe_read_is_shown() -> None:
    live = {"affected_rows": 7, "problem": None}
    described = get_kind("data").describe(data_step(), "sqlite", {"live": live})
    assert described.affected_rows == 7 and ("rows matching now", "7") in described.details


def test_a_kind_without_a_plug_in_is_a_tree_step() -> None:
    step = Step("shop", 3, "cfg", "config", "Point at the db", {"step.toml": b'kind = "config"\n'})
    described = tree_description(step)
    assert described.runs_in == TREE and described.has_rollback
    assert not described.verify_expected and not described.scripts.runnable


def test_the_review_cache_keeps_what_the_hook_needs() -> None:
    described = get_kind("data").describe(data_step(), "sqlite", {})
    again = Description.from_review_json(described.review_json())
    assert again.review_json() == described.review_json()
    assert (again.rollback, again.verify_expected, again.runs_in) == (
        described.rollback, described.verify_expected, described.runs_in)  # fmt: skip
