"""What every pass of the SQLAlchemy recipe shares: names, kinds, positions and reporting."""

from __future__ import annotations

import re
from typing import Any, ClassVar

import libcst as cst
from libcst.codemod import VisitorBasedCodemodCommand
from libcst.metadata import FullyQualifiedNameProvider, PositionProvider

from gitmigrate.codemods.libcst_recipe import file_context
from gitmigrate.codemods.recipe import FileContext
from gitmigrate.codemods.recipes.sqlalchemy2.facts import describe
from gitmigrate.codemods.recipes.sqlalchemy2.kinds import Kinds, kinds_for

STATEMENT_FUNCS = frozenset({"select", "insert", "update", "delete", "text"})


class SqlaCommand(VisitorBasedCodemodCommand):
    """A pass of one rule (RULE): it resolves names by what they import, never by spelling."""

    RULE = ""
    # positions are resolved only when a pass reports (they cost as much as the names)
    METADATA_DEPENDENCIES: ClassVar[tuple[Any, ...]] = (FullyQualifiedNameProvider,)
    # words the file must contain for the pass to run at all (its metadata is the cost)
    TRIGGERS: ClassVar[tuple[str, ...]] = ()

    def transform_module(self, tree: cst.Module) -> cst.Module:
        if self.TRIGGERS and not re.search(rf"\b(?:{'|'.join(self.TRIGGERS)})\b", tree.code):
            return tree
        return super().transform_module(tree)

    @property
    def fctx(self) -> FileContext:
        return file_context(self.context)

    @property
    def kinds(self) -> Kinds:
        return kinds_for(self.fctx)

    def names(self, node: cst.CSTNode) -> set[str]:
        return {q.name for q in self.get_metadata(FullyQualifiedNameProvider, node, set())}

    def _lookup(self, node: Any) -> Any:
        return self.get_metadata(FullyQualifiedNameProvider, node, set())

    def kind(self, node: cst.CSTNode) -> str | None:
        """What SQLAlchemy object an expression of this file is (None: not provably one)."""
        return self.kinds.of_desc(describe(node, self._lookup))

    def is_mapped(self, node: cst.CSTNode) -> bool:
        return self.kind(node) == "mapped"

    def is_statement(self, node: cst.BaseExpression) -> bool:
        """A chain rooted at sqlalchemy's select()/insert()/update()/delete()/text() call."""
        while isinstance(node, cst.Call | cst.Attribute):
            if isinstance(node, cst.Call) and dotted(node.func):
                names = self.names(node.func)
                return any(
                    n.startswith("sqlalchemy.") and n.rpartition(".")[2] in STATEMENT_FUNCS
                    for n in names
                )
            node = node.func if isinstance(node, cst.Call) else node.value
        return False

    def where(self, node: cst.CSTNode) -> tuple[int, int]:
        wrapper = self.context.wrapper
        pos = wrapper.resolve(PositionProvider).get(node) if wrapper is not None else None
        return (pos.start.line, pos.start.column) if pos is not None else (0, 0)

    def rewrite(self, node: cst.CSTNode, message: str) -> None:
        self.fctx.rewrite(self.RULE, *self.where(node), message)

    def flag(self, node: cst.CSTNode, message: str) -> None:
        self.fctx.flag(self.RULE, *self.where(node), message)


def dotted(node: cst.BaseExpression) -> bool:
    """A plain name or dotted name (`select`, `sa.select`), no call inside."""
    while isinstance(node, cst.Attribute):
        node = node.value
    return isinstance(node, cst.Name)


def code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def string_value(node: cst.BaseExpression) -> str | None:
    """The text of a plain string literal (implicit concatenation included), else None."""
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None
