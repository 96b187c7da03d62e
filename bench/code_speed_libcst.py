"""The LibCST side of bench/code_speed.py: a recipe's passes as one LibCST codemod command, so
`python -m libcst.tool codemod -x code_speed_libcst.RecipePasses TREE` runs exactly the passes
git-migrate's runner runs; and a stand-in pass for when the modern-python recipe is not there.

The recipe comes from the environment (libcst.tool instantiates the command itself):
GM_BENCH_RECIPE ("modern-python", another registry name, or "stand-in") and GM_BENCH_OPTIONS
(JSON recipe options, e.g. {"python": "3.10"}). Nothing here is timed; code_speed.py times the
two processes from outside.
"""

from __future__ import annotations

import json
import os
from typing import Any

import libcst as cst
from libcst.codemod import CodemodCommand, CodemodContext, VisitorBasedCodemodCommand
from libcst.codemod.visitors import RemoveImportsVisitor
from libcst.metadata import PositionProvider, QualifiedNameProvider

from gitmigrate.codemods.libcst_recipe import SCRATCH_KEY, LibcstRecipe, file_context
from gitmigrate.codemods.recipe import FileContext, Rule, runs

BUILTIN_GENERICS = {
    "typing.List": "list",
    "typing.Dict": "dict",
    "typing.Set": "set",
    "typing.FrozenSet": "frozenset",
    "typing.Tuple": "tuple",
    "typing.Type": "type",
}


class StandInPep585And604(VisitorBasedCodemodCommand):
    """`List[int]` -> `list[int]`, `Optional[X]` -> `X | None` (what modern-python's first rules
    do, in a few lines): a realistic LibCST pass with scope metadata, for timing runners."""

    DESCRIPTION = "typing generics to builtins, Optional to X | None"
    METADATA_DEPENDENCIES = (QualifiedNameProvider, PositionProvider)

    def leave_Subscript(
        self, original_node: cst.Subscript, updated_node: cst.Subscript
    ) -> cst.BaseExpression:
        names = {
            q.name for q in self.get_metadata(QualifiedNameProvider, original_node.value, set())
        }
        for name in names:
            short = name.rpartition(".")[2]
            if name in BUILTIN_GENERICS:
                self._report(original_node, f"{short}[...] -> {BUILTIN_GENERICS[name]}[...]")
                RemoveImportsVisitor.remove_unused_import(self.context, "typing", short)
                return updated_node.with_changes(value=cst.Name(BUILTIN_GENERICS[name]))
            if name == "typing.Optional" and len(updated_node.slice) == 1:
                index = updated_node.slice[0].slice
                if isinstance(index, cst.Index):
                    self._report(original_node, "Optional[X] -> X | None")
                    RemoveImportsVisitor.remove_unused_import(self.context, "typing", "Optional")
                    return cst.BinaryOperation(
                        left=index.value, operator=cst.BitOr(), right=cst.Name("None")
                    )
        return updated_node

    def _report(self, node: cst.CSTNode, message: str) -> None:
        if SCRATCH_KEY in self.context.scratch:
            start = self.get_metadata(PositionProvider, node).start
            file_context(self.context).rewrite("PY001", start.line, start.column, message)


STAND_IN = LibcstRecipe(
    name="modern-python-stand-in",
    summary="bench stand-in: typing generics and Optional (PEP 585/604)",
    rules=(Rule("PY001", "typing generics to builtins, Optional to X | None"),),
    passes=(("PY001", StandInPep585And604),),
)


def recipe_for(name: str) -> LibcstRecipe:
    if name == "stand-in":
        return STAND_IN
    from gitmigrate.codemods.registry import builtin_recipe

    recipe = builtin_recipe(name)
    if not isinstance(recipe, LibcstRecipe):
        raise SystemExit(f"{name} is not a LibCST recipe: nothing to hand to libcst.tool")
    return recipe


RECIPE = recipe_for(os.environ.get("GM_BENCH_RECIPE", "stand-in"))


def _dependencies() -> tuple[Any, ...]:
    found: set[Any] = set()
    for _, pass_class in RECIPE.passes:
        found |= set(pass_class.get_inherited_dependencies())
    return tuple(found)


class RecipePasses(CodemodCommand):
    """Every pass of RECIPE on one module, each with its own context and followed by LibCST's
    import visitors: what LibcstRecipe.transform does, with libcst.tool reading, parallelising
    and writing. transform_module is overridden so the wrapper adds no parse or copy of its own;
    METADATA_DEPENDENCIES is the passes' union, so libcst.tool's FullRepoManager provides them."""

    DESCRIPTION = "git-migrate recipe passes"
    METADATA_DEPENDENCIES = _dependencies()

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        return self.transform_module(tree)

    def transform_module(self, tree: cst.Module) -> cst.Module:
        root = os.path.abspath(".")
        path = os.path.relpath(self.context.filename or "", root).replace(os.sep, "/")
        ctx = FileContext(
            path=path,
            module=self.context.full_module_name or "",
            package=self.context.full_package_name or "",
            options=json.loads(os.environ.get("GM_BENCH_OPTIONS", "{}")),
        )
        by_id = {rule.id: rule for rule in RECIPE.rules}
        for rule_id, pass_class in RECIPE.passes:
            if not runs(by_id[rule_id], ctx.enabled):
                continue
            needs: tuple[str, ...] = getattr(pass_class, "NEEDS", ())
            if needs and not any(word in tree.code for word in needs):
                continue  # as LibcstRecipe.transform skips it
            context = CodemodContext(
                filename=self.context.filename,
                full_module_name=self.context.full_module_name,
                full_package_name=self.context.full_package_name,
                metadata_manager=self.context.metadata_manager,
            )
            context.scratch[SCRATCH_KEY] = ctx
            tree = pass_class(context).transform_module(tree)
        return tree
