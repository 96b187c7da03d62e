"""BP006: a model whose only field is `__root__` (`__root__ = T` as bump-pydantic matches, and
the usual `__root__: T`) becomes `class X(RootModel[T])`. A `__root__` beside other fields, or
with a default, is flagged: Pydantic 2 has no such model."""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.helpers import get_full_name_for_node

from gitmigrate.codemods.recipes.pydantic2.bp_common import BPCommand

BASE_MODEL = frozenset({"pydantic.BaseModel", "pydantic.main.BaseModel"})


def _root_type(statement: cst.BaseStatement) -> cst.BaseExpression | None | bool:
    """T of `__root__ = T` / `__root__: T`; False for a `__root__` we cannot convert; None for
    any other statement."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target = small.targets[0].target
        if isinstance(target, cst.Name) and target.value == "__root__":
            return small.value
    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
        if small.target.value == "__root__":
            return small.annotation.annotation if small.value is None else False
    return None


def _is_field(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(s, cst.AnnAssign) for s in statement.body
    )


class RootModel(BPCommand):
    RULE = "BP006"
    NEEDS = ("__root__",)
    DESCRIPTION = "__root__ -> RootModel[T]"

    def leave_class(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.BaseStatement:
        if not isinstance(updated_node.body, cst.IndentedBlock):
            return updated_node
        statements = list(updated_node.body.body)
        found = [(i, _root_type(s)) for i, s in enumerate(statements)]
        roots = [(i, t) for i, t in found if t is not None]
        if not roots:
            return updated_node
        bases = [b for b in original_node.bases if b.keyword is None]
        direct = len(bases) == 1 and self.is_one_of(bases[0].value, BASE_MODEL)
        index, root = roots[0]
        others = [s for i, s in enumerate(statements) if i != index and _is_field(s)]
        if not direct or not isinstance(root, cst.BaseExpression) or len(roots) > 1 or others:
            if direct or self.is_model(original_node):
                self.flag(original_node, "__root__ model: rewrite it as a RootModel by hand")
            return updated_node
        base = bases[0].value
        spelled = get_full_name_for_node(base) or ""
        if spelled.startswith("pydantic.") and spelled in BASE_MODEL:
            new_base: cst.BaseExpression = cst.parse_expression("pydantic.RootModel")
        else:
            new_base = cst.Name("RootModel")
            AddImportsVisitor.add_needed_import(self.context, "pydantic", "RootModel")
        RemoveImportsVisitor.remove_unused_import_by_node(self.context, base)
        subscript = cst.Subscript(
            value=new_base, slice=[cst.SubscriptElement(cst.Index(root.deep_clone()))]
        )
        position = original_node.bases.index(bases[0])
        new_bases = list(updated_node.bases)
        new_bases[position] = new_bases[position].with_changes(value=subscript)
        del statements[index]
        if not statements:
            statements = [cst.SimpleStatementLine([cst.Pass()])]
        self.rewrite(original_node, "__root__ model -> RootModel")
        return updated_node.with_changes(
            bases=new_bases, body=updated_node.body.with_changes(body=statements)
        )
