"""What the BP rules share: a codemod base that knows the names an expression stands for, which
enclosing class is a model (from the project-wide model index, not from syntax), where a node
is (to report it), and the `# TODO[pydantic]` comments bump-pydantic writes for a person."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import libcst as cst
from libcst.codemod import VisitorBasedCodemodCommand
from libcst.metadata import FullyQualifiedNameProvider, PositionProvider

from gitmigrate.codemods.libcst_recipe import file_context
from gitmigrate.codemods.recipe import FileContext
from gitmigrate.codemods.recipes.pydantic2.models import model_classes, settings_classes

MIGRATION = "https://docs.pydantic.dev/dev-v2/migration/"


class BPCommand(VisitorBasedCodemodCommand):
    """A pass of one BP rule. `scopes` holds, per enclosing class or function, whether it is a
    model class (a function body is never one), so `in_model()` is true only directly in a
    model's body."""

    RULE: ClassVar[str] = ""
    DESCRIPTION: str = "bump-pydantic rule"
    METADATA_DEPENDENCIES = (PositionProvider, FullyQualifiedNameProvider)
    # the pass is skipped (no metadata computed) on a file whose text has none of these: every
    # name the rule matches is spelled in the file (an alias is imported by its real name)
    NEEDS: ClassVar[tuple[str, ...]] = ()  # LibcstRecipe skips the pass on a file without them

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self.ctx: FileContext = file_context(context)
        self._models: frozenset[str] | None = None
        self._settings: frozenset[str] | None = None
        self.scopes: list[str | None] = []  # a class's qualified name; None: a function

    # ---- names and positions

    def names(self, node: cst.CSTNode) -> list[str]:
        """Fully qualified names `node` may stand for (relative imports resolved)."""
        found = self.get_metadata(FullyQualifiedNameProvider, node, set())
        return sorted(q.name.replace(".<locals>", "") for q in found)

    def is_one_of(self, node: cst.CSTNode, names: frozenset[str] | set[str]) -> bool:
        return any(name in names for name in self.names(node))

    def where(self, node: cst.CSTNode) -> tuple[int, int]:
        pos = self.get_metadata(PositionProvider, node, None)
        return (pos.start.line, pos.start.column) if pos is not None else (0, 0)

    def rewrite(self, node: cst.CSTNode, message: str) -> None:
        self.ctx.rewrite(self.RULE, *self.where(node), message)

    def flag(self, node: cst.CSTNode, message: str) -> None:
        self.ctx.flag(self.RULE, *self.where(node), message)

    def code(self, node: cst.CSTNode) -> str:
        return cst.Module(body=[]).code_for_node(node)

    # ---- which classes are models

    @property
    def models(self) -> frozenset[str]:
        if self._models is None:
            self._models = model_classes(self.ctx.index)
        return self._models

    @property
    def settings(self) -> frozenset[str]:
        if self._settings is None:
            self._settings = settings_classes(self.ctx.index)
        return self._settings

    def class_name(self, node: cst.ClassDef) -> str:
        names = self.names(node)
        return names[0] if names else node.name.value

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scopes.append(self.class_name(node))

    def leave_ClassDef(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.BaseStatement | cst.RemovalSentinel:
        self.scopes.pop()
        return self.leave_class(original_node, updated_node)

    def leave_class(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.BaseStatement | cst.RemovalSentinel:
        return updated_node

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.append(None)

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.BaseStatement | cst.RemovalSentinel:
        self.scopes.pop()
        return self.leave_function(original_node, updated_node)

    def leave_function(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.BaseStatement | cst.RemovalSentinel:
        return updated_node

    def in_model(self) -> bool:
        """Directly in the body of a class the model index knows as a Pydantic model."""
        return bool(self.scopes) and self.scopes[-1] in self.models

    def in_settings(self) -> bool:
        """Inside (at any depth) a BaseSettings class."""
        return any(scope in self.settings for scope in self.scopes if scope)

    def is_model(self, node: cst.ClassDef) -> bool:
        return self.class_name(node) in self.models

    def is_settings(self, node: cst.ClassDef) -> bool:
        return self.class_name(node) in self.settings


def tail(node: cst.BaseExpression) -> str:
    """The last name of `X` or `a.b.X` ("" for anything else)."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return ""


def todo_lines(texts: Sequence[str]) -> list[cst.EmptyLine]:
    return [cst.EmptyLine(indent=True, comment=cst.Comment(f"# {text}")) for text in texts]


def has_comment(lines: Sequence[cst.EmptyLine], text: str) -> bool:
    return any(line.comment is not None and line.comment.value == f"# {text}" for line in lines)


def with_todo(lines: Sequence[cst.EmptyLine], texts: Sequence[str]) -> list[cst.EmptyLine] | None:
    """`lines` with the TODO comment lines appended; None when the first is already there."""
    if has_comment(lines, texts[0]):
        return None
    return [*lines, *todo_lines(texts)]


def keyword(arg: cst.Arg) -> str:
    return arg.keyword.value if arg.keyword is not None else ""


def fix_commas(args: Sequence[cst.Arg]) -> list[cst.Arg]:
    """Arguments after some were dropped: a comma between each, none after the last."""
    fixed: list[cst.Arg] = []
    for i, arg in enumerate(args):
        last = i == len(args) - 1
        if last:
            fixed.append(arg.with_changes(comma=cst.MaybeSentinel.DEFAULT))
        elif arg.comma is cst.MaybeSentinel.DEFAULT:
            fixed.append(
                arg.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            )
        else:
            fixed.append(arg)
    return fixed


def literal_type(node: cst.BaseExpression) -> str | None:
    """bool/str/int/float for a literal of that type, else None."""
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return "bool"
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
        if isinstance(node, cst.SimpleString) and "b" in node.prefix.lower():
            return "bytes"
        return "str"
    if isinstance(node, cst.Integer):
        return "int"
    if isinstance(node, cst.Float):
        return "float"
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = literal_type(node.expression)
        return inner if inner in ("int", "float") else None
    return None


FIELD = frozenset({"pydantic.Field", "pydantic.fields.Field"})
