"""Golden fixtures of the recipes: fixtures/code/<recipe>/<rule>/[<case>/]before.<ext> becomes
after.<ext> when the recipe runs with only <rule> on. A case folder may hold `case.json` with
"module" (the dotted name the file has; default "app.module"), "options" (recipe options),
"enabled" (rule ids, instead of only <rule>) and "flags" (the expected [line, rule] of every case
flagged for manual review, in order), and `others/<path>` (further project files: their facts
join the pre-pass, so cross-module resolution is exercised)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gitmigrate.codemods.recipe import FileContext
from gitmigrate.codemods.registry import builtin_recipe

ROOT = Path(__file__).resolve().parents[2] / "fixtures" / "code"


def _cases() -> list[Any]:
    found = []
    for before in sorted(ROOT.glob("*/**/before.*")):
        case = before.parent
        parts = case.relative_to(ROOT).parts
        found.append(pytest.param(case, before, id="/".join(parts)))
    return found


def _module_of(path: str) -> tuple[str, str]:
    dotted = path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
    package = dotted if path.endswith("__init__.py") else dotted.rpartition(".")[0]
    return dotted, package


@pytest.mark.parametrize(("case", "before"), _cases())
def test_recipe_rule_turns_before_into_after(case: Path, before: Path) -> None:
    parts = case.relative_to(ROOT).parts
    recipe = builtin_recipe(parts[0])
    spec = json.loads((case / "case.json").read_text()) if (case / "case.json").exists() else {}
    module = spec.get("module", "app.module")
    path = module.replace(".", "/") + before.suffix
    _, package = _module_of(path)
    source = before.read_text(encoding="utf-8")
    index: dict[str, Any] = {path: recipe.collect(path, module, source)}
    others = case / "others"
    for other in sorted(others.rglob("*.py")) if others.is_dir() else []:
        rel = other.relative_to(others).as_posix()
        index[rel] = recipe.collect(rel, _module_of(rel)[0], other.read_text(encoding="utf-8"))
    ctx = FileContext(
        path=path,
        module=module if recipe.language == "python" else "",
        package=package if recipe.language == "python" else "",
        index=index,
        options=spec.get("options", {}),
        enabled=frozenset(spec.get("enabled", [parts[1]])),
    )
    after = next(case.glob("after.*"))
    assert recipe.transform(source, ctx) == after.read_text(encoding="utf-8")
    if "flags" in spec:
        flagged = [[f.line, f.rule] for f in ctx.findings if not f.fixable]
        assert flagged == spec["flags"]
    if after.read_text(encoding="utf-8") != source:
        assert ctx.applied() or any(not f.fixable for f in ctx.findings), "a rewrite not reported"
