"""Properties of the method-rename rules beyond each golden case: the pre-pass facts are JSON,
negative fixtures stay byte for byte with every PD rule on, a second run changes nothing, and
the flag-only rule never rewrites."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gitmigrate.codemods.recipe import FileContext
from gitmigrate.codemods.registry import builtin_recipe

pytest.importorskip("libcst")

ROOT = Path(__file__).resolve().parents[2] / "fixtures/code/pydantic2"
EVERY = frozenset({"PD101", "PD102", "PD103", "PD104", "PD105"})
CASES = sorted(p.parent for p in ROOT.glob("PD1*/*/before.py"))


def _module(path: str) -> tuple[str, str]:
    dotted = path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
    return dotted, dotted if path.endswith("__init__.py") else dotted.rpartition(".")[0]


def _run(case: Path, source: str, enabled: frozenset[str]) -> tuple[str, FileContext]:
    recipe = builtin_recipe("pydantic2")
    spec = json.loads((case / "case.json").read_text()) if (case / "case.json").exists() else {}
    module = spec.get("module", "app.module")
    path = module.replace(".", "/") + ".py"
    index: dict[str, Any] = {path: recipe.collect(path, module, source)}
    others = case / "others"
    for other in sorted(others.rglob("*.py")) if others.is_dir() else []:
        rel = other.relative_to(others).as_posix()
        index[rel] = recipe.collect(rel, _module(rel)[0], other.read_text())
    ctx = FileContext(path, module, _module(path)[1], index=index, enabled=enabled)
    return recipe.transform(source, ctx), ctx


def test_the_rules_are_in_the_recipe_once_each() -> None:
    recipe = builtin_recipe("pydantic2")
    ids = [rule.id for rule in recipe.rules]
    assert EVERY <= set(ids)
    assert len(ids) == len(set(ids))
    fixable = {rule.id: rule.fixable for rule in recipe.rules}
    assert fixable["PD105"] is False and fixable["PD101"] is True
    for rule in EVERY:
        assert (ROOT / rule).is_dir(), f"{rule} has golden fixtures"


def test_the_pre_pass_facts_are_json() -> None:
    recipe = builtin_recipe("pydantic2")
    source = (ROOT / "PD101/cross_module/others/app/repo.py").read_text()
    facts = recipe.collect("app/repo.py", "app.repo", source)
    assert json.loads(json.dumps(facts)) == facts
    mine = facts["pd_methods"]
    assert mine["returns"]["app.repo.get_user"] == {"type": ["app.models.User"], "item": []}
    assert mine["returns"]["app.repo.Repo.order"]["type"] == ["app.models.Order"]


def test_string_annotations_and_self_attributes_resolve_in_the_pre_pass() -> None:
    recipe = builtin_recipe("pydantic2")
    models = (ROOT / "PD101/string_annotations/others/app/models.py").read_text()
    facts = recipe.collect("app/models.py", "app.models", models)["pd_methods"]
    assert facts["strings"]["Node"] == ["app.models.Node"]
    assert facts["returns"]["app.models.root"]["type"] == ["app.models.Node"]
    assert facts["attrs"]["app.models.Node"]["parent"]["type"] == ["app.models.Node"]
    app = (ROOT / "PD101/self_attributes/before.py").read_text()
    attrs = recipe.collect("app/module.py", "app.module", app)["pd_methods"]["attrs"]
    assert attrs["app.module.App"]["settings"]["type"] == ["app.module.Settings"]
    assert "options" not in attrs["app.module.App"]  # assigned a dict too: nothing proved


@pytest.mark.parametrize("case", [c for c in CASES if c.name == "negative"], ids=str)
def test_negative_cases_stay_byte_for_byte_with_every_rule(case: Path) -> None:
    source = (case / "before.py").read_text()
    after, ctx = _run(case, source, EVERY)
    assert after == source
    assert not ctx.applied()


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_a_second_run_changes_nothing(case: Path) -> None:
    once, _ = _run(case, (case / "before.py").read_text(), EVERY)
    twice, ctx = _run(case, once, EVERY)
    assert twice == once
    assert not ctx.applied()


@pytest.mark.parametrize("case", sorted(ROOT.glob("PD105/*/")), ids=lambda c: c.name)
def test_the_flag_rule_alone_never_rewrites(case: Path) -> None:
    source = (case / "before.py").read_text()
    after, ctx = _run(case, source, frozenset({"PD105"}))
    assert after == source
    assert all(not f.fixable for f in ctx.findings)
