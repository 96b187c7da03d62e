"""What every modern-python pass shares: the target version, whether a node sits in an
annotation, `from __future__ import annotations`, names resolved through the file's imports
(LibCST's QualifiedNameProvider: `import typing as t; t.List` and `from typing import List as L`
both resolve to typing.List, a local class `List` does not), and dropping the typing imports a
pass left unused (LibCST's RemoveImportsVisitor, which keeps an import still used elsewhere)."""

from __future__ import annotations

import difflib
from typing import Any

import libcst as cst
from libcst.codemod import VisitorBasedCodemodCommand
from libcst.codemod.visitors import RemoveImportsVisitor
from libcst.metadata import (
    Assignment,
    BuiltinAssignment,
    PositionProvider,
    QualifiedNameProvider,
    ScopeProvider,
)

from gitmigrate.codemods.libcst_recipe import file_context
from gitmigrate.errors import UsageError

DEFAULT_TARGET = "3.10"


def target_version(options: Any) -> tuple[int, int]:
    """The `python` option ("3.X") as a tuple; "3.10" when not given."""
    text = str(options.get("python", DEFAULT_TARGET))
    major, dot, minor = text.partition(".")
    if not (dot and major == "3" and minor.isdigit()):
        raise UsageError(f"--python {text!r} is not a Python 3 version", 'give "3.X", e.g. 3.10')
    return 3, int(minor)


class TypingCommand(VisitorBasedCodemodCommand):
    """A pass that rewrites names imported from `typing`; subclasses set RULE and implement the
    rewrite, calling `rewritten(node, name, message)` for each one."""

    RULE = ""
    METADATA_DEPENDENCIES = (PositionProvider, QualifiedNameProvider, ScopeProvider)
    NEEDS: tuple[str, ...] = ("typing",)  # a file that never names typing has nothing to rewrite

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self.ctx = file_context(context)
        self.target = target_version(self.ctx.options)
        self.future_annotations = False
        self.annotation_depth = 0
        self.typing_imports: list[tuple[str | None, str | None]] = []  # (name, asname)
        self.used: set[str] = set()  # the typing names this pass rewrote
        self.module_used = False  # whether it rewrote a `typing.X` (or `t.X`) attribute

    # what the module imports -------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            if alias.evaluated_name == "typing":
                self.typing_imports.append((None, alias.evaluated_alias))
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        module = cst.helpers.get_full_name_for_node(node.module) if node.module else None
        if node.relative or isinstance(node.names, cst.ImportStar):
            return False
        for alias in node.names:
            if module == "__future__" and alias.evaluated_name == "annotations":
                self.future_annotations = True
            if module == "typing":
                self.typing_imports.append((alias.evaluated_name, alias.evaluated_alias))
        return False

    def visit_Annotation(self, node: cst.Annotation) -> None:
        self.annotation_depth += 1

    def leave_Annotation(
        self, original_node: cst.Annotation, updated_node: cst.Annotation
    ) -> cst.Annotation:
        self.annotation_depth -= 1
        return updated_node

    # helpers -----------------------------------------------------------------------------
    def typing_name(self, node: cst.CSTNode) -> str | None:
        """The name in `typing` that `node` refers to through the imports, or None."""
        names = self.get_metadata(QualifiedNameProvider, node, set())
        for qualified in names:
            module, _, name = qualified.name.rpartition(".")
            if module == "typing" and name:
                return str(name)
        return None

    def applies(self, version: tuple[int, int], *, in_annotations_with_future: bool) -> bool:
        """Whether a rule needing `version` runs here: the target is new enough, or (as
        pyupgrade) the node is an annotation and the module defers annotations."""
        if self.target >= version:
            return True
        return in_annotations_with_future and self.in_annotation() and self.future_annotations

    def in_annotation(self) -> bool:
        return self.annotation_depth > 0

    def shadowed(self, node: cst.CSTNode, builtin: str) -> bool:
        """Whether `builtin` means something else where `node` is evaluated (a method named
        `list` earlier in the class body, a module-level `type = ...`)."""
        scope = self.get_metadata(ScopeProvider, node, None)
        if scope is None:
            return False
        where = self.get_metadata(PositionProvider, node).start
        for assignment in scope[builtin]:
            if isinstance(assignment, BuiltinAssignment):
                continue
            if self.future_annotations or not isinstance(assignment, Assignment):
                return True
            # Evaluated at definition time: a binding made later (or the `def list` whose
            # own annotation this is) does not shadow it yet.
            end = self.get_metadata(PositionProvider, assignment.node).end
            if (where.line, where.column) > (end.line, end.column):
                return True
        return False

    def rewritten(self, node: cst.CSTNode, name: str, message: str) -> None:
        self.used.add(name)
        self.module_used = self.module_used or isinstance(node, cst.Attribute)
        start = self.get_metadata(PositionProvider, node).start
        self.ctx.rewrite(self.RULE, start.line, start.column, message)

    def flagged(self, node: cst.CSTNode, message: str) -> None:
        start = self.get_metadata(PositionProvider, node).start
        self.ctx.flag(self.RULE, start.line, start.column, message)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        removals: list[tuple[str, str | None, str | None]] = []
        for name, asname in self.typing_imports:
            if (name is None and self.module_used) or (name is not None and name in self.used):
                removals.append(("typing", name, asname))
        if not removals:
            return updated_node
        kept = _TrailingCommas()
        updated_node.visit(kept)
        # RemoveImportsVisitor keeps an import still used; run here (not scheduled) so that the
        # trailing comma of a parenthesized import it shortened can be put back.
        pruned = RemoveImportsVisitor(self.context, removals).transform_module(updated_node)
        return _keep_blank_lines(updated_node, pruned.visit(kept))


