"""The sqlalchemy2 recipe beyond its golden fixtures: its rules, the cross-module pre-pass that
tells what a name is, and that a second run changes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gitmigrate.codemods.recipe import CodeParseError, FileContext
from gitmigrate.codemods.recipes.sqlalchemy2.kinds import Kinds
from gitmigrate.codemods.registry import builtin_recipe

ROOT = Path(__file__).resolve().parents[2] / "fixtures" / "code" / "sqlalchemy2"
RECIPE = builtin_recipe("sqlalchemy2")


def index_of(files: dict[str, str]) -> dict[str, Any]:
    return {
        path: RECIPE.collect(path, path.removesuffix(".py").replace("/", "."), source)
        for path, source in files.items()
    }


def run(
    source: str, rules: set[str], others: dict[str, str] | None = None
) -> tuple[str, FileContext]:
    path = "app/module.py"
    ctx = FileContext(
        path=path,
        module="app.module",
        package="app",
        index=index_of({path: source, **(others or {})}),
        enabled=frozenset(rules),
    )
    return RECIPE.transform(source, ctx), ctx


def test_rule_ids_are_sa_and_flag_only_rules_are_not_fixable() -> None:
    ids = [rule.id for rule in RECIPE.rules]
    assert ids == sorted(ids) and all(i.startswith("SA0") for i in ids)
    assert {r.id for r in RECIPE.rules if not r.fixable} == {"SA006", "SA007", "SA008"}
    assert {r.id for r in RECIPE.rules if r.opt_in} == {"SA009"}


def test_every_rule_has_golden_fixtures_with_a_negative_or_flagged_case() -> None:
    for rule in RECIPE.rules:
        cases = {p.parent.name for p in (ROOT / rule.id).glob("*/before.py")}
        assert cases, rule.id
        assert cases & {"negative", "flagged"}, rule.id


def test_kinds_follow_bindings_across_modules() -> None:
    index = index_of(
        {
            "app/db.py": "import sqlalchemy as sa\nfrom sqlalchemy.orm import sessionmaker\n"
            "engine = sa.create_engine('sqlite://')\nMaker = sessionmaker(bind=engine)\n",
            "app/jobs.py": "from app.db import Maker, engine\n"
            "def f():\n    conn = engine.connect()\n    s = Maker()\n    q = s.query(X)\n",
        }
    )
    kinds = Kinds(index)
    assert kinds.of_name("app.db.engine") == "engine"
    assert kinds.of_name("app.jobs.f.<locals>.conn") == "connection"
    assert kinds.of_name("app.jobs.f.<locals>.s") == "session"
    assert kinds.of_name("app.jobs.f.<locals>.q") == "query"


def test_a_name_bound_to_two_kinds_is_none_of_them() -> None:
    source = (
        "import sqlite3\nfrom sqlalchemy import create_engine\n"
        "conn = create_engine('sqlite://').connect()\nconn = sqlite3.connect(':memory:')\n"
        "conn.execute('DELETE FROM t')\n"
    )
    after, ctx = run(source, {"SA003"})
    assert after == source and ctx.findings == []


def test_a_second_run_changes_nothing() -> None:
    for after in sorted(ROOT.glob("SA0*/*/after.py")):
        spec = (
            json.loads((after.parent / "case.json").read_text())
            if (after.parent / "case.json").exists()
            else {}
        )
        rules = set(spec.get("enabled", [after.parent.parent.name]))
        if spec.get("module") or spec.get("options") or (after.parent / "others").exists():
            continue  # the cases that need their project around them
        source = after.read_text(encoding="utf-8")
        again, ctx = run(source, rules)
        assert again == source, after
        assert not ctx.applied(), after


def test_a_file_that_does_not_parse_raises_code_parse_error() -> None:
    with pytest.raises(CodeParseError) as info:
        run("def broken(:\n    pass\n", {"SA001"})
    assert info.value.line > 0 and "does not parse" in info.value.message


def test_the_mapped_column_rule_is_off_by_default() -> None:
    source = (ROOT / "SA009/basic/before.py").read_text(encoding="utf-8")
    path = "app/module.py"
    ctx = FileContext(path=path, module="app.module", package="app", index=index_of({path: source}))
    after = RECIPE.transform(source, ctx)
    assert "mapped_column" not in after and "Column(Integer, primary_key=True)" in after
    assert "SA009" not in ctx.applied() and "SA004" in ctx.applied()


def test_a_name_also_bound_to_a_value_it_cannot_describe_is_not_resolved() -> None:
    source = (
        "from sqlalchemy import create_engine\n"
        "engine = create_engine('sqlite://')\n"
        "if LOCAL:\n    engine = [1, 2]\n"
        "engine.execute('DELETE FROM t')\n"
    )
    after, ctx = run(source, {"SA003", "SA006"})
    assert after == source and ctx.findings == []
    resolved, ctx = run(source.replace("    engine = [1, 2]\n", "    pass\n"), {"SA003", "SA006"})
    assert "text('DELETE FROM t')" in resolved and [f.rule for f in ctx.findings] == [
        "SA003",
        "SA006",
    ]