def _keep_blank_lines(before: cst.Module, after: cst.Module) -> cst.Module:
    """A removed top-level import's blank lines go to the statement that now follows it
    (LibCST drops them with the statement: `from __future__ import annotations` would then
    touch the next import), unless that statement has lines of its own."""
    old = [before.code_for_node(s) for s in before.body]
    new = [after.code_for_node(s) for s in after.body]
    body = list(after.body)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, _, j1, _ in matcher.get_opcodes():
        if op != "delete" or j1 >= len(body) or body[j1].leading_lines:
            continue
        removed = before.body[i1].leading_lines
        blank = [line for line in removed if line.comment is None]
        if blank and len(blank) == len(removed):
            body[j1] = body[j1].with_changes(leading_lines=blank)
    return after.with_changes(body=body)


class _TrailingCommas(cst.CSTTransformer):
    """`from typing import (\n    Any,\n    List,\n)` keeps its layout when List goes
    (LibCST's RemoveImportsVisitor writes `(\n    Any)`)."""

    def __init__(self) -> None:
        super().__init__()
        self.commas: list[tuple[str, dict[str, cst.Comma], cst.Comma]] = []

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.module is None or not node.lpar or isinstance(node.names, cst.ImportStar):
            return
        last = node.names[-1].comma
        if isinstance(last, cst.Comma):
            names = {
                a.evaluated_name: a.comma for a in node.names if isinstance(a.comma, cst.Comma)
            }
            self.commas.append((_dotted(node.module), names, last))

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        names = updated_node.names
        if (
            updated_node.module is None
            or not updated_node.lpar
            or isinstance(names, cst.ImportStar)
        ):
            return updated_node
        if isinstance(names[-1].comma, cst.Comma):
            return updated_node
        module, left = _dotted(updated_node.module), {a.evaluated_name for a in names}
        for known, before, final in self.commas:
            if known == module and left <= before.keys():
                last = names[-1].with_changes(
                    comma=_closing(before[names[-1].evaluated_name], final)
                )
                return updated_node.with_changes(names=[*names[:-1], last], rpar=cst.RightParen())
        return updated_node


def _closing(own: cst.Comma, final: cst.Comma) -> cst.Comma:
    """The new last name's comma: its own comment, then the line break before `)` of the
    removed last name's comma (whose comment went with it)."""
    mine, theirs = own.whitespace_after, final.whitespace_after
    if isinstance(mine, cst.ParenthesizedWhitespace) and isinstance(
        theirs, cst.ParenthesizedWhitespace
    ):
        return own.with_changes(
            whitespace_after=mine.with_changes(indent=theirs.indent, last_line=theirs.last_line)
        )
    return final


def _dotted(module: cst.Attribute | cst.Name) -> str:
    return cst.helpers.get_full_name_for_node_or_raise(module)
